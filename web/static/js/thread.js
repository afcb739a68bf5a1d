// A connection's message thread, under the post: the two sides write to each other once
// the contact is accepted, whether or not they shared an e-mail or phone.
import { api, ApiError, el, formatDate, handleForm, relativeTime, showUnreadCount, t } from "./common.js";

const section = document.getElementById("thread");
const list = document.getElementById("thread-messages");
const form = document.getElementById("thread-form");
let current = null;

function messageItem(message, other) {
  return el(
    "li",
    { class: message.mine ? "mine" : "theirs", "data-message-id": String(message.id) },
    el(
      "p",
      { class: "post-meta" },
      el("strong", {}, message.mine ? t("thread.you") : other.display_name),
      " · ",
      el("time", { datetime: message.created_at, title: formatDate(message.created_at) }, relativeTime(message.created_at)),
    ),
    ...message.body.split(/\n+/).map((line) => el("p", {}, line)),
  );
}

function details(other) {
  const lines = [];
  if (other.email) lines.push(t("contact_email", { email: other.email }));
  if (other.phone) lines.push(t("contact_phone", { phone: other.phone }));
  if (!lines.length) lines.push(t("thread.no_details", { name: other.display_name }));
  return lines.map((line) => el("p", { class: "help" }, line));
}

/** Every message of the thread, page after page (oldest first). */
async function allMessages(connectionId) {
  const messages = [];
  let after = 0;
  for (;;) {
    const page = await api(`/me/connections/${connectionId}/messages`, { query: { after, limit: 200 } });
    messages.push(...page.messages);
    if (page.next_after === null) return messages;
    after = page.next_after;
  }
}

/** Show the thread of an accepted connection (seen from my side, `other` the other one). */
export async function showThread(connection) {
  current = connection;
  const other = connection.other || {};
  document.getElementById("thread-details").replaceChildren(...details(other));
  const messages = await allMessages(connection.id);
  list.replaceChildren(...messages.map((message) => messageItem(message, other)));
  if (!messages.length) list.append(el("li", { class: "empty" }, t("thread.empty")));
  section.hidden = false;
  showUnreadCount().catch(() => {}); // reading the thread read its notices
  if (window.location.hash === "#thread") section.scrollIntoView();
}

handleForm(form, async (_form, key) => {
  const body = form.elements.body.value;
  const message = await api(`/me/connections/${current.id}/messages`, { method: "POST", body: { body }, key });
  list.querySelector(".empty")?.remove();
  list.append(messageItem(message, current.other || {}));
  form.reset();
});

// Reporting the thread: only then may the city's moderators read it.
const reportForm = document.getElementById("thread-report-form");
handleForm(reportForm, async (_form, key) => {
  const reason = reportForm.elements["thread-reason"].value;
  try {
    await api(`/me/connections/${current.id}/report`, { method: "POST", body: { reason }, key });
  } catch (error) {
    // Reported already (409): say so as if now. The API names "reason"; on this page the
    // field is "thread-reason" (the post's report form has its own "reason").
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 409) return reported();
    const errors = (error.problem.errors || []).map((e) => ({ ...e, param: e.param === "reason" ? "thread-reason" : e.param }));
    throw new ApiError(error.status, { ...error.problem, errors });
  }
  reported();
});

function reported() {
  reportForm.hidden = true;
  const sent = document.getElementById("thread-report-sent");
  sent.textContent = t("thread.reported");
  sent.hidden = false;
}
