// "My account": the ticks "I accept to phone people isolated near me" and "I accept missions".
import { api, handleForm, t } from "./common.js";

const form = document.getElementById("volunteering-form");
const status = document.getElementById("me-status");

api("/me")
  .then((me) => {
    form.elements.accepts_calls.checked = Boolean(me.accepts_calls);
    form.elements.accepts_missions.checked = Boolean(me.accepts_missions);
  })
  .catch(() => {});

handleForm(form, async () => {
  await api("/me", {
    method: "PATCH",
    body: {
      accepts_calls: form.elements.accepts_calls.checked,
      accepts_missions: form.elements.accepts_missions.checked,
    },
  });
  if (status) status.textContent = t("saved");
});
