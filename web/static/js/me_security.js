// "My account": change my password (every other session ends), or log out everywhere.
import { api, ApiError, city, handleForm, t } from "./common.js";

handleForm(document.getElementById("password-form"), async (form) => {
  const body = {
    current_password: form.elements.current_password.value,
    password: form.elements.new_password.value,
  };
  try {
    await api("/me/password", { method: "PUT", body });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // The page's form names the new password new_password (the account deletion form
    // below has its own password field); the API names it password.
    const wrong = document.getElementById("wrong-current-password").textContent;
    const errors = (error.problem.errors || []).map((e) => {
      if (e.param === "password") return { param: "new_password", text: t("invalid.password") };
      if (e.param === "current_password") return { param: e.param, text: wrong };
      return e;
    });
    throw new ApiError(error.status, { ...error.problem, errors });
  }
  form.reset();
  document.getElementById("password-changed").hidden = false;
});

document.getElementById("log-out-everywhere").addEventListener("click", async () => {
  await api("/me/sessions", { method: "DELETE" });
  window.location.assign(`/${city}/`);
});
