// Reported threads on the moderation page: a thread is private to its two sides; a
// moderator reads one only once a side reported it, and each reading is audited
// (GET /api/v1/<city>/moderation/threads[/<connection_id>]).
import { api, city, el, formatDate } from "./common.js";
import { tc } from "./community.js";

function message(line) {
  return el(
    "li",
    {},
    el("strong", {}, line.author),
    " · ",
    el("time", { datetime: line.created_at }, formatDate(line.created_at)),
    el("p", {}, line.body),
  );
}

function item(thread) {
  const messages = el("ol", { class: "thread-read" });
  const button = el("button", { type: "button", class: "secondary" }, tc("threads.read"));
  button.addEventListener("click", async () => {
    const read = await api(`/${city}/moderation/threads/${thread.connection_id}`);
    messages.replaceChildren(...read.messages.map(message));
    if (!read.messages.length) messages.append(el("li", {}, tc("threads.empty")));
    button.remove();
  });
  return el(
    "li",
    { "data-connection-id": String(thread.connection_id) },
    el("p", {}, el("a", { href: `/${city}/posts/${thread.post_id}` }, tc("threads.about", { title: thread.post_title, reason: thread.reason }))),
    el("p", { class: "post-meta" }, el("time", { datetime: thread.created_at }, formatDate(thread.created_at))),
    button,
    messages,
  );
}

api(`/${city}/moderation/threads`)
  .then(({ threads }) => {
    document.getElementById("reported-threads").replaceChildren(...threads.map(item));
    document.getElementById("threads-section").hidden = threads.length === 0;
  })
  .catch(() => {}); // not a moderator: the page says so already
