// What both maps share: Leaflet set up from the page's map configuration (the city's own
// PMTiles archive, else a hosted tile server, else, by default, the streets of the city's
// address file as light lines, so no request leaves the site), a scale bar, and the posts'
// category markers.
import { api, categoryIcon, city, el, t } from "./common.js";

export const MAX_ZOOM = 19;
export const REDUCED_MOTION = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
const LABEL_ZOOM = 16; // street names from this zoom on
const MAX_LABELS = 80;

/** A Leaflet map in `element`: its base map is the archive at `data-pmtiles-url` if set,
 * else the tiles of `data-tile-url` if set, else the city's streets. */
export function makeMap(element, options = {}) {
  const map = L.map(element, {
    maxZoom: MAX_ZOOM,
    minZoom: 3,
    zoomSnap: 0.5,
    zoomAnimation: !REDUCED_MOTION,
    fadeAnimation: !REDUCED_MOTION,
    markerZoomAnimation: !REDUCED_MOTION,
    zoomControl: false,
    ...options,
  });
  L.control.zoom({ zoomInTitle: t("zoom_in"), zoomOutTitle: t("zoom_out") }).addTo(map);
  if (element.dataset.pmtilesUrl) {
    // Drawn in the browser from the Protomaps basemap layers (earth, water, roads, ...),
    // read from the archive with range requests; labels use the system's fonts.
    protomapsL
      .leafletLayer({
        url: element.dataset.pmtilesUrl,
        flavor: "light",
        lang: document.documentElement.lang,
        maxZoom: MAX_ZOOM,
        attribution: element.dataset.tileAttribution,
      })
      .addTo(map);
  } else if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, {
      maxZoom: MAX_ZOOM,
      attribution: element.dataset.tileAttribution,
    }).addTo(map);
  } else {
    element.classList.add("no-tiles");
    drawStreets(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  return map;
}

let streetsPromise = null;

/** The city's streets (GET /api/v1/<city>/streets) as light lines, named at high zoom. */
async function drawStreets(map) {
  streetsPromise ??= api(`/${city}/streets`).catch(() => null);
  const streets = await streetsPromise;
  if (!streets) return; // the plain background stays
  map.createPane("streets").style.zIndex = 250; // under the search circle and the markers
  const lines = L.geoJSON(streets, {
    pane: "streets",
    interactive: false,
    style: { color: "#9aa3b5", weight: 3, opacity: 0.8, lineCap: "round" },
  }).addTo(map);
  const labels = L.layerGroup().addTo(map);
  const name = () => {
    labels.clearLayers();
    if (map.getZoom() < LABEL_ZOOM) return;
    const view = map.getBounds();
    const shown = lines.getLayers().filter((line) => view.intersects(line.getBounds()));
    for (const line of shown.slice(0, MAX_LABELS)) {
      const points = line.getLatLngs().flat();
      const middle = points[Math.floor(points.length / 2)];
      labels.addLayer(
        L.tooltip({ permanent: true, direction: "center", className: "street-label", interactive: false })
          .setLatLng(middle)
          .setContent(el("span", {}, line.feature.properties.name)), // text, never HTML
      );
    }
  };
  map.on("zoomend moveend", name);
  name();
}

/** A post's marker icon: its category's picture in a ring coloured by kind. */
export function postIcon(category, kind) {
  return L.divIcon({
    html: categoryIcon(category),
    className: `post-marker kind-${kind}`,
    iconSize: [30, 30],
    popupAnchor: [0, -12],
  });
}
