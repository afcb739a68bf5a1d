// The social workers' call list: people who agreed to be called, the nearest volunteers
// who accepted to phone them, assignment and the calls made. Everything goes through
// /api/v1/<city>/calls (social workers of the city only; every read is logged there).
import { addressCombobox, api, categories, city, el, formatDistance, handleForm, t } from "./common.js";

const base = `/${city}/calls/people`;
const status = document.getElementById("calls-status");
const peopleList = document.getElementById("people");
const panel = document.getElementById("person-panel");
let current = null;
let labels = new Map();

function say(message) {
  status.textContent = message;
}

function describe(person) {
  const needs = person.needs.map((slug) => labels.get(slug) || slug).join(", ");
  return [
    person.phone ? el("p", {}, `${t("calls.phone")}: ${person.phone}`) : null,
    person.address ? el("p", {}, `${t("calls.address")}: ${person.address}`) : null,
    needs ? el("p", {}, `${t("calls.needs")}: ${needs}`) : null,
    person.notes ? el("p", {}, person.notes) : null,
    el(
      "p",
      { class: "assigned" },
      person.volunteer
        ? t("calls.assigned", { name: person.volunteer.display_name, phone: person.volunteer.phone || "" })
        : t("calls.unassigned"),
    ),
  ];
}

const more = document.getElementById("people-more");
let nextCursor = null;
let listing = 0; // the latest start from the top: an answer to an older one is dropped

document.addEventListener("call-list-changed", () => loadPeople({ fromStart: true }));
more.addEventListener("click", () => loadPeople());

/** A page of the list, what needs action first (nobody assigned, then the longest since
 * a call); "Load more" adds the next one, a change starts again from the top. */
async function loadPeople({ fromStart = false } = {}) {
  const mine = fromStart ? ++listing : listing;
  const after = fromStart ? null : nextCursor;
  more.hidden = true;
  try {
    const { people, next_cursor: cursor } = await api(base, { query: { cursor: after } });
    if (mine !== listing) return;
    const items = people.map((person) =>
      el(
        "li",
        {},
        el("button", { type: "button", class: "link-button", onclick: () => open(person.id) }, person.name),
        person.volunteer ? ` – ${person.volunteer.display_name}` : "",
      ),
    );
    if (after === null) peopleList.replaceChildren(...items);
    else peopleList.append(...items);
    nextCursor = cursor;
    more.hidden = !cursor;
    if (!peopleList.children.length) peopleList.append(el("li", {}, t("calls.empty")));
  } catch (error) {
    say(error.status === 403 || error.status === 401 ? t("calls.forbidden") : error.message);
  }
}

async function open(personId) {
  const person = await api(`${base}/${personId}`);
  current = person;
  panel.hidden = false;
  document.getElementById("person-heading").textContent = person.name;
  document.getElementById("person-details").replaceChildren(...describe(person));
  document.getElementById("calls").replaceChildren(
    ...person.calls.map((call) =>
      el("li", {}, `${new Date(call.called_at).toLocaleString()} – ${t(`calls.outcome.${call.outcome}`)}`, call.notes ? ` – ${call.notes}` : ""),
    ),
  );
  const { volunteers } = await api(`${base}/${personId}/volunteers`);
  const list = document.getElementById("volunteers");
  list.replaceChildren(
    ...volunteers.map((volunteer) =>
      el(
        "li",
        {},
        `${volunteer.display_name} (${formatDistance(volunteer.distance_m)}) `,
        volunteer.phone ? `${volunteer.phone} ` : "",
        el("button", { type: "button", onclick: () => assign(person.id, volunteer) }, t("calls.assign")),
      ),
    ),
  );
  if (!volunteers.length) list.append(el("li", {}, t("calls.no_volunteer")));
}

async function assign(personId, volunteer) {
  await api(`${base}/${personId}/assign`, { method: "POST", body: { volunteer_id: volunteer.id } });
  say(t("calls.assigned_now", { name: volunteer.display_name }));
  await open(personId);
  await loadPeople({ fromStart: true });
}

handleForm(document.getElementById("call-form"), async (form, key) => {
  await api(`${base}/${current.id}/calls`, {
    method: "POST",
    key,
    body: { outcome: form.elements.outcome.value, notes: form.elements.call_notes.value },
  });
  form.reset();
  say(t("calls.recorded"));
  await open(current.id);
});

addressCombobox(document.getElementById("f-address"));

handleForm(document.getElementById("person-form"), async (form, key) => {
  const person = await api(base, {
    method: "POST",
    key,
    body: {
      name: form.elements.name.value,
      phone: form.elements.phone.value,
      address: form.elements.address.value,
      needs: [...form.querySelectorAll('input[name="needs"]:checked')].map((box) => box.value),
      notes: form.elements.notes.value,
      consent_on: form.elements.consent_on.value,
    },
  });
  form.reset();
  say(t("calls.added", { name: person.name }));
  await loadPeople({ fromStart: true });
  await open(person.id);
});

categories()
  .then((list) => {
    labels = new Map(list.map((category) => [category.slug, category.label]));
    document.getElementById("f-needs-choices").replaceChildren(
      ...list.map((category) =>
        el(
          "span",
          { class: "choice-inline" },
          el("input", { type: "checkbox", name: "needs", id: `f-needs-${category.slug}`, value: category.slug }),
          el("label", { for: `f-needs-${category.slug}` }, category.label),
        ),
      ),
    );
  })
  .catch(() => {});

loadPeople({ fromStart: true });
