// "My account": the people a social worker asked me to phone, and how each call went
// (GET and POST /api/v1/<city>/me/calls): the social workers read it on the call list.
import { api, city, el } from "./common.js";

const section = document.getElementById("my-calls-section");
const list = document.getElementById("my-calls");
const status = document.getElementById("my-calls-status");
const OUTCOMES = ["done", "no_answer", "call_back"];

function item(person) {
  const last = el("p", { class: "post-meta" });
  const show = (outcome) => {
    last.textContent = outcome ? `${list.dataset.last} ${list.dataset[outcome]}` : "";
  };
  show(person.last_outcome);
  const buttons = OUTCOMES.map((outcome) =>
    el(
      "button",
      {
        type: "button",
        class: outcome === "done" ? "" : "secondary",
        onclick: async () => {
          try {
            await api(`/${city}/me/calls/${person.id}`, { method: "POST", body: { outcome } });
            show(outcome);
            status.textContent = status.dataset.saved;
          } catch (error) {
            status.textContent = error.message;
          }
        },
      },
      list.dataset[outcome],
    ),
  );
  return el(
    "li",
    { "data-person-id": String(person.id) },
    el("strong", {}, person.name),
    " · ",
    el("a", { href: `tel:${person.phone.replace(/[^+0-9]/g, "")}` }, person.phone),
    last,
    el("p", { class: "actions" }, ...buttons),
  );
}

api(`/${city}/me/calls`)
  .then(({ people }) => {
    list.replaceChildren(...people.map(item));
    section.hidden = !people.length;
  })
  .catch(() => {});
