// "Report this post" on a post page: POST /api/v1/<city>/posts/<id>/reports with a reason.
import { api, city, handleForm, session } from "./common.js";
import { tc } from "./community.js";

const section = document.getElementById("report");
const form = document.getElementById("report-form");
const postId = document.getElementById("post").dataset.postId;

handleForm(form, async () => {
  await api(`/${city}/posts/${postId}/reports`, {
    method: "POST",
    body: { reason: form.elements.reason.value },
  });
  form.hidden = true;
  const sent = document.getElementById("report-sent");
  sent.textContent = tc("reported");
  sent.hidden = false;
});

async function start() {
  const { account } = await session();
  if (!account) return;
  try {
    const post = await api(`/${city}/posts/${postId}`);
    section.hidden = Boolean(post.properties.owned);
  } catch {
    section.hidden = true;
  }
}

start();
