// Open the account the mailed link confirms, then go to "My account", logged in.
import { api, city } from "./common.js";
import { isDeadLink, mailedToken } from "./mailed_link.js";

const status = document.getElementById("confirm-status");
api("/accounts/confirm", { method: "POST", body: { token: mailedToken() } })
  .then(() => window.location.replace(`/${city}/me`))
  .catch((error) => {
    status.hidden = true;
    document.getElementById("link-dead").hidden = !isDeadLink(error);
    if (!isDeadLink(error)) throw error;
  });
