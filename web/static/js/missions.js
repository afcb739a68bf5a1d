// Missions: a volunteer answers yes or no to the missions near their home; an association
// posts missions and sees who said yes (contact details only where the volunteer shared them).
import { addressCombobox, api, city, el, formatDate, handleForm, session, t } from "./common.js";

const status = document.getElementById("missions-status");
const aroundList = document.getElementById("missions-around");
const postedList = document.getElementById("missions-posted");

function say(message) {
  status.textContent = message;
}

function when(mission) {
  return `${formatDate(mission.starts_at)} ${new Date(mission.starts_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`;
}

function summary(mission) {
  return [
    el("h3", {}, mission.title),
    el("p", {}, `${mission.association} – ${when(mission)}${mission.address ? ` – ${mission.address}` : ""}`),
    mission.description ? el("p", {}, mission.description) : null,
    el("p", {}, t("missions.needed", { yes: mission.yes, needed: mission.volunteers_needed })),
  ];
}

async function answer(mission, choice, share) {
  await api(`/${city}/missions/${mission.id}/answer`, {
    method: "POST",
    body: { answer: choice, share_contact: share },
  });
  await load();
}

function aroundItem(mission) {
  const share = el("input", { type: "checkbox", id: `share-${mission.id}` });
  return el(
    "li",
    { id: `mission-${mission.id}` },
    ...summary(mission),
    mission.my_answer ? el("p", { class: "my-answer" }, t(`missions.answered_${mission.my_answer}`)) : null,
    el(
      "p",
      {},
      share,
      el("label", { for: `share-${mission.id}` }, t("missions.share")),
    ),
    el("button", { type: "button", onclick: () => answer(mission, "yes", share.checked) }, t("missions.yes")),
    " ",
    el("button", { type: "button", class: "secondary", onclick: () => answer(mission, "no", false) }, t("missions.no")),
  );
}

function postedItem(mission) {
  const answers = el("ul", { class: "answers" });
  return el(
    "li",
    { id: `posted-${mission.id}` },
    ...summary(mission),
    el(
      "button",
      {
        type: "button",
        onclick: async () => {
          const data = await api(`/${city}/missions/${mission.id}/answers`);
          answers.replaceChildren(
            ...data.yes.map((person) =>
              el("li", {}, [person.display_name, person.email, person.phone].filter(Boolean).join(" – ")),
            ),
          );
          if (!data.yes.length) answers.append(el("li", {}, t("missions.nobody_yet")));
        },
      },
      t("missions.show_answers"),
    ),
    answers,
  );
}

async function load() {
  const { account } = await session();
  if (!account) {
    say(t("missions.login"));
    return;
  }
  const data = await api(`/${city}/missions`);
  aroundList.replaceChildren(...data.missions.map(aroundItem));
  if (!data.missions.length) {
    aroundList.append(el("li", {}, data.accepts_missions ? t("missions.none") : t("missions.not_volunteer")));
  }
  if (account.role === "association") {
    document.getElementById("association-panel").hidden = false;
    postedList.replaceChildren(...data.posted.map(postedItem));
  }
}

addressCombobox(document.getElementById("f-address"));

handleForm(document.getElementById("mission-form"), async (form, key) => {
  const local = form.elements.starts_at.value;
  const mission = await api(`/${city}/missions`, {
    method: "POST",
    key,
    body: {
      title: form.elements.title.value,
      description: form.elements.description.value,
      starts_at: local ? new Date(local).toISOString() : "",
      address: form.elements.address.value,
      radius_m: Number(form.elements.radius_m.value),
      volunteers_needed: Number(form.elements.volunteers_needed.value),
    },
  });
  form.reset();
  // counts are rounded to 5 (web.homes); 0 means fewer than 5
  say(mission.notified ? t("missions.posted", { count: mission.notified }) : t("missions.posted_few"));
  await load();
});

load();
