// Log in with email and password, then go back where the visitor came from.
import { api, ApiError, city, handleForm, nextPath, t } from "./common.js";

handleForm(document.getElementById("login-form"), async (form) => {
  const data = new FormData(form);
  try {
    await api("/session", {
      method: "POST",
      body: { email: data.get("email"), password: data.get("password") },
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      throw new ApiError(401, { ...error.problem, errors: [], detail: t("login_failed") });
    }
    throw error;
  }
  window.location.assign(nextPath(`/${city}/`));
});
