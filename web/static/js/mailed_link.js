// The token of a link mailed to the visitor: it travels in the fragment (never sent to a
// server nor in a Referer), and is removed from the address bar once read.
import { ApiError } from "./common.js";

export function mailedToken() {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token") || "";
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  return token;
}

/** Whether `error` says the link is unknown, used or expired. */
export function isDeadLink(error) {
  return error instanceof ApiError && error.problem?.errors?.some((e) => e.param === "token");
}
