// The social workers' queue of requests nobody contacted (GET /api/v1/<city>/escalations).
import { api, ApiError, city, el, formatDate } from "./common.js";
import { tc, tcCount } from "./community.js";

const list = document.getElementById("escalations");
const status = document.getElementById("escalations-status");

async function load() {
  try {
    const { requests } = await api(`/${city}/escalations`);
    list.replaceChildren(
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
            tcCount("waiting", post.waiting_hours),
          ),
          el("p", { class: "post-body" }, post.properties.body),
        ),
      ),
    );
    status.textContent = requests.length ? "" : tc("escalations_empty");
  } catch (problem) {
    status.textContent =
      problem instanceof ApiError && [401, 403].includes(problem.status)
        ? tc("escalations_forbidden")
        : problem.message;
  }
}

load();
