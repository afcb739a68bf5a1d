// Join the building of the invitation in this page's URL (/<city>/join/<token>): at once
// when logged in; else log in or sign up first, and come back here.
import { api, city, session } from "./common.js";

const token = decodeURIComponent(window.location.pathname.split("/").pop());
const here = `/${city}/join/${encodeURIComponent(token)}`;

function show(id) {
  document.getElementById("join-status").hidden = true;
  document.getElementById(id).hidden = false;
}

async function start() {
  const { account } = await session();
  if (!account) {
    for (const id of ["join-login", "join-register"]) {
      const link = document.getElementById(id);
      link.href = `${link.getAttribute("href")}?${new URLSearchParams({ next: here })}`;
    }
    show("join-anonymous");
    return;
  }
  try {
    await api(`/${city}/invitations/join`, { method: "POST", body: { token } });
    show("join-done");
  } catch (error) {
    if (error.status === 409) show("join-other");
    else if (error.status === 404) show("join-dead");
    else throw error;
  }
}

start();
