// "My building" and "My street" on the map page: the posts addressed to the member's
// building and street (newest first), which no search shows. Hidden for anyone who
// joined no building (the API answers 404 to them).
import { api, city, el, relativeTime, session, t } from "./common.js";

function item(feature) {
  const { properties } = feature;
  const link = el("a", { href: `/${city}/posts/${encodeURIComponent(feature.id)}` }, properties.title);
  return el(
    "li",
    { class: `post kind-${properties.kind}` },
    el("p", { class: "post-kind" }, `${t(`kind.${properties.kind}`)} · ${relativeTime(properties.created_at)}`),
    el("h3", {}, link),
    el("p", {}, properties.poster_name),
  );
}

async function fill(audience) {
  const { features } = await api(`/${city}/me/${audience}/posts`, { query: { limit: 20 } });
  document.getElementById(`my-${audience}-posts`).replaceChildren(...features.map(item));
  document.getElementById(`my-${audience}-empty`).hidden = features.length > 0;
}

async function start() {
  const { account } = await session();
  if (!account) return;
  try {
    await Promise.all([fill("building"), fill("street")]);
  } catch (error) {
    if (error.status === 404) return; // not a member of a building
    throw error;
  }
  document.getElementById("my-building").hidden = false;
}

start();
