// Post an offer or a request, at the account's home or at another address.
import { addressCombobox, api, categories, city, el, handleForm, session } from "./common.js";

const form = document.getElementById("post-form");
const otherAddress = document.getElementById("other-address");
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

form.addEventListener("change", (event) => {
  if (event.target.name === "place") otherAddress.hidden = event.target.value !== "other";
});

async function start() {
  const [{ account }, list] = await Promise.all([session(), categories().catch(() => [])]);
  const select = document.getElementById("f-category");
  select.replaceChildren(
    ...list.map((category) => el("option", { value: category.slug }, `${category.icon} ${category.label}`)),
  );
  if (!account) {
    document.getElementById("login-needed").hidden = false;
    form.hidden = true;
    return;
  }
  try {
    const me = await api("/me");
    const precision = me.precision || me.account?.precision;
    const radio = form.querySelector(`input[name="precision"][value="${precision}"]`);
    if (radio) radio.checked = true;
  } catch {
    // Keep the default precision.
  }
}

handleForm(form, async () => {
  const data = new FormData(form);
  const body = {
    kind: data.get("kind"),
    category: data.get("category"),
    title: data.get("title"),
    body: data.get("body") || "",
    precision: data.get("precision"),
  };
  if (data.get("place") === "other") {
    const address = String(data.get("address") || "").trim();
    if (pickedPlace && pickedPlace.label === address) {
      body.lat = pickedPlace.lat;
      body.lon = pickedPlace.lon;
    } else {
      body.address = address;
    }
  }
  const feature = await api(`/${city}/posts`, { method: "POST", body });
  window.location.assign(`/${city}/posts/${encodeURIComponent(feature.id)}`);
});

start();
