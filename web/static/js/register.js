// Create an account (logged in at once), then go to "My account".
import { addressCombobox, api, city, handleForm, nextPath } from "./common.js";

const addressInput = document.getElementById("f-address");
let pickedPlace = null;
addressCombobox(addressInput, {
  onPick: (place) => {
    pickedPlace = place;
  },
  onEdit: () => {
    pickedPlace = null;
  },
});

handleForm(document.getElementById("register-form"), async (form) => {
  const data = new FormData(form);
  const body = {
    email: data.get("email"),
    password: data.get("password"),
    display_name: data.get("display_name"),
    poster_type: data.get("poster_type"),
    precision: data.get("precision"),
    consent: { share_email: data.has("share_email"), share_phone: data.has("share_phone") },
  };
  const address = String(data.get("address") || "").trim();
  body.address = address;
  if (pickedPlace && pickedPlace.label === address) {
    body.lat = pickedPlace.lat;
    body.lon = pickedPlace.lon;
  }
  if (data.get("phone")) body.phone = data.get("phone");
  await api(`/${city}/accounts`, { method: "POST", body });
  window.location.assign(nextPath(`/${city}/me`));
});
