// The social workers' queue of requests nobody contacted (GET /api/v1/<city>/escalations).
import { api, ApiError, city, el, formatDate, handleForm } from "./common.js";
import { tc, tcCount } from "./community.js";

const list = document.getElementById("escalations");
const status = document.getElementById("escalations-status");
const more = document.getElementById("escalations-more");
let nextCursor = null;

/** "waiting for 90 days" (hours under a day). */
function waiting(post) {
  return post.waiting_days ? tcCount("waiting_days", post.waiting_days) : tcCount("waiting", post.waiting_hours);
}

/** A page of the queue, the longest waiting first; "Load more" adds the next one. */
async function load() {
  try {
    const { requests, next_cursor: cursor } = await api(`/${city}/escalations`, {
      query: { cursor: nextCursor },
    });
    list.append(
      ...requests.map((post) =>
        el(
          "li",
          { "data-post-id": String(post.id) },
          el("h2", {}, el("a", { href: `/${city}/posts/${post.id}` }, post.properties.title)),
          el(
            "p",
            { class: "post-meta" },
            post.properties.poster_name,
            " · ",
            formatDate(post.properties.created_at),
            " · ",
            waiting(post),
          ),
          el("p", { class: "post-body" }, post.properties.body),
          handling(post),
        ),
      ),
    );
    nextCursor = cursor;
    more.hidden = !cursor;
    status.textContent = list.children.length ? "" : tc("escalations_empty");
  } catch (problem) {
    status.textContent =
      problem instanceof ApiError && [401, 403].includes(problem.status)
        ? tc("escalations_forbidden")
        : problem.message;
  }
}

// Who took the request in charge, and the agents' note (POST /escalations/<id>).
function handling(post) {
  const state = el("p", { class: "taken-by" });
  const show = (taken) => {
    state.textContent = taken
      ? tc("taken_by", { name: taken.name, date: formatDate(taken.at) })
      : tc("nobody_yet");
  };
  show(post.taken_by);
  const noteId = `note-${post.id}`;
  const note = el("textarea", { id: noteId, name: "note", rows: 2, maxlength: 2000 });
  note.value = post.note;
  const form = el(
    "form",
    { class: "escalation-handling", novalidate: true },
    el("div", { class: "form-summary", role: "alert", tabindex: "-1", hidden: true }),
    state,
    el("label", { for: noteId }, tc("note")),
    note,
    el("button", { type: "submit", name: "take", value: "1" }, tc("take")),
    el("button", { type: "submit", name: "take", value: "0", class: "secondary" }, tc("let_go")),
    el("button", { type: "submit", name: "take", value: "keep", class: "secondary" }, tc("save_note")),
  );
  let pressed = "keep";
  for (const button of form.querySelectorAll("button")) {
    button.addEventListener("click", () => {
      pressed = button.value;
    });
  }
  handleForm(form, async () => {
    const body = { note: note.value };
    if (pressed !== "keep") body.taken = pressed === "1";
    const answer = await api(`/${city}/escalations/${post.id}`, { method: "POST", body });
    show(answer.taken_by);
  });
  return form;
}

more.addEventListener("click", load);
load();
