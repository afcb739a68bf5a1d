// What every page shares: translated strings, localised formats, the API client with its
// CSRF header, form error display, the session-dependent menu and the address combobox.
// User text is only ever inserted with textContent (see el()).

export const city = document.body.dataset.city;
export const lang = document.documentElement.lang || "fr";
const strings = JSON.parse(document.getElementById("i18n").textContent);

/** The translated string `key`, with `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** Whether the page has a translated string named `key`. */
export function hasString(key) {
  return key in strings;
}

/** The plural form of `key` (`key_one`, `key_other`, ...) for `count` in the page language. */
export function tCount(key, count, params = {}) {
  const form = new Intl.PluralRules(lang).select(count);
  const chosen = `${key}_${form}` in strings ? `${key}_${form}` : `${key}_other`;
  return t(chosen, { ...params, count: formatNumber(count) });
}

export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(lang, options).format(value);
}

/** "~120 m", "~1,2 km": the API rounds distances to 10 m, the page says they are approximate. */
export function formatDistance(distanceM) {
  const distance =
    distanceM < 1000
      ? formatNumber(distanceM, { style: "unit", unit: "meter", maximumFractionDigits: 0 })
      : formatNumber(distanceM / 1000, {
          style: "unit",
          unit: "kilometer",
          maximumFractionDigits: 1,
        });
  return t("about_distance", { distance });
}

const RELATIVE_UNITS = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "il y a 2 jours" / "2 days ago" (or "in 3 weeks") from an ISO 8601 date. */
export function relativeTime(isoDate, now = Date.now()) {
  const format = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  const seconds = (Date.parse(isoDate) - now) / 1000;
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return format.format(0, "second");
}

export function formatDate(isoDate) {
  return new Intl.DateTimeFormat(lang, { dateStyle: "long" }).format(new Date(isoDate));
}

/**
 * A DOM element. Strings among `children` become text nodes, so user text is never parsed
 * as HTML. `attrs` sets attributes, except `class` (className) and `on<event>` (listeners).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const staticRoot = document.body.dataset.static || "/static/";

/** Who posted, by type; an organisation the city verified carries a visible mark. */
export function posterType(properties) {
  const type = t(`poster_type.${properties.poster_type}`);
  if (!properties.poster_verified) return type;
  return el("span", {}, type, " ", el("span", { class: "verified" }, t("poster_verified")));
}

/**
 * A category's icon: the vendored Twemoji picture of its emoji (the same on every system),
 * or the emoji itself as text if there is no picture for it. Decorative: a label follows.
 */
export function categoryIcon(category) {
  const emoji = category?.icon || "";
  const codePoints = [...emoji]
    .map((character) => character.codePointAt(0).toString(16))
    .filter((codePoint) => codePoint !== "fe0f");
  const fallback = el("span", { class: "category-icon", "aria-hidden": "true" }, emoji || "•");
  if (!codePoints.length) return fallback;
  const picture = el("img", {
    class: "category-icon",
    src: `${staticRoot}vendor/twemoji/${codePoints.join("-")}.svg`,
    alt: "",
    width: 20,
    height: 20,
  });
  picture.addEventListener("error", () => picture.replaceWith(fallback), { once: true });
  return picture;
}

// Codes that say more than a field's own hint ("invalid.address"): their sentence wins.
const TELLING_CODES = new Set([
  "outside_city",
  "already_requested",
  "already_exists",
  "expired",
  "wrong_credentials",
  "too_many_requests",
]);

/**
 * The page's sentence for one error of a problem, from its `param` and `code` (the API's
 * English `message` is never shown): `error.<field>.<code>`, the field's hint for a 422
 * or a 409 (`invalid.<field>`, `conflict.<field>`), `error.<code>`, else a generic one.
 */
export function errorText(status, param, code) {
  const field = param === "lat" || param === "lon" ? "address" : String(param || "").split(/[.[]/)[0];
  const fieldHint = { 409: `conflict.${field}`, 422: `invalid.${field}` }[status];
  const keys = [`error.${field}.${code}`];
  if (TELLING_CODES.has(code)) keys.push(`error.${code}`, fieldHint);
  else keys.push(fieldHint, `error.${code}`);
  const key = keys.find((name) => name && hasString(name));
  return key ? t(key, { city: cityName }) : t("error_generic");
}

/** The page's sentences for a whole problem, each once. */
function problemText(status, problem) {
  if (!status) return problem.title || t("network_error");
  const lines = (problem.errors || []).map((e) => errorText(status, e.param, e.code));
  if (!lines.length) lines.push(errorText(status, "", problem.code));
  return [...new Set(lines)].join(" ");
}

/**
 * An API failure: `problem` is the RFC 9457 body (or a stand-in for network errors);
 * `message` is its text in the page language.
 */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problemText(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

let csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || "";

/**
 * Call the JSON API: `path` under /api/v1, optional query (object of values or arrays).
 * `key` is sent as Idempotency-Key: a creating request sent again with it creates nothing new.
 */
export async function api(path, { method = "GET", body, query, key } = {}) {
  const url = new URL(`/api/v1${path}`, window.location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    for (const item of [].concat(value)) {
      if (item !== null && item !== undefined && item !== "") url.searchParams.append(name, item);
    }
  }
  const headers = { Accept: "application/json, application/geo+json, application/problem+json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  if (key) headers["Idempotency-Key"] = key;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, { title: t("network_error") });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (data && typeof data === "object" && typeof data.csrf_token === "string") {
    csrfToken = data.csrf_token;
  }
  if (!response.ok) {
    throw new ApiError(response.status, data && typeof data === "object" ? data : {});
  }
  return data;
}

let sessionPromise = null;

/** The current session ({account, csrf_token}); anonymous if the API cannot tell. */
export function session() {
  sessionPromise ??= api("/session")
    .then((data) => {
      if (data?.csrf_token) csrfToken = data.csrf_token;
      return data || { account: null };
    })
    .catch(() => ({ account: null }));
  return sessionPromise;
}

let categoriesPromise = null;

/** The city's categories, each with its label in the page language. */
export function categories() {
  categoriesPromise ??= api(`/${city}/categories`).then((data) =>
    data.categories.map((category) => ({
      ...category,
      label: category[lang] || category.fr || category.slug,
    })),
  );
  return categoriesPromise;
}

export async function categoryBySlug() {
  try {
    return new Map((await categories()).map((category) => [category.slug, category]));
  } catch {
    return new Map();
  }
}

let cityPromise = null;

/** The city's name, centre and boundary (GET /api/v1/<city>). */
export function cityInfo() {
  cityPromise ??= api(`/${city}`);
  return cityPromise;
}

let cityName = city; // the name once cityInfo answered ("outside {city}" messages)

cityInfo()
  .then((info) => {
    cityName = info.name;
    document.getElementById("city-name").textContent = ` · ${info.name}`;
  })
  .catch(() => {});

/** How many notifications wait, beside "Notifications" in the header (none: no badge). */
export async function showUnreadCount() {
  const { unread } = await api("/me/notifications", { query: { unread: 1, limit: 1 } });
  const badge = document.getElementById("header-unread");
  badge.textContent = unread ? String(unread) : "";
  badge.hidden = !unread;
}

/** Show menu items for the visitor's state and wire the log-out button. */
async function setUpMenu() {
  const { account } = await session();
  for (const item of document.querySelectorAll("[data-when]")) {
    item.hidden = (item.dataset.when === "account") !== Boolean(account);
  }
  if (account) showUnreadCount().catch(() => {});
  document.getElementById("logout")?.addEventListener("click", async () => {
    try {
      await api("/session", { method: "DELETE" });
    } finally {
      window.location.assign(`/${city}/`);
    }
  });
}
setUpMenu();

// Forms ------------------------------------------------------------------------------------

/** Remove the messages a previous submission left. */
export function clearErrors(form) {
  for (const message of form.querySelectorAll(".field-error")) message.textContent = "";
  for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
  const summary = form.querySelector(".form-summary");
  if (summary) {
    summary.hidden = true;
    summary.textContent = "";
  }
}

/** The error slot for an API parameter name such as "title" or "consent.share_email". */
function errorSlotFor(form, param) {
  const names = [param, param.split(/[.[]/)[0]];
  for (const name of names) {
    const slot = form.querySelector(`#f-${CSS.escape(name)}-error`);
    if (slot) return slot;
  }
  if (param === "lat" || param === "lon") return form.querySelector("#f-address-error");
  return null;
}

/**
 * Put each of the problem's errors next to its field (typed text stays as it is), in the
 * page's words (errorText, or an error's `text` a page put there itself); what
 * belongs to no field goes into the form's summary. Focus goes to the first message.
 */
export function showProblem(form, error) {
  const problem = error instanceof ApiError ? error.problem : { title: t("error_generic") };
  const summaryLines = [];
  let first = null;
  for (const { param, code, text } of problem.errors || []) {
    const slot = param ? errorSlotFor(form, String(param)) : null;
    const message = text ?? errorText(error?.status, String(param), code); // text: the page's
    if (!slot) {
      summaryLines.push(message);
      continue;
    }
    if (!slot.textContent.includes(message)) {
      slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message; // lat, lon: once
    }
    const field = form.querySelector(`#${slot.id.replace(/-error$/, "")}`);
    const control = field?.matches("input, select, textarea")
      ? field
      : slot.closest(".field")?.querySelector("input, select, textarea");
    control?.setAttribute("aria-invalid", "true");
    first ??= control;
  }
  if (!problem.errors?.length) {
    summaryLines.push(error instanceof ApiError ? error.message : t("error_generic"));
  } else if (!summaryLines.length) {
    summaryLines.unshift(t("form_has_errors"));
  }
  const summary = form.querySelector(".form-summary");
  if (summary) {
    summary.replaceChildren(...summaryLines.map((line) => el("p", {}, line)));
    summary.hidden = false;
  }
  (first || summary)?.focus();
}

/** A fresh Idempotency-Key (getRandomValues: randomUUID needs a secure context). */
export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Run `submit(form, key)` on submission, with errors shown by showProblem. The form sends
 * once at a time (its buttons are disabled while it sends: a double click submits once),
 * and `key` (for api's `key`) stays the same for retries of that submit until one succeeds:
 * a retry after a lost answer creates nothing twice. With `leaves`, a successful submit
 * goes to another page: the buttons stay disabled until it has gone.
 */
export function handleForm(form, submit, { leaves = false } = {}) {
  let key = newKey();
  let sending = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending) return;
    sending = true;
    clearErrors(form);
    const buttons = [...form.querySelectorAll("button")];
    for (const button of buttons) {
      button.disabled = true;
      button.setAttribute("aria-disabled", "true");
    }
    let sent = false;
    try {
      await submit(form, key);
      sent = true;
      key = newKey();
    } catch (error) {
      // The key was used with another body: the send before this one arrived (its answer
      // was lost) and the form changed since. showProblem says so; the next send is new.
      if (error instanceof ApiError && error.problem.errors?.some((e) => e.param === "Idempotency-Key")) key = newKey();
      showProblem(form, error);
    }
    if (sent && leaves) return;
    sending = false;
    for (const button of buttons) {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
    }
  });
}

/** `path` with `?done=<step>`: the page it leads to confirms that step (showDoneNotice). */
export function withNotice(path, step) {
  const url = new URL(path, window.location.origin);
  url.searchParams.set("done", step);
  return url.pathname + url.search + url.hash;
}

/** Confirm the step done before arriving (`?done=`), once: the parameter leaves the URL. */
function showDoneNotice() {
  const url = new URL(window.location.href);
  const step = url.searchParams.get("done");
  const notice = document.getElementById("done-notice");
  if (!step || !notice) return;
  if (hasString(`done.${step}`)) {
    notice.textContent = t(`done.${step}`);
    notice.hidden = false;
  }
  url.searchParams.delete("done");
  window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
}

showDoneNotice();

/**
 * Where to go back to after logging in: `?next=` resolved as the browser would resolve it
 * (which reads "/\host" and "/<tab>/host" as another site), kept only when it stays on this
 * origin, and then only its path, query and fragment.
 */
export function nextPath(fallback) {
  const next = new URLSearchParams(window.location.search).get("next");
  if (!next) return fallback;
  let url;
  try {
    url = new URL(next, window.location.origin);
  } catch {
    return fallback;
  }
  if (url.origin !== window.location.origin) return fallback;
  return url.pathname + url.search + url.hash;
}

// Address combobox (ARIA 1.2 combobox with a listbox popup) --------------------------------

/**
 * Suggest addresses from the city's geocoder under `input`. Arrow keys move through the
 * suggestions, Enter picks one, Escape closes. `onPick({label, lat, lon})` is told the choice;
 * typing again forgets it (the typed text is then geocoded by the API).
 */
export function addressCombobox(input, { onPick = () => {}, onEdit = () => {} } = {}) {
  const listbox = document.getElementById(input.getAttribute("aria-controls"));
  let options = [];
  let active = -1;
  let timer = null;
  let requestNumber = 0;

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function setActive(index) {
    active = index;
    listbox.querySelectorAll('[role="option"]').forEach((option, i) => {
      option.setAttribute("aria-selected", String(i === index));
    });
    if (index >= 0) {
      const option = listbox.children[index];
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function pick(index) {
    const choice = options[index];
    if (!choice) return;
    input.value = choice.label;
    close();
    onPick(choice);
  }

  function render() {
    listbox.replaceChildren(
      ...options.map((option, index) =>
        el(
          "li",
          {
            role: "option",
            id: `${listbox.id}-${index}`,
            "aria-selected": "false",
            onmousedown: (event) => event.preventDefault(),
            onclick: () => pick(index),
          },
          option.label,
        ),
      ),
    );
    if (!options.length) {
      listbox.append(el("li", { class: "listbox-empty", "aria-disabled": "true" }, t("no_suggestion")));
    }
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }

  async function suggest() {
    const query = input.value.trim();
    const number = ++requestNumber;
    if (query.length < 3) {
      close();
      return;
    }
    try {
      const data = await api(`/${city}/geocode`, { query: { q: query, limit: 5 } });
      if (number !== requestNumber || document.activeElement !== input) return;
      options = (data.features || []).map((feature) => ({
        label: feature.properties.label,
        lat: feature.geometry.coordinates[1],
        lon: feature.geometry.coordinates[0],
      }));
      render();
    } catch {
      close();
    }
  }

  input.addEventListener("input", () => {
    onEdit();
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
  input.addEventListener("keydown", (event) => {
    const open = !listbox.hidden && options.length > 0;
    if (event.key === "ArrowDown" && open) {
      event.preventDefault();
      setActive((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      setActive(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      pick(active);
    } else if (event.key === "Enter") {
      clearTimeout(timer);
      requestNumber += 1;
      close();
    } else if (event.key === "Escape" && !listbox.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", close);
  return { close };
}
