// Wires the page together: one Api, Session, ChatSocket, Store and Chat per page, and the views.

import { Api } from "./api.js";
import { authView } from "./auth-view.js";
import { Chat } from "./chat.js";
import { byId } from "./dom.js";
import { roomView } from "./room-view.js";
import { roomsView } from "./rooms-view.js";
import { Session } from "./session.js";
import { ChatSocket } from "./socket.js";
import { Store } from "./store.js";

const api = new Api(() => session.token);
const session = new Session(api);
const store = new Store();
const socket = new ChatSocket(() => session.token);
const chat = new Chat(api, session, socket, store);

const STATES = {
  idle: "",
  connecting: "Connecting…",
  online: "Online",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

const auth = authView(api, session, () => enter());
const rooms = roomsView(store, chat);
const room = roomView(store, chat);

store.addEventListener("change", (e) => {
  if (e.detail.what !== "connection") return;
  const status = byId("connection");
  status.dataset.state = store.connection;
  status.textContent = STATES[store.connection] ?? store.connection;
});

async function enter() {
  auth.hide();
  byId("chat-view").hidden = false;
  byId("sign-out").hidden = false;
  byId("who").textContent = session.user?.username ?? "";
  try {
    await chat.start();
  } catch (error) {
    if (error.status === 401) return leave("Your session has ended. Please sign in again.");
    byId("side-error").textContent = error.message;
  }
  rooms.render();
  room.render();
}

function leave(message) {
  chat.stop();
  session.clear();
  store.clear();
  byId("chat-view").hidden = true;
  byId("sign-out").hidden = true;
  byId("who").textContent = "";
  rooms.render();
  room.render();
  auth.show(message);
}

byId("sign-out").addEventListener("click", () => {
  // give the token back so it is refused from now on; the page is signed out either way
  api.logout().catch(() => {});
  leave();
});
session.addEventListener("expired", () => leave("Your session has ended. Please sign in again."));

// A small handle for the browser tests and for trying the reconnect by hand from the console;
// it gives access to nothing the page's user could not already do.
window.parley = Object.freeze({
  dropSocket: () => socket.drop(),
  renewToken: () => session.renew(),
  tokenExpiry: () => session.current?.expires_at ?? null,
  socketTokenExpiry: () => store.socketTokenExpiry ?? null,
});

if (session.signedIn) enter();
else auth.show();
