// The sidebar: the user's rooms with unread counts, public rooms to join, and the forms that
// create a room or start a direct conversation.

import { byId, el, say } from "./dom.js";

export function roomTitle(room) {
  if (room.visibility === "direct") return `@${room.peer?.username ?? "direct"}`;
  return room.name;
}

export function roomsView(store, chat) {
  const mine = byId("my-rooms");
  const others = byId("public-rooms");
  const error = byId("side-error");

  function render() {
    const rooms = [...store.rooms.values()];
    const member = rooms.filter((r) => r.member);
    const unreadOf = (room) => room.id === store.activeRoomId ? 0 : room.unread ?? 0;
    mine.replaceChildren(...(member.length ? [] : [el("li", { class: "empty" }, "No rooms yet: join a public one or create one.")]),
      ...member.map((room) => {
      const unread = unreadOf(room);
      return el("li", {},
        el("button", {
          type: "button",
          class: "room-link",
          "aria-current": room.id === store.activeRoomId ? "page" : null,
          dataset: { roomId: room.id },
          onclick: () => chat.open(room.id).catch((e) => say(error, e)),
        },
        el("span", { class: "room-name" }, roomTitle(room)),
        room.visibility === "private" ? el("span", { class: "tag" }, "private") : null,
        unread > 0 ? el("span", { class: "unread", "aria-label": `${unread} unread` }, String(unread)) : null));
    }));
    // the tab says how much is waiting, for a reader who is in another tab
    const waiting = member.reduce((sum, room) => sum + unreadOf(room), 0);
    document.title = waiting > 0 ? `(${waiting}) Parley` : "Parley";
    const joinable = rooms.filter((r) => !r.member && r.visibility === "public");
    others.replaceChildren(...(joinable.length ? joinable.map((room) =>
      el("li", { class: "joinable" },
        el("span", { class: "room-name", title: room.name }, room.name),
        el("span", { class: "count" }, room.member_count === 1 ? "1 member" : `${room.member_count} members`),
        el("button", {
          type: "button",
          "aria-label": `Join ${room.name}`,
          onclick: async () => {
            try {
              await chat.join(room.id);
              await chat.open(room.id);
            } catch (e) {
              say(error, e);
            }
          },
        }, "Join"))) : [el("li", { class: "empty" }, "No other public rooms.")]));
  }

  // public rooms made by others are not pushed to this user: ask again when they look
  others.closest("details").addEventListener("toggle", (event) => {
    if (event.target.open) chat.loadRooms().catch((e) => say(error, e));
  });

  byId("create-room").addEventListener("submit", async (event) => {
    event.preventDefault();
    say(error, null);
    const name = byId("room-name");
    const visibility = event.target.querySelector("input[name=visibility]:checked").value;
    try {
      const room = await chat.createRoom(name.value.trim(), visibility);
      name.value = "";
      event.target.closest("details").open = false;
      await chat.open(room.id);
    } catch (e) {
      say(error, e);
    }
  });

  byId("direct-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    say(error, null);
    const user = byId("direct-user");
    const first = byId("direct-first");
    try {
      await chat.direct(user.value.trim(), first.value.trim());
      user.value = "";
      first.value = "";
    } catch (e) {
      say(error, e);
    }
  });

  store.addEventListener("change", (e) => {
    if (e.detail.what === "rooms" || e.detail.what === "active") render();
  });
  return { render };
}
