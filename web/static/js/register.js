// Ask for an account: it opens from the link then mailed to the address (confirm.js).
import { addressCombobox, api, city, handleForm, nextPath } from "./common.js";

// The chosen suggestion's label is sent as the address: the API geocodes it to that point
// and keeps the text as the (private) home address.
addressCombobox(document.getElementById("f-address"));

handleForm(document.getElementById("register-form"), async (form, key) => {
  const data = new FormData(form);
  const body = {
    email: data.get("email"),
    password: data.get("password"),
    display_name: data.get("display_name"),
    poster_type: data.get("poster_type"),
    precision: data.get("precision"),
    consent: { share_email: data.has("share_email"), share_phone: data.has("share_phone") },
  };
  body.address = String(data.get("address") || "").trim();
  if (data.get("phone")) body.phone = data.get("phone");
  const next = nextPath(null); // the mailed link leads back there (e.g. the post form)
  if (next) body.next = next;
  await api(`/${city}/accounts`, { method: "POST", body, key });
  form.hidden = true;
  document.getElementById("register-sent").hidden = false;
});
