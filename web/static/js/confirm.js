// Open the account the mailed link confirms, then go where the person was going when they
// signed up (`?next=`, e.g. the post form), else to "My account", logged in.
import { api, city, nextPath, withNotice } from "./common.js";
import { isDeadLink, mailedToken } from "./mailed_link.js";

const status = document.getElementById("confirm-status");
api("/accounts/confirm", { method: "POST", body: { token: mailedToken() } })
  .then(() => window.location.replace(withNotice(nextPath(`/${city}/me`), "confirmed")))
  .catch((error) => {
    status.hidden = true;
    document.getElementById("link-dead").hidden = !isDeadLink(error);
    if (!isDeadLink(error)) throw error;
  });
