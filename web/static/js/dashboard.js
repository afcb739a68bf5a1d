// The agents' dashboard (GET /api/v1/<city>/dashboard): a map of the posts by H3 cell,
// coloured by count, and the tables week by week.
import { api, ApiError, categoryBySlug, city, cityInfo, el, formatNumber, t } from "./common.js";
import { makeMap } from "./basemap.js";

const status = document.getElementById("dashboard-status");
const board = document.getElementById("dashboard");
const weeks = document.getElementById("f-weeks");
const csvLink = document.getElementById("dashboard-csv");
const COLOURS = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]; // 5+, 10+, 25+, 50+
let map = null;
let layer = null;

function colourOf(count) {
  if (count === null) return "#d9d9d9";
  return COLOURS[[5, 10, 25, 50].filter((low) => count >= low).length - 1];
}

function rows(target, items) {
  target.replaceChildren(
    ...items.map(([head, ...cells]) => el("tr", {}, el("th", { scope: "row" }, head), ...cells.map((c) => el("td", {}, c)))),
  );
}

const shown = (count) => (count === null ? t("withheld") : formatNumber(count));
const hours = (value) => (value === null || value === undefined ? "–" : t("hours", { hours: formatNumber(value) }));

async function drawMap(cells) {
  if (!map) {
    map = makeMap(document.getElementById("dashboard-map"));
    const { center } = await cityInfo();
    map.setView(center, 12);
  }
  layer?.remove();
  layer = L.geoJSON(cells, {
    style: (feature) => ({
      color: "#333",
      weight: 1,
      fillColor: colourOf(feature.properties.count),
      fillOpacity: 0.7,
    }),
    onEachFeature: (feature, polygon) =>
      polygon.bindTooltip(
        feature.properties.count === null ? t("withheld") : t("cell_posts", { count: feature.properties.count }),
      ),
  }).addTo(map);
  if (cells.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 14 });
}

async function load() {
  csvLink.href = `/api/v1/${city}/dashboard.csv?weeks=${weeks.value}`;
  let data;
  try {
    data = await api(`/${city}/dashboard`, { query: { weeks: weeks.value } });
  } catch (error) {
    status.textContent =
      error instanceof ApiError && [401, 403].includes(error.status) ? t("dashboard_forbidden") : error.message;
    return;
  }
  board.hidden = false;
  status.textContent = data.posts.length ? "" : t("no_posts");
  const labels = await categoryBySlug();
  const week = Object.fromEntries(data.weeks.map((label) => [label, { offer: 0, request: 0, connections: 0 }]));
  const category = {};
  for (const row of data.posts) {
    week[row.week][row.kind] += row.posts;
    category[row.category] ??= { offer: 0, request: 0 };
    category[row.category][row.kind] += row.posts;
  }
  const outcome = {};
  for (const row of data.connections) {
    week[row.week].connections += row.connections;
    outcome[row.outcome] = (outcome[row.outcome] || 0) + row.connections;
  }
  rows(
    document.getElementById("by-week"),
    data.weeks.map((label) => [
      label,
      formatNumber(week[label].offer),
      formatNumber(week[label].request),
      formatNumber(week[label].connections),
      hours(data.first_contact_hours.by_week[label]),
    ]),
  );
  document.getElementById("median-first-contact").textContent = hours(data.first_contact_hours.median);
  rows(
    document.getElementById("by-category"),
    Object.entries(category).map(([slug, count]) => [
      labels.get(slug)?.label || slug,
      formatNumber(count.offer),
      formatNumber(count.request),
    ]),
  );
  rows(
    document.getElementById("by-outcome"),
    Object.entries(outcome).map(([name, count]) => [t(`outcome.${name}`), formatNumber(count)]),
  );
  rows(
    document.getElementById("unanswered"),
    Object.entries(data.unanswered_requests).map(([name, count]) => [t(`age.${name}`), formatNumber(count)]),
  );
  const volunteers = {};
  for (const [role, cells] of Object.entries(data.volunteers)) {
    for (const row of cells) {
      volunteers[row.cell] ??= { calls: 0, missions: 0 };
      volunteers[row.cell][role] = row.count;
    }
  }
  rows(
    document.getElementById("volunteers"),
    Object.entries(volunteers).map(([cell, count]) => [cell, shown(count.calls), shown(count.missions)]),
  );
  await drawMap(data.cells);
}

weeks.addEventListener("change", load);
load();
