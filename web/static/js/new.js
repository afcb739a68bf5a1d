// Post an offer or a request, at the account's home or at another address.
import {
  addressCombobox,
  api,
  categories,
  city,
  el,
  handleForm,
  session,
  withNotice,
} from "./common.js";
import { withAudience } from "./audience.js";
import { onBehalfOf } from "./relay.js";

const form = document.getElementById("post-form");
const otherAddress = document.getElementById("other-address");
// A chosen suggestion's label is sent as the address, which the API geocodes to that point.
addressCombobox(document.getElementById("f-address"));

form.addEventListener("change", (event) => {
  if (event.target.name === "place") otherAddress.hidden = event.target.value !== "other";
});

async function start() {
  const [{ account }, list] = await Promise.all([session(), categories().catch(() => [])]);
  const select = document.getElementById("f-category");
  select.replaceChildren(
    ...list.map((category) => el("option", { value: category.slug }, category.label)),
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

handleForm(form, async (_form, key) => {
  const data = new FormData(form);
  const body = {
    kind: data.get("kind"),
    category: data.get("category"),
    title: data.get("title"),
    body: data.get("body") || "",
    precision: data.get("precision"),
  };
  if (data.get("place") === "other") {
    body.address = String(data.get("address") || "").trim();
  }
  const person = onBehalfOf(data);
  if (person) body.on_behalf_of = person;
  const feature = await api(`/${city}/posts`, { method: "POST", body: withAudience(body), key });
  window.location.assign(withNotice(`/${city}/posts/${encodeURIComponent(feature.id)}`, "published"));
}, { leaves: true });

start();
