// "My account": my posts (edit, renew, close, delete), contact requests both ways, and the
// consent to share contact details (which withdrawing removes from accepted connections).
import {
  addressCombobox,
  api,
  categories,
  categoryIcon,
  city,
  el,
  handleForm,
  relativeTime,
  session,
  t,
} from "./common.js";

const status = document.getElementById("me-status");
const postList = document.getElementById("my-posts");
let categoryList = [];

function say(message) {
  status.textContent = message;
}

function categoryOf(slug) {
  return categoryList.find((category) => category.slug === slug);
}

function field(name, label, control) {
  control.id = `f-${name}`;
  control.name = name;
  control.setAttribute("aria-describedby", `f-${name}-error`);
  return el(
    "div",
    { class: "field", "data-field": name },
    el("label", { for: control.id }, label),
    control,
    el("p", { class: "field-error", id: `f-${name}-error` }),
  );
}

function select(options, value) {
  const control = el("select", {}, options.map(([optionValue, label]) => el("option", { value: optionValue }, label)));
  control.value = value;
  return control;
}

function editForm(post, onDone) {
  const title = el("input", { type: "text", maxlength: 120, required: true });
  title.value = post.title;
  const body = el("textarea", { rows: 4, maxlength: 2000 });
  body.value = post.body || "";
  const form = el(
    "form",
    { class: "edit-form", novalidate: true },
    el("div", { class: "form-summary", role: "alert", tabindex: "-1", hidden: true }),
    field("title", t("label.title"), title),
    field("body", t("label.body"), body),
    field(
      "category",
      t("label.category"),
      select(
        categoryList.map((category) => [category.slug, category.label]),
        post.category,
      ),
    ),
    field("kind", t("label.kind"), select([["offer", t("kind.offer")], ["request", t("kind.request")]], post.kind)),
    field(
      "precision",
      t("label.precision"),
      select(
        ["building", "street", "neighbourhood"].map((value) => [value, t(`precision.${value}`)]),
        post.precision,
      ),
    ),
    el("button", { type: "submit" }, t("save")),
    " ",
    el("button", { type: "button", class: "secondary", onclick: onDone }, t("cancel")),
  );
  handleForm(form, async () => {
    const data = new FormData(form);
    await api(`/${city}/posts/${post.id}`, {
      method: "PATCH",
      body: Object.fromEntries(["title", "body", "category", "kind", "precision"].map((name) => [name, data.get(name)])),
    });
    say(t("saved"));
    await showPosts();
  });
  return form;
}

async function act(post, body, message) {
  try {
    await api(`/${city}/posts/${post.id}`, { method: "PATCH", body });
    say(message);
  } catch (error) {
    say(error.message);
  }
  await showPosts();
}

function postEntry(post) {
  const category = categoryOf(post.category);
  const actions = el("div", { class: "actions" });
  const entry = el(
    "li",
    { class: `post kind-${post.kind}`, "data-post-id": post.id },
    el(
      "p",
      { class: "post-category" },
      categoryIcon(category),
      ` ${category?.label || post.category} `,
      el("span", { class: `kind-badge kind-${post.kind}` }, t(`kind.${post.kind}`)),
      " ",
      el("span", { class: `status-badge status-${post.status}` }, t(`status.${post.status}`)),
    ),
    el("h3", { class: "post-title" }, el("a", { href: `/${city}/posts/${post.id}` }, post.title)),
    el(
      "p",
      { class: "post-meta" },
      el("time", { datetime: post.created_at }, t("posted_ago", { when: relativeTime(post.created_at) })),
      post.expires_at ? [" · ", t("expires", { when: relativeTime(post.expires_at) })] : null,
      " · ",
      t(`precision.${post.precision}`),
    ),
    actions,
  );
  const editButton = el("button", { type: "button", class: "secondary" }, t("edit"));
  editButton.addEventListener("click", () => {
    for (const open of postList.querySelectorAll(".edit-form")) open.remove();
    const form = editForm(post, () => {
      form.remove();
      editButton.focus();
    });
    entry.append(form);
    form.querySelector("input").focus();
  });
  actions.append(editButton, " ");
  actions.append(
    el("button", { type: "button", class: "secondary", onclick: () => act(post, { renew: true }, t("renewed")) }, t("renew")),
    " ",
  );
  if (post.status === "published" || post.status === "pending") {
    actions.append(
      el(
        "button",
        { type: "button", class: "secondary", onclick: () => act(post, { status: "closed" }, t("closed")) },
        t("close_post"),
      ),
      " ",
    );
  }
  actions.append(
    el(
      "button",
      {
        type: "button",
        class: "danger",
        onclick: async () => {
          if (!window.confirm(t("confirm_delete"))) return;
          try {
            await api(`/${city}/posts/${post.id}`, { method: "DELETE" });
            say(t("deleted"));
          } catch (error) {
            say(error.message);
          }
          await showPosts();
        },
      },
      t("delete"),
    ),
  );
  return entry;
}

async function showPosts() {
  const { posts } = await api(`/${city}/me/posts`);
  postList.replaceChildren(...posts.map(postEntry));
  if (!posts.length) postList.append(el("li", { class: "empty" }, t("no_posts_yet")));
}

function contactDetails(other) {
  const lines = [];
  if (other.email) lines.push(el("p", {}, t("contact_email", { email: other.email })));
  if (other.phone) lines.push(el("p", {}, t("contact_phone", { phone: other.phone })));
  return lines;
}

function connectionEntry(connection, incoming) {
  const entry = el(
    "li",
    { class: `connection status-${connection.status}`, "data-connection-id": connection.id },
    el("p", { class: "connection-title" }, el("strong", {}, connection.other?.display_name || ""), " · ", t("about_post", { title: connection.post_title })),
    el("p", { class: "post-meta" }, t(`connection.${connection.status}`), " · ", el("time", { datetime: connection.created_at }, relativeTime(connection.created_at))),
    connection.message ? el("p", { class: "connection-message" }, t("message_from", { message: connection.message })) : null,
    connection.status === "accepted" ? contactDetails(connection.other || {}) : null,
    !incoming && connection.status === "requested" ? el("p", { class: "help" }, t("contact_hidden")) : null,
    ["accepted", "done"].includes(connection.status)
      ? el("p", {}, el("a", { href: `/${city}/posts/${connection.post_id}?connection=${connection.id}#thread` }, t("thread.open")))
      : null,
  );
  if (incoming && connection.status === "requested") {
    const choices = shareChoices(connection.id);
    const answer = (verb) => async () => {
      try {
        if (verb === "accept") await saveShareChoices(choices);
        await api(`/me/connections/${connection.id}/${verb}`, { method: "POST" });
      } catch (error) {
        say(error.message);
      }
      await showConnections();
    };
    entry.append(
      el(
        "div",
        { class: "actions" },
        choices,
        el("button", { type: "button", onclick: answer("accept") }, t("accept")),
        " ",
        el("button", { type: "button", class: "secondary", onclick: answer("decline") }, t("decline")),
      ),
    );
  }
  return entry;
}

/** "Share my e-mail / phone" asked again when accepting, set as the account's consent now. */
function shareChoices(connectionId) {
  const consentForm = document.getElementById("consent-form");
  const box = (name) => {
    const id = `share-${name}-${connectionId}`;
    return el(
      "span",
      { class: "choice" },
      el("input", { type: "checkbox", id, name, checked: consentForm.elements[name].checked }),
      el("label", { for: id }, t(`thread.${name}`)),
    );
  };
  return el("p", { class: "share-choices" }, box("share_email"), " ", box("share_phone"), el("span", { class: "help" }, t("thread.without_sharing")));
}

async function saveShareChoices(choices) {
  const consentForm = document.getElementById("consent-form");
  const consent = {};
  let changed = false;
  for (const name of ["share_email", "share_phone"]) {
    consent[name] = choices.querySelector(`[name="${name}"]`).checked;
    changed ||= consent[name] !== consentForm.elements[name].checked;
  }
  if (!changed) return;
  await api("/me", { method: "PATCH", body: { consent } });
  for (const name of Object.keys(consent)) consentForm.elements[name].checked = consent[name];
}

async function showConnections() {
  const { incoming, outgoing } = await api("/me/connections");
  for (const [id, list, isIncoming] of [["incoming", incoming, true], ["outgoing", outgoing, false]]) {
    const target = document.getElementById(id);
    target.replaceChildren(...list.map((connection) => connectionEntry(connection, isIncoming)));
    if (!list.length) target.append(el("li", { class: "empty" }, t("no_connections")));
  }
}

async function showConsent() {
  const me = await api("/me");
  const consent = me.consent || me.account?.consent || {};
  const form = document.getElementById("consent-form");
  form.elements.share_email.checked = Boolean(consent.share_email);
  form.elements.share_phone.checked = Boolean(consent.share_phone);
  handleForm(form, async () => {
    await api("/me", {
      method: "PATCH",
      body: {
        consent: {
          share_email: form.elements.share_email.checked,
          share_phone: form.elements.share_phone.checked,
        },
      },
    });
    say(t("saved"));
  });
}

/** Name, phone and home address; a new address moves the posts placed at the old home. */
async function showDetails() {
  const me = await api("/me");
  const form = document.getElementById("details-form");
  form.elements.display_name.value = me.display_name || "";
  form.elements.phone.value = me.phone || "";
  form.elements.address.value = me.home_address || "";
  let home = me.home_address || "";
  addressCombobox(form.elements.address);
  handleForm(form, async () => {
    const body = { display_name: form.elements.display_name.value, phone: form.elements.phone.value };
    const address = form.elements.address.value.trim();
    if (address && address !== home) body.address = address;
    const saved = await api("/me", { method: "PATCH", body });
    home = saved.home_address || "";
    form.elements.address.value = home;
    say(t("saved"));
    await showPosts();
  });
}

async function start() {
  const { account } = await session();
  if (!account) {
    window.location.assign(`/${city}/login?next=${encodeURIComponent(window.location.pathname)}`);
    return;
  }
  categoryList = await categories().catch(() => []);
  const results = await Promise.allSettled([
    showDetails(),
    showPosts(),
    showConsent().then(showConnections),
  ]);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) say(failed.reason?.message || t("error_generic"));
}

start();
