// The inbox: notifications newest first (missions, alerts, reminders), marked read one by
// one or all at once.
import { api, el, relativeTime, session, t } from "./common.js";

const list = document.getElementById("inbox");
const status = document.getElementById("inbox-status");

function item(notice) {
  return el(
    "li",
    { class: notice.read ? "notice read" : "notice unread", "data-id": notice.id },
    el("strong", {}, notice.title),
    " ",
    el("span", { class: "muted" }, relativeTime(notice.created_at)),
    notice.body ? el("p", {}, notice.body) : null,
    notice.link ? el("a", { href: notice.link }, t("inbox.open")) : null,
    notice.read
      ? null
      : el(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: async () => {
              await api(`/me/notifications/${notice.id}/read`, { method: "POST" });
              await load();
            },
          },
          t("inbox.mark_read"),
        ),
  );
}

export async function load() {
  const { account } = await session();
  if (!account) {
    status.textContent = t("inbox.login");
    return;
  }
  const data = await api("/me/notifications");
  list.replaceChildren(...data.notifications.map(item));
  if (!data.notifications.length) list.append(el("li", {}, t("inbox.empty")));
}

document.getElementById("mark-all-read").addEventListener("click", async () => {
  await api("/me/notifications/read", { method: "POST" });
  await load();
});

load();
