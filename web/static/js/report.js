// "Report this post" on a post page (POST /api/v1/<city>/posts/<id>/reports with a reason),
// and the note on posts an agent relays.
import { api, city, handleForm, session } from "./common.js";
import { tc } from "./community.js";

const section = document.getElementById("report");
const form = document.getElementById("report-form");
const postId = document.getElementById("post").dataset.postId;

handleForm(form, async (_form, key) => {
  await api(`/${city}/posts/${postId}/reports`, {
    method: "POST",
    key,
    body: { reason: form.elements.reason.value },
  });
  form.hidden = true;
  const sent = document.getElementById("report-sent");
  sent.textContent = tc("reported");
  sent.hidden = false;
});

async function start() {
  const [{ account }, post] = await Promise.all([
    session(),
    api(`/${city}/posts/${postId}`).catch(() => null),
  ]);
  if (!post) return;
  document.getElementById("relayed-note").hidden = !post.properties.relayed;
  section.hidden = !account || Boolean(post.properties.owned);
}

start();
