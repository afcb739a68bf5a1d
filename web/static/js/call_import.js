// The call-list page's register import (POST /api/v1/<city>/calls/import, the CSV as the
// body): every row is imported, or none, with the refused rows listed and why.
import { ApiError, city, el, handleForm, t } from "./common.js";

const form = document.getElementById("import-form");
const refused = document.getElementById("import-refused");
const status = document.getElementById("calls-status");

handleForm(form, async () => {
  refused.replaceChildren();
  const [file] = form.elements.register.files;
  if (!file) throw new ApiError(422, { errors: [{ param: "register", text: form.elements.register.validationMessage }] });
  const response = await fetch(`/api/v1/${city}/calls/import`, {
    method: "POST",
    headers: {
      "Content-Type": "text/csv",
      "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content,
    },
    body: file,
    credentials: "same-origin",
  });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 422 && answer.title === "Invalid register") {
    refused.replaceChildren(...answer.errors.map((error) => el("li", {}, `${error.param} : ${error.message}`)));
    throw new ApiError(422, { errors: [{ param: "", text: t("calls.import_refused") }] });
  }
  if (!response.ok) throw new ApiError(response.status, answer);
  form.reset();
  status.textContent = t("calls.imported", { count: answer.imported });
  document.dispatchEvent(new Event("call-list-changed"));
});
