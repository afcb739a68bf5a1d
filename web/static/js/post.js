// A post's page: the post, and a short message to its author ("contact"); once I wrote,
// the state of my contact instead, and its thread once accepted.
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
import { showThread } from "./thread.js";

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
  if (!properties.remote && feature.geometry) showOnMap(feature, category); // none: a building's
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

/** My connection about this post: the one I asked, or (its poster) the one the link names. */
async function myConnection(owned) {
  const { incoming, outgoing } = await api("/me/connections");
  if (!owned) return outgoing.find((connection) => String(connection.post_id) === postId);
  const named = new URLSearchParams(window.location.search).get("connection");
  return incoming.find((connection) => String(connection.id) === named);
}

/** The state of the contact, and its thread once accepted: never a second contact form. */
async function showConnection(connection) {
  contact.hidden = false;
  contactForm.hidden = true;
  const state = document.getElementById("connection-state");
  const open = connection.status === "accepted" || connection.status === "done";
  state.replaceChildren(
    t("thread.state", { name: connection.other?.display_name || "", state: t(`connection.${connection.status}`) }),
    " ",
    open ? "" : t(connection.status === "requested" ? "thread.waiting" : "thread.closed"),
  );
  state.hidden = false;
  if (open) await showThread(connection);
}

/** Ask the same consent as the account page, as set now; saved first if changed. */
async function saveConsent(form) {
  const consent = {
    share_email: form.elements.share_email.checked,
    share_phone: form.elements.share_phone.checked,
  };
  const me = await api("/me");
  const now = me.consent || {};
  if (Boolean(now.share_email) !== consent.share_email || Boolean(now.share_phone) !== consent.share_phone) {
    await api("/me", { method: "PATCH", body: { consent } });
  }
}

async function showContactForm() {
  const me = await api("/me");
  contactForm.elements.share_email.checked = Boolean(me.consent?.share_email);
  contactForm.elements.share_phone.checked = Boolean(me.consent?.share_phone);
  contactForm.hidden = false;
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
    // A closed post keeps its threads: my contact about it still shows.
    const { account } = await session();
    const connection = account ? await myConnection(false).catch(() => null) : null;
    if (connection) await showConnection(connection);
    return;
  }
  const categoriesBySlug = await categoryBySlug();
  showPost(feature, categoriesBySlug.get(feature.properties.category));
  const { account } = await session();
  contact.hidden = false;
  if (!account) {
    document.getElementById("contact-login").hidden = false;
    return;
  }
  const connection = await myConnection(feature.properties.owned);
  if (connection) {
    await showConnection(connection);
  } else if (feature.properties.owned) {
    const own = document.getElementById("contact-own");
    own.replaceChildren(
      t("contact_own_post"),
      " ",
      el("a", { href: `/${city}/me` }, document.querySelector('a[href$="/me"]')?.textContent || "→"),
    );
    own.hidden = false;
  } else {
    await showContactForm();
  }
}

handleForm(contactForm, async (form, key) => {
  const message = new FormData(form).get("message");
  await saveConsent(form);
  try {
    await api(`/${city}/posts/${postId}/contact`, { method: "POST", body: { message }, key });
  } catch (error) {
    // Already asked (from another tab, say): show where that contact stands.
    const connection = error instanceof ApiError && error.status === 409 ? await myConnection(false) : null;
    if (!connection) throw error;
    await showConnection(connection);
    return;
  }
  const sent = document.getElementById("contact-sent");
  sent.textContent = t("contact_sent");
  sent.hidden = false;
  await showConnection(await myConnection(false));
});

// "Back to the search": the search this post was opened from (map.js passes it as ?back=).
const back = new URLSearchParams(window.location.search).get("back");
if (back?.startsWith("?")) document.getElementById("back-to-search").search = back;

start();
