// The posting form's audience choice: a post to my building or my street is placed at my
// home and shown on no map, so the place and precision choices step aside for it.
const form = document.getElementById("post-form");
const placed = ['[data-field="place"]', "#other-address", '[data-field="precision"]'];

function audience() {
  return new FormData(form).get("audience") || "public";
}

form.addEventListener("change", (event) => {
  if (event.target.name !== "audience") return;
  const mapped = audience() === "public";
  for (const selector of placed) {
    const element = form.querySelector(selector);
    if (selector === "#other-address") {
      element.hidden = !mapped || new FormData(form).get("place") !== "other";
    } else {
      element.hidden = !mapped;
    }
  }
});

/** The body to send: a building's or a street's post carries no place of its own. */
export function withAudience(body) {
  const chosen = audience();
  if (chosen === "public") return body;
  const { address, precision, ...rest } = body;
  return { ...rest, audience: chosen };
}
