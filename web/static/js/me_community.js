// The account page's community sections: what moderators said about my posts.
import { api, el, formatDate } from "./common.js";
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
