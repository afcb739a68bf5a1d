// "My account": links to the community pages (with the unread count; the call list for
// social workers only), and the ticks "I accept to phone people isolated near me" and
// "I accept missions".
import { api, handleForm, t } from "./common.js";

const form = document.getElementById("volunteering-form");
const status = document.getElementById("me-status");

api("/me")
  .then((me) => {
    form.elements.accepts_calls.checked = Boolean(me.accepts_calls);
    form.elements.accepts_missions.checked = Boolean(me.accepts_missions);
    for (const item of document.querySelectorAll("#community-links [data-role]")) {
      item.hidden = item.dataset.role !== me.role;
    }
  })
  .catch(() => {});

api("/me/notifications", { query: { unread: 1, limit: 1 } })
  .then((data) => {
    if (data.unread) document.getElementById("unread-count").textContent = `(${data.unread})`;
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
