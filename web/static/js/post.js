// A post's page: the post, and a short message to its author ("contact").
import {
  api,
  ApiError,
  categoryBySlug,
  categoryIcon,
  city,
  cityInfo,
  el,
  formatDate,
  handleForm,
  posterType,
  relativeTime,
  session,
  t,
} from "./common.js";
import { makeMap, postIcon } from "./basemap.js";

const article = document.getElementById("post");
const postId = article.dataset.postId;
const contact = document.getElementById("contact");
const contactForm = document.getElementById("contact-form");

function showPost(feature, category) {
  const properties = feature.properties;
  document.getElementById("post-category").replaceChildren(
    categoryIcon(category),
    " ",
    category?.label || properties.category,
  );
  const kind = document.getElementById("post-kind");
  kind.textContent = t(`kind.${properties.kind}`);
  kind.className = `kind-badge kind-${properties.kind}`;
  document.getElementById("post-title").textContent = properties.title;
  document.title = t("title_of", { title: properties.title });
  const meta = [
    properties.poster_name ? t("by", { name: properties.poster_name }) : null,
    posterType(properties),
    el(
      "time",
      { datetime: properties.created_at, title: formatDate(properties.created_at) },
      t("posted_ago", { when: relativeTime(properties.created_at) }),
    ),
    t(`precision.${properties.precision}`),
  ].filter(Boolean);
  if (properties.status && properties.status !== "published") {
    meta.push(t(`status.${properties.status}`));
  }
  document
    .getElementById("post-meta")
    .replaceChildren(...meta.flatMap((part, index) => (index ? [" · ", part] : [part])));
  const body = document.getElementById("post-body");
  body.replaceChildren(
    ...String(properties.body || "")
      .split(/\n{2,}/)
      .filter((paragraph) => paragraph.trim())
      .map((paragraph) => el("p", {}, paragraph)),
  );
  article.removeAttribute("aria-busy");
  if (!properties.remote) showOnMap(feature, category);
}

/** A small map around the post's public point (remote help has no meaningful place). */
function showOnMap(feature, category) {
  const element = document.getElementById("post-map");
  const [lon, lat] = feature.geometry.coordinates;
  element.hidden = false;
  element.setAttribute(
    "aria-label",
    t("map_of_post", { precision: t(`precision.${feature.properties.precision}`) }),
  );
  const map = makeMap(element);
  if (element.dataset.tileUrl) {
    map.setView([lat, lon], feature.properties.precision === "neighbourhood" ? 15 : 17);
  } else {
    // No streets to see without tiles: show where the post is in the city instead.
    map.setView([lat, lon], 13);
    cityInfo()
      .then((info) => {
        const boundary = L.geoJSON(info.boundary, {
          interactive: false,
          style: { color: "#3d4f7c", weight: 2, fill: false, dashArray: "6 4" },
        }).addTo(map);
        map.fitBounds(boundary.getBounds(), { animate: false });
      })
      .catch(() => {});
  }
  L.marker([lat, lon], {
    icon: postIcon(category, feature.properties.kind),
    keyboard: false,
    interactive: false,
  }).addTo(map);
}

async function start() {
  let feature;
  try {
    feature = await api(`/${city}/posts/${postId}`);
  } catch (error) {
    const message = document.getElementById("post-message");
    message.textContent =
      error instanceof ApiError && error.status === 404 ? t("post_not_found") : error.message;
    message.hidden = false;
    article.hidden = true;
    return;
  }
  const categoriesBySlug = await categoryBySlug();
  showPost(feature, categoriesBySlug.get(feature.properties.category));
  const { account } = await session();
  contact.hidden = false;
  if (!account) {
    document.getElementById("contact-login").hidden = false;
  } else if (feature.properties.owned) {
    const own = document.getElementById("contact-own");
    own.replaceChildren(
      t("contact_own_post"),
      " ",
      el("a", { href: `/${city}/me` }, document.querySelector('a[href$="/me"]')?.textContent || "→"),
    );
    own.hidden = false;
  } else {
    contactForm.hidden = false;
  }
}

handleForm(contactForm, async (form, key) => {
  const message = new FormData(form).get("message");
  await api(`/${city}/posts/${postId}/contact`, { method: "POST", body: { message }, key });
  form.hidden = true;
  const sent = document.getElementById("contact-sent");
  sent.textContent = t("contact_sent");
  sent.hidden = false;
});

start();
