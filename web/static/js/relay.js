// "On behalf of someone" in the new-post form, for the city's agents (see web/relay.py).
import { session } from "./common.js";

const RELAYING_ROLES = ["moderator", "social_worker", "admin"];
const fieldset = document.getElementById("on-behalf");
const toggle = document.getElementById("f-on_behalf");

toggle?.addEventListener("change", () => {
  document.getElementById("on-behalf-details").hidden = !toggle.checked;
});

session().then(({ account }) => {
  if (fieldset && account && RELAYING_ROLES.includes(account.role)) fieldset.hidden = false;
});

/** The ``on_behalf_of`` of a new post from the form's data, or null. */
export function onBehalfOf(data) {
  if (data.get("on_behalf") !== "on") return null;
  const person = {
    name: String(data.get("behalf_name") || "").trim(),
    consent: data.get("behalf_consent") === "on",
    exact_address: data.get("behalf_exact") === "on",
  };
  const phone = String(data.get("behalf_phone") || "").trim();
  if (phone) person.phone = phone;
  return person;
}
