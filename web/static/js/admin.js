// The city admin's page: settings and categories (GET/PATCH /api/v1/<city>/settings,
// POST /categories, PATCH /categories/<slug>).
import { api, ApiError, city, el, handleForm, showProblem } from "./common.js";

const status = document.getElementById("admin-status");
const sections = document.getElementById("admin-sections");
const settingsForm = document.getElementById("settings-form");
const categoryForm = document.getElementById("category-form");
const rows = document.getElementById("categories");
const NUMBERS = ["post_ttl_days", "reminder_days_before", "escalation_after_hours", "remote_radius_m"];
const TEXTS = ["phone", "controller", "contact", "charter", "privacy", "legal"];
const logoForm = document.getElementById("logo-form");

function said(text) {
  status.textContent = text;
}

function fill(settings) {
  const fields = settingsForm.elements;
  fields.name.value = settings.name;
  for (const box of settingsForm.querySelectorAll('[name="languages"]')) {
    box.checked = settings.languages.includes(box.value);
  }
  fields.premoderation.checked = settings.premoderation;
  for (const name of NUMBERS) fields[name].value = settings[name];
  for (const name of TEXTS) fields[name].value = settings[name];
  fields.colour.value = settings.colour;
  rows.replaceChildren(...settings.categories.map(categoryRow));
}

function categoryRow(category) {
  const input = (name, attrs = {}) =>
    el("input", { name, "aria-label": `${category.slug} ${name}`, ...attrs });
  const fr = input("fr", { value: category.fr, maxlength: 80 });
  const en = input("en", { value: category.en, maxlength: 80 });
  const icon = input("icon", { value: category.icon, maxlength: 16, size: 4 });
  const remote = input("remote", { type: "checkbox" });
  const retired = input("retired", { type: "checkbox" });
  remote.checked = category.remote;
  retired.checked = category.retired;
  const form = el("form", { id: `category-${category.slug}`, novalidate: "" });
  const save = el("button", { type: "submit", form: form.id }, rows.dataset.save);
  for (const field of [fr, en, icon, remote, retired]) field.setAttribute("form", form.id);
  form.append(el("div", { class: "form-summary", role: "alert", tabindex: "-1", hidden: "" }));
  handleForm(form, async () => {
    const changed = await api(`/${city}/categories/${category.slug}`, {
      method: "PATCH",
      body: { fr: fr.value, en: en.value, icon: icon.value, remote: remote.checked, retired: retired.checked },
    });
    said(`${changed.slug}: ${status.dataset.saved}`);
  });
  return el(
    "tr",
    { "data-slug": category.slug, class: category.retired ? "retired" : "" },
    el("th", { scope: "row" }, category.slug, form),
    ...[fr, en, icon, remote, retired, save].map((cell) => el("td", {}, cell)),
  );
}

handleForm(settingsForm, async () => {
  const fields = settingsForm.elements;
  const body = {
    name: fields.name.value,
    languages: [...settingsForm.querySelectorAll('[name="languages"]:checked')].map((box) => box.value),
    premoderation: fields.premoderation.checked,
    colour: fields.colour.value || null,
  };
  for (const name of TEXTS) body[name] = fields[name].value || null; // empty: the default
  for (const name of NUMBERS) body[name] = fields[name].value === "" ? null : Number(fields[name].value);
  fill(await api(`/${city}/settings`, { method: "PATCH", body }));
  said(status.dataset.saved);
});

handleForm(categoryForm, async () => {
  const fields = categoryForm.elements;
  await api(`/${city}/categories`, {
    method: "POST",
    body: {
      slug: fields.slug.value,
      fr: fields.fr.value,
      en: fields.en.value,
      icon: fields.icon.value,
      remote: fields.remote.checked,
    },
  });
  categoryForm.reset();
  fill(await api(`/${city}/settings`));
  said(status.dataset.saved);
});

// The logo is sent as it is (the body is the image), not as JSON.
async function sendLogo(method, file) {
  const headers = { "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content };
  if (file) headers["Content-Type"] = file.type;
  const response = await fetch(`/api/v1/${city}/logo`, { method, headers, body: file, credentials: "same-origin" });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
  said(status.dataset.saved);
}

handleForm(logoForm, async () => {
  const [file] = logoForm.elements.logo.files;
  if (file) await sendLogo("PUT", file);
});
document.getElementById("remove-logo").addEventListener("click", () =>
  sendLogo("DELETE").catch((error) => showProblem(logoForm, error)),
);

async function load() {
  try {
    fill(await api(`/${city}/settings`));
    sections.hidden = false;
  } catch (error) {
    if (error instanceof ApiError && [401, 403].includes(error.status)) said(status.dataset.forbidden);
    else showProblem(settingsForm, error);
  }
}

load();
