// The account page's community sections: what moderators said about my posts, and
// whether the help happened after a connection, my data (export, deleting my account).
import { api, ApiError, city, el, formatDate, handleForm, session } from "./common.js";
import { tc } from "./community.js";

async function showNotices() {
  const { notices } = await api("/me/moderation");
  const list = document.getElementById("notices");
  list.replaceChildren(
    ...notices.map((notice) =>
      el(
        "li",
        { class: `notice-${notice.action}`, "data-post-id": String(notice.post_id) },
        tc(`notice.${notice.action}`, { title: notice.post_title, reason: notice.reason }),
        " ",
        el("time", { datetime: notice.created_at }, formatDate(notice.created_at)),
      ),
    ),
  );
  document.getElementById("notices-section").hidden = notices.length === 0;
}

showNotices().catch(() => {});

// "Did the help happen?" a few days after a connection was accepted.
async function showFollowUps() {
  const { follow_ups: followUps } = await api("/me/follow-ups");
  const list = document.getElementById("follow-ups");
  list.replaceChildren(
    ...followUps.map((followUp) => {
      const buttons = ["done", "not_done"].map((outcome) =>
        el("button", { type: "button", "data-outcome": outcome }, tc(`outcome.${outcome}`)),
      );
      const item = el(
        "li",
        { "data-connection-id": String(followUp.id) },
        el("p", {}, tc(`follow_up.${followUp.side}`, { title: followUp.post_title })),
        el("p", { class: "actions" }, ...buttons),
      );
      for (const button of buttons) {
        button.addEventListener("click", async () => {
          await api(`/me/connections/${followUp.id}/outcome`, {
            method: "POST",
            body: { outcome: button.dataset.outcome },
          });
          item.remove();
          document.getElementById("follow-ups-status").textContent = tc("outcome.thanks");
        });
      }
      return item;
    }),
  );
  document.getElementById("follow-ups-section").hidden = followUps.length === 0;
}

showFollowUps().catch(() => {});

// Deleting my account: the password typed again, then back to the map, logged out.
handleForm(document.getElementById("delete-form"), async (form) => {
  if (!window.confirm(tc("confirm_delete_account"))) return;
  try {
    await api("/me", { method: "DELETE", body: { password: form.elements.password.value } });
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) {
      throw new ApiError(403, { errors: [{ param: "password", message: tc("wrong_password") }] });
    }
    throw error;
  }
  window.location.assign(`/${city}/`);
});

// Links to the agents' pages, by role.
session().then(({ account }) => {
  const links = document.querySelectorAll("#agent-links [data-roles]");
  for (const link of links) link.hidden = !account || !link.dataset.roles.split(" ").includes(account.role);
  document.getElementById("agent-section").hidden = ![...links].some((link) => !link.hidden);
});
