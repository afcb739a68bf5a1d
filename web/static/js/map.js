// The map page: a search form whose state lives in the URL, a list of results (the primary
// view) and a Leaflet map with the search circle and clustered markers, kept in step.
import {
  addressCombobox,
  api,
  ApiError,
  categories,
  categoryBySlug,
  categoryIcon,
  city,
  cityInfo,
  clearErrors,
  el,
  formatDistance,
  formatNumber,
  posterType,
  relativeTime,
  showProblem,
  t,
  tCount,
} from "./common.js";
import { makeMap, postIcon, REDUCED_MOTION } from "./basemap.js";

const PAGE_SIZE = 20;

const form = document.getElementById("search");
const addressInput = document.getElementById("f-address");
const geoMessage = document.getElementById("geo-message");
const resultCount = document.getElementById("result-count");
const resultList = document.getElementById("results");
const loadMoreButton = document.getElementById("load-more");
const categoryOptions = document.getElementById("category-options");
const categorySummary = document.getElementById("category-summary");
const mapElement = document.getElementById("map");
const addressNote = document.getElementById("address-note");
const NARROW = window.matchMedia("(max-width: 899px)"); // the map below the list

// The point chosen among the suggestions or found by "around me"; typing forgets it.
let pickedPlace = null;
let currentQuery = null;
let nextCursor = null;
let selectedId = null;
let searchNumber = 0; // answers to an older search than the latest are dropped
let cityBounds = null; // the first visit lists the city's newest posts in these bounds
const markersById = new Map();
const entriesById = new Map();

// Map -------------------------------------------------------------------------------------

const map = makeMap(mapElement);
map.setView([46.6, 2.4], 5); // France, until the city's boundary arrives
const clusters = L.markerClusterGroup({
  showCoverageOnHover: false,
  maxClusterRadius: 40,
  spiderfyOnMaxZoom: true,
  animate: !REDUCED_MOTION,
  iconCreateFunction: clusterIcon,
});
clusters.addTo(map);
clusters.on("animationend", showSelectedMarker);
// Leaflet closes popups on Escape only when the map itself has focus; a focused marker or
// popup link counts too.
mapElement.addEventListener("keydown", (event) => {
  if (event.key === "Escape") map.closePopup();
});
map.on("zoomend moveend", showSelectedMarker);
let searchArea = null;

async function showCity() {
  try {
    const info = await cityInfo();
    if (info.boundary) {
      const boundary = L.geoJSON(info.boundary, {
        interactive: false,
        style: { color: "#3d4f7c", weight: 2, fill: false, dashArray: "6 4" },
      }).addTo(map);
      cityBounds = boundary.getBounds();
      map.fitBounds(cityBounds, { animate: false });
    } else if (info.center) {
      map.setView(info.center, 13, { animate: false });
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      resultCount.textContent = t("unknown_city");
    }
  }
}

// Search state <-> URL --------------------------------------------------------------------

function queryFromForm() {
  const data = new FormData(form);
  const query = {
    scale: data.get("scale") || "street",
    category: data.getAll("category"),
    kind: data.get("kind") || "",
  };
  const typed = addressInput.value.trim();
  if (pickedPlace && typed === pickedPlace.label) {
    query.lat = pickedPlace.lat;
    query.lon = pickedPlace.lon;
    if (!pickedPlace.fromDevice) query.address = typed;
  } else if (typed) {
    query.address = typed;
  }
  return query;
}

function queryToSearchParams(query) {
  const params = new URLSearchParams();
  if (query.address) params.set("address", query.address);
  if (query.lat !== undefined) {
    params.set("lat", Number(query.lat).toFixed(6));
    params.set("lon", Number(query.lon).toFixed(6));
  }
  params.set("scale", query.scale);
  for (const slug of query.category) params.append("category", slug);
  if (query.kind) params.set("kind", query.kind);
  return params;
}

function queryFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const lat = Number.parseFloat(params.get("lat"));
  const lon = Number.parseFloat(params.get("lon"));
  const query = {
    scale: params.get("scale") || "street",
    category: params.getAll("category"),
    kind: params.get("kind") || "",
  };
  if (params.get("address")) query.address = params.get("address");
  if (Number.isFinite(lat) && Number.isFinite(lon)) {
    query.lat = lat;
    query.lon = lon;
  }
  return query.address || query.lat !== undefined ? query : null;
}

function fillForm(query) {
  if (query.lat !== undefined) {
    pickedPlace = {
      label: query.address || t("my_position"),
      lat: query.lat,
      lon: query.lon,
      fromDevice: !query.address,
    };
    addressInput.value = pickedPlace.label;
  } else {
    pickedPlace = null;
    addressInput.value = query.address || "";
  }
  form.elements.scale.value = query.scale;
  for (const box of form.querySelectorAll('input[name="category"]')) {
    box.checked = query.category.includes(box.value);
  }
  for (const radio of form.querySelectorAll('input[name="kind"]')) {
    radio.checked = radio.value === query.kind;
  }
  describeCategories();
}

// Results ---------------------------------------------------------------------------------

async function search(query, { remember }) {
  clearErrors(form);
  addressNote.hidden = true;
  if (!query.newest && !query.address && query.lat === undefined) {
    document.getElementById("f-address-error").textContent = t("address_required");
    addressInput.setAttribute("aria-invalid", "true");
    addressInput.focus();
    return;
  }
  if (query.address && query.lat === undefined) await placeTyped(query);
  if (remember) {
    const url = `${window.location.pathname}?${queryToSearchParams(query)}`;
    if (url !== window.location.pathname + window.location.search) {
      window.history.pushState(null, "", url);
    }
  }
  resultCount.textContent = t("searching");
  resultList.setAttribute("aria-busy", "true");
  const number = ++searchNumber;
  try {
    const page = await (query.newest ? fetchNewest(query) : fetchPage(query, null));
    if (number !== searchNumber) return;
    currentQuery = query;
    await showResults(page, { append: false });
  } catch (error) {
    if (number !== searchNumber) return;
    clearResults();
    currentQuery = null;
    resultCount.textContent = "";
    showProblem(form, error);
  } finally {
    resultList.removeAttribute("aria-busy");
  }
}

/**
 * A typed address (not chosen among the suggestions) is searched around the geocoder's
 * first answer; when the house number typed is not in the city's file, say which was used.
 */
async function placeTyped(query) {
  let found = null;
  try {
    found = (await api(`/${city}/geocode`, { query: { q: query.address, limit: 1 } })).features[0];
  } catch {
    return; // /match geocodes the text itself, and says what is wrong
  }
  if (!found) return;
  [query.lon, query.lat] = found.geometry.coordinates;
  const typedNumber = query.address.match(/^\s*(\d+)/)?.[1];
  const { housenumber, label } = found.properties;
  if (typedNumber && housenumber !== typedNumber) {
    addressNote.textContent = t("number_not_found", { typed: typedNumber, label });
    addressNote.hidden = false;
  }
}

/** The first visit, before any address: the newest posts of the whole city. */
function newestQuery() {
  const { scale, category, kind } = queryFromForm();
  return { scale, category, kind, newest: true };
}

function fetchNewest(query) {
  const bounds = cityBounds || map.getBounds();
  const params = { bbox: bounds.toBBoxString(), category: query.category, limit: PAGE_SIZE };
  if (query.kind) params.kind = query.kind;
  return api(`/${city}/posts`, { query: params });
}

/** Forget the shown results, so that none seems to answer a search that failed. */
function clearResults() {
  resultList.replaceChildren();
  clusters.clearLayers();
  markersById.clear();
  entriesById.clear();
  selectedId = null;
  nextCursor = null;
  loadMoreButton.hidden = true;
  searchArea?.remove();
  searchArea = null;
}

function fetchPage(query, cursor) {
  const params = { scale: query.scale, category: query.category, limit: PAGE_SIZE };
  if (query.lat !== undefined) {
    params.lat = query.lat;
    params.lon = query.lon;
  } else {
    params.address = query.address;
  }
  if (query.kind) params.kind = query.kind;
  if (cursor) params.cursor = cursor;
  return api(`/${city}/match`, { query: params });
}

async function loadMore() {
  if (!nextCursor || !currentQuery) return;
  loadMoreButton.setAttribute("aria-disabled", "true");
  try {
    await showResults(await fetchPage(currentQuery, nextCursor), { append: true });
  } catch (error) {
    showProblem(form, error);
  } finally {
    loadMoreButton.removeAttribute("aria-disabled");
  }
}

async function showResults(page, { append }) {
  const categoryInfo = await categoryBySlug();
  if (!append) {
    clearResults();
    drawSearchArea(page.query);
  }
  const newMarkers = [];
  for (const feature of page.features) {
    const entry = listEntry(feature, categoryInfo.get(feature.properties.category));
    resultList.append(entry);
    entriesById.set(feature.id, entry);
    // Remote help is found city-wide, whatever the distance: it is listed, not mapped.
    if (isRemote(feature)) continue;
    const marker = postMarker(feature, categoryInfo.get(feature.properties.category));
    markersById.set(feature.id, marker);
    newMarkers.push(marker);
  }
  clusters.addLayers(newMarkers);
  nextCursor = page.next_cursor || null;
  loadMoreButton.hidden = !nextCursor;
  const shown = entriesById.size;
  const count = !shown ? t("no_results") : currentQuery?.newest ? t("newest_in_city") : tCount("results", shown);
  resultCount.textContent = nextCursor ? `${count} ${t("results_more")}` : count;
  resultList.dataset.shown = String(shown);
}

function drawSearchArea(query) {
  if (!query || query.lat === undefined) return;
  const centre = [query.lat, query.lon];
  searchArea = L.layerGroup([
    L.circle(centre, {
      radius: query.radius_m,
      interactive: false,
      color: "#1f5fa8",
      weight: 2,
      fillOpacity: 0.08,
    }),
    L.circleMarker(centre, {
      radius: 5,
      interactive: false,
      color: "#ffffff",
      weight: 2,
      fillColor: "#1f5fa8",
      fillOpacity: 1,
    }),
  ]).addTo(map);
  map.fitBounds(searchArea.getLayers()[0].getBounds(), { padding: [16, 16], animate: false });
}

function describePost(feature, category) {
  const properties = feature.properties;
  return [
    posterType(properties),
    el("time", { datetime: properties.created_at }, relativeTime(properties.created_at)),
    isRemote(feature)
      ? t("remote")
      : typeof properties.distance_m === "number" && formatDistance(properties.distance_m),
    t(`precision.${properties.precision}`),
  ].filter(Boolean); // no distance in the city-wide listing
}

function isRemote(feature) {
  return Boolean(feature.properties.remote);
}

function joined(parts, separator = " · ") {
  return parts.flatMap((part, index) => (index ? [separator, part] : [part]));
}

function categoryLabel(slug, category) {
  return [categoryIcon(category), " ", category?.label || slug];
}

/** A post's page, carrying this search so that its "Back to the search" returns here. */
function postUrl(id) {
  const search = window.location.search;
  const back = search ? `?${new URLSearchParams({ back: search })}` : "";
  return `/${city}/posts/${encodeURIComponent(id)}${back}`;
}

function listEntry(feature, category) {
  const properties = feature.properties;
  const entry = el(
    "li",
    { class: `post kind-${properties.kind}`, "data-post-id": feature.id },
    el(
      "p",
      { class: "post-category" },
      categoryLabel(properties.category, category),
      " ",
      el("span", { class: `kind-badge kind-${properties.kind}` }, t(`kind.${properties.kind}`)),
    ),
    el("h3", { class: "post-title" }, el("a", { href: postUrl(feature.id) }, properties.title)),
    el("p", { class: "post-meta" }, joined(describePost(feature, category))),
  );
  entry.addEventListener("click", (event) => {
    if (event.target.closest("a")) return;
    if (NARROW.matches) showMap();
    select(feature.id, { revealMarker: true });
  });
  entry.addEventListener("focusin", () => select(feature.id, { revealMarker: false }));
  return entry;
}

function postMarker(feature, category) {
  const [lon, lat] = feature.geometry.coordinates;
  const properties = feature.properties;
  const marker = L.marker([lat, lon], {
    icon: postIcon(category, properties.kind),
    title: `${category?.label || properties.category}: ${properties.title}`,
    keyboard: true,
  });
  marker.postId = feature.id;
  marker.bindPopup(() => popupContent(feature, category));
  marker.on("click", () => select(feature.id, { scrollList: true }));
  return marker;
}

/** markercluster's look, with a name for screen readers: "3 posts here: zoom in". */
function clusterIcon(cluster) {
  const count = cluster.getChildCount();
  const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
  return L.divIcon({
    html: el(
      "div",
      { "data-count": count },
      el("span", { "aria-hidden": "true" }, formatNumber(count)),
      el("span", { class: "visually-hidden" }, tCount("cluster", count)),
    ),
    className: `marker-cluster marker-cluster-${size}`,
    iconSize: [40, 40],
  });
}

function popupContent(feature, category) {
  const properties = feature.properties;
  return el(
    "div",
    { class: "popup" },
    el("p", { class: "post-category" }, categoryLabel(properties.category, category)),
    el("p", { class: "popup-title" }, properties.title),
    el("p", { class: "post-meta" }, joined(describePost(feature, category))),
    el("a", { href: postUrl(feature.id) }, t("view_post")),
  );
}

// Selection: one post highlighted in the list and on the map ------------------------------

function select(id, { revealMarker = false, scrollList = false } = {}) {
  selectedId = id;
  for (const [entryId, entry] of entriesById) {
    entry.classList.toggle("selected", entryId === id);
  }
  const entry = entriesById.get(id);
  if (scrollList && entry) entry.scrollIntoView({ block: "nearest" });
  const marker = markersById.get(id);
  if (revealMarker && marker) {
    clusters.zoomToShowLayer(marker, () => {
      marker.openPopup();
      showSelectedMarker();
    });
  }
  showSelectedMarker();
}

/** Highlight the selected post's marker, or the cluster that holds it at this zoom. */
function showSelectedMarker() {
  for (const icon of mapElement.querySelectorAll(".leaflet-marker-icon.selected")) {
    icon.classList.remove("selected");
  }
  const marker = markersById.get(selectedId);
  if (!marker) return;
  const visible = clusters.getVisibleParent(marker);
  visible?.getElement()?.classList.add("selected");
}

/** On a phone the map is below the list: bring it into view (and the list back). */
function showMap() {
  mapElement.scrollIntoView({ block: "start", behavior: REDUCED_MOTION ? "auto" : "smooth" });
}

// Form controls ---------------------------------------------------------------------------

async function showCategoryChoices() {
  try {
    const list = await categories();
    categoryOptions.replaceChildren(
      ...list.map((category) =>
        el(
          "span",
          { class: "choice-inline" },
          el("input", {
            type: "checkbox",
            name: "category",
            value: category.slug,
            id: `f-category-${category.slug}`,
          }),
          el("label", { for: `f-category-${category.slug}` }, categoryLabel(category.slug, category)),
        ),
      ),
    );
  } catch {
    categoryOptions.replaceChildren(el("p", {}, t("error_generic")));
  }
}

function describeCategories() {
  const chosen = [...form.querySelectorAll('input[name="category"]:checked')].map(
    (box) => box.labels[0].textContent.trim(),
  );
  categorySummary.textContent = chosen.length ? chosen.join(", ") : categorySummary.dataset.all;
}

function aroundMe() {
  geoMessage.hidden = false;
  if (!navigator.geolocation) {
    geoMessage.textContent = t("geo_unsupported");
    return;
  }
  geoMessage.textContent = t("geo_locating");
  navigator.geolocation.getCurrentPosition(
    (position) => {
      geoMessage.hidden = true;
      geoMessage.textContent = "";
      pickedPlace = {
        label: t("my_position"),
        lat: position.coords.latitude,
        lon: position.coords.longitude,
        fromDevice: true,
      };
      addressInput.value = pickedPlace.label;
      search(queryFromForm(), { remember: true });
    },
    (error) => {
      geoMessage.textContent =
        error.code === error.PERMISSION_DENIED ? t("geo_denied") : t("geo_failed");
    },
    { timeout: 15000, maximumAge: 60000 },
  );
}

async function start() {
  categorySummary.dataset.all = categorySummary.textContent;
  addressCombobox(addressInput, {
    onPick: (place) => {
      pickedPlace = place;
    },
    onEdit: () => {
      pickedPlace = null;
    },
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search(queryFromForm(), { remember: true });
  });
  form.addEventListener("change", (event) => {
    if (event.target.name === "category") describeCategories();
    if (!["scale", "kind", "category"].includes(event.target.name)) return;
    const query = queryFromForm(); // a new choice searches again at once, the URL follows
    const place = query.address || query.lat !== undefined;
    search(place ? query : newestQuery(), { remember: Boolean(place) });
  });
  document.getElementById("show-map").addEventListener("click", showMap);
  document.getElementById("show-list").addEventListener("click", () => {
    resultList.closest("section").scrollIntoView({ block: "start" });
  });
  document.getElementById("around-me").addEventListener("click", aroundMe);
  loadMoreButton.addEventListener("click", loadMore);
  window.addEventListener("popstate", () => {
    const query = queryFromUrl();
    if (query) fillForm(query);
    search(query || newestQuery(), { remember: false });
  });
  await Promise.all([showCategoryChoices(), showCity()]);
  const query = queryFromUrl();
  if (query) {
    fillForm(query);
    await search(query, { remember: false });
  } else {
    await search(newestQuery(), { remember: false });
  }
}

start();
