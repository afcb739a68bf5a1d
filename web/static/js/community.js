// Strings of the community-workflow pages (templates/_community_strings.html), with the
// common ones of common.js as fallback.
import { t } from "./common.js";

const block = document.getElementById("i18n-community");
const strings = block ? JSON.parse(block.textContent) : {};
const plural = new Intl.PluralRules(document.documentElement.lang || "fr");

export function tc(key, params = {}) {
  const text = strings[key];
  if (text === undefined) return t(key, params);
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export function tcCount(key, count, params = {}) {
  return tc(`${key}_${plural.select(count) === "one" ? "one" : "other"}`, { count, ...params });
}
