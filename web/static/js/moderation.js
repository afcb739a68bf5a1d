// The moderation queue: pending, reported and flagged posts, each with its reports and
// history, and the actions publish / hide / warn (GET and POST /api/v1/<city>/moderation/...);
// organisations waiting for verification (GET and POST .../moderation/organisations);
// for admins, a form giving roles.
import { api, ApiError, city, el, formatDate, handleForm, session, t } from "./common.js";
import { tc, tcCount } from "./community.js";

const list = document.getElementById("queue");
const status = document.getElementById("moderation-status");

function historyLine(event) {
  return el(
    "li",
    {},
    el("time", { datetime: event.created_at }, formatDate(event.created_at)),
    " ",
    tc(`history.${event.action}`, { name: event.actor_name || "", reason: event.reason }),
  );
}

function item(entry) {
  const post = entry.post;
  const reasonId = `reason-${post.id}`;
  const reason = el("textarea", { id: reasonId, rows: "2", maxlength: "500" });
  const buttons = ["publish", "hide", "warn"].map((action) =>
    el(
      "button",
      { type: "button", class: action === "hide" ? "danger" : "", "data-action": action },
      tc(action),
    ),
  );
  const error = el("p", { class: "field-error", id: `${reasonId}-error` });
  for (const button of buttons) {
    button.addEventListener("click", () => act(post.id, button.dataset.action, reason, error));
  }
  const signals = entry.signals.map((name) => tc(`signal.${name}`)).join(", ");
  return el(
    "li",
    { class: "moderation-item", "data-post-id": String(post.id) },
    el("h2", {}, el("a", { href: `/${city}/posts/${post.id}` }, post.title)),
    el("p", { class: "post-meta" }, entry.why.map((why) => tc(`why.${why}`)).join(" · "),
      " · ", post.poster_name, " · ", formatDate(post.created_at)),
    el("p", { class: "post-body" }, post.body),
    signals ? el("p", { class: "signals" }, tc("signals", { signals })) : null,
    entry.report_count
      ? el("div", { class: "reports" },
          el("p", {}, tcCount("reports", entry.report_count)),
          el("ul", {}, ...entry.reports.map((report) => el("li", {}, report.reason))))
      : null,
    entry.history.length ? el("ul", { class: "history" }, ...entry.history.map(historyLine)) : null,
    el("label", { for: reasonId }, tc("reason")),
    reason,
    error,
    el("p", { class: "actions" }, ...buttons),
  );
}

async function act(postId, action, reason, error) {
  error.textContent = "";
  try {
    await api(`/${city}/moderation/posts/${postId}/actions`, {
      method: "POST",
      body: { action, reason: reason.value },
    });
    status.textContent = tc(`done.${action}`);
    await load();
  } catch (problem) {
    error.textContent = problem instanceof ApiError ? problem.message : t("error_generic");
    reason.focus();
  }
}

const more = document.getElementById("queue-more");
let nextCursor = null;

/** The queue's first page (again, after an action), or the next one ("Load more"). */
async function load({ next = false } = {}) {
  try {
    const { items, next_cursor: cursor } = await api(`/${city}/moderation/queue`, {
      query: { cursor: next ? nextCursor : null },
    });
    if (next) list.append(...items.map(item));
    else list.replaceChildren(...items.map(item));
    nextCursor = cursor;
    more.hidden = !cursor;
    if (!list.children.length) status.textContent ||= tc("queue_empty");
  } catch (problem) {
    status.textContent =
      problem instanceof ApiError && [401, 403].includes(problem.status)
        ? tc("queue_forbidden")
        : problem.message;
  }
}

more.addEventListener("click", () => load({ next: true }));
load();

// Organisations that signed up wait for a moderator's approval (web.verification).
const organisations = document.getElementById("organisations");
const organisationsStatus = document.getElementById("organisations-status");

function applicant(entry) {
  const reasonId = `verify-reason-${entry.id}`;
  const reason = el("textarea", { id: reasonId, rows: "2", maxlength: "500" });
  const buttons = ["approve", "refuse"].map((decision) => {
    const button = el(
      "button",
      { type: "button", class: decision === "refuse" ? "danger" : "", "data-decision": decision },
      tc(`verify.${decision}`),
    );
    button.addEventListener("click", () => decide(entry, decision, reason));
    return button;
  });
  return el(
    "li",
    { class: "moderation-item", "data-account-id": String(entry.id) },
    el("h3", {}, entry.display_name),
    el("p", { class: "post-meta" }, tc("verify.asked", {
      type: tc(`poster_type.${entry.poster_type}`),
      email: entry.email,
      address: entry.home_address,
      date: formatDate(entry.created_at),
    })),
    el("label", { for: reasonId }, tc("verify.reason")),
    reason,
    el("p", { class: "actions" }, ...buttons),
  );
}

async function decide(entry, decision, reason) {
  await api(`/${city}/moderation/organisations/${entry.id}`, {
    method: "POST",
    body: { decision, reason: reason.value },
  });
  organisationsStatus.textContent = tc(`verify.done.${decision}`, { name: entry.display_name });
  await loadOrganisations();
}

async function loadOrganisations() {
  try {
    const answer = await api(`/${city}/moderation/organisations`);
    organisations.replaceChildren(...answer.organisations.map(applicant));
    document.getElementById("organisations-section").hidden = false;
  } catch (problem) {
    if (!(problem instanceof ApiError)) throw problem;
  }
}

loadOrganisations();

// Admins give roles (moderator, social worker, admin, resident) to the city's accounts.
const roleForm = document.getElementById("role-form");
handleForm(roleForm, async () => {
  const answer = await api(`/${city}/roles`, {
    method: "POST",
    body: { email: roleForm.elements.email.value.trim(), role: roleForm.elements.role.value },
  });
  document.getElementById("role-status").textContent = tc("role_given", answer);
});
session().then(({ account }) => {
  document.getElementById("roles-section").hidden = account?.role !== "admin";
});
