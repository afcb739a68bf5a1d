// What both maps share: Leaflet set up from the page's tile configuration (none by default:
// a plain background, so no request leaves the site) and the posts' category markers.
import { categoryIcon, t } from "./common.js";

export const MAX_ZOOM = 19;
export const REDUCED_MOTION = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

/** A Leaflet map in `element`, with tiles only if `data-tile-url` is set. */
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
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, {
      maxZoom: MAX_ZOOM,
      attribution: element.dataset.tileAttribution,
    }).addTo(map);
  } else {
    element.classList.add("no-tiles");
  }
  return map;
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
