// The social workers' queue of requests nobody contacted (GET /api/v1/<city>/escalations).
import { api, ApiError, city, el, formatDate } from "./common.js";
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

more.addEventListener("click", load);
load();
