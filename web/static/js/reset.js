// Set a new password from the mailed link, then go to "My account", logged in.
import { api, city, handleForm } from "./common.js";
import { isDeadLink, mailedToken } from "./mailed_link.js";

const token = mailedToken();
handleForm(document.getElementById("reset-form"), async (form) => {
  try {
    await api("/password-reset/new", {
      method: "POST",
      body: { token, password: form.elements.password.value },
    });
  } catch (error) {
    if (!isDeadLink(error)) throw error;
    form.hidden = true;
    document.getElementById("link-dead").hidden = false;
    return;
  }
  window.location.assign(`/${city}/me`);
});
