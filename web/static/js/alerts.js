// Alerts: subscriptions around the account's home ("new requests of these categories within
// N metres"), created and deleted through /api/v1/<city>/alerts.
import { api, categories, city, el, handleForm, session, t } from "./common.js";

const list = document.getElementById("my-alerts");
const status = document.getElementById("alerts-status");
let labels = new Map();

function describe(alert) {
  const kind = alert.kind ? t(`alerts.kind.${alert.kind}`) : t("alerts.kind.any");
  const where = alert.categories.length
    ? alert.categories.map((slug) => labels.get(slug) || slug).join(", ")
    : t("alerts.all_categories");
  return t("alerts.summary", { kind, categories: where, radius: alert.radius_m });
}

async function load() {
  const { account } = await session();
  if (!account) {
    status.textContent = t("alerts.login");
    return;
  }
  const data = await api(`/${city}/alerts`);
  list.replaceChildren(
    ...data.alerts.map((alert) =>
      el(
        "li",
        {},
        describe(alert),
        alert.digest ? ` (${t("alerts.digest")})` : "",
        " ",
        el(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: async () => {
              await api(`/${city}/alerts/${alert.id}`, { method: "DELETE" });
              await load();
            },
          },
          t("alerts.stop"),
        ),
      ),
    ),
  );
  if (!data.alerts.length) list.append(el("li", {}, t("alerts.none")));
}

handleForm(document.getElementById("alert-form"), async (form, key) => {
  await api(`/${city}/alerts`, {
    method: "POST",
    key,
    body: {
      kind: form.elements.kind.value || null,
      categories: [...form.querySelectorAll('input[name="categories"]:checked')].map((box) => box.value),
      radius_m: Number(form.elements.radius_m.value),
      digest: form.elements.digest.checked,
    },
  });
  status.textContent = t("alerts.created");
  await load();
});

categories()
  .then((all) => {
    labels = new Map(all.map((category) => [category.slug, category.label]));
    document.getElementById("f-categories-choices").replaceChildren(
      ...all.map((category) =>
        el(
          "span",
          { class: "choice-inline" },
          el("input", { type: "checkbox", name: "categories", id: `f-categories-${category.slug}`, value: category.slug }),
          el("label", { for: `f-categories-${category.slug}` }, category.label),
        ),
      ),
    );
  })
  .then(load)
  .catch(() => {});
