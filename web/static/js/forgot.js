// Ask for a password reset link; the answer is the same whether or not the address is known.
import { api, handleForm } from "./common.js";

handleForm(document.getElementById("forgot-form"), async (form) => {
  await api("/password-reset", { method: "POST", body: { email: form.elements.email.value } });
  form.hidden = true;
  document.getElementById("forgot-sent").hidden = false;
});
