// The open room: its title, who is online, the message log (history paged in as the reader
// scrolls up, live messages below, own messages marked until the server has them), who is
// typing, and the composer.

import { byId, el, say } from "./dom.js";
import { roomTitle } from "./rooms-view.js";

const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const DAY_AND_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

// a time alone reads as today's: history from another day says which day
function when(timestamp) {
  const at = new Date(timestamp);
  return at.toDateString() === new Date().toDateString() ? TIME.format(at) : DAY_AND_TIME.format(at);
}
const NEAR_EDGE_PX = 48;

export function roomView(store, chat) {
  const log = byId("messages");
  const input = byId("message-input");
  const send = byId("send");
  const error = byId("room-error");
  const rendered = new Map();   // key -> {node, signature}
  let editing = null;           // seq of the own message being edited
  let shownRoom = null;

  function renderHead() {
    const room = store.activeRoom;
    const me = store.me;
    byId("room-title").textContent = room ? roomTitle(room) : "Pick a room";
    byId("leave").hidden = !room || !room.member || room.visibility === "direct";
    byId("add-member").hidden = !room || room.visibility !== "private" || room.owner_id !== me?.id;
    input.disabled = send.disabled = !room || !room.member;
    document.body.classList.toggle("in-room", Boolean(room));
    renderOnline();
    renderTyping();
    renderReply();
  }

  function renderOnline() {
    const room = store.activeRoom;
    const online = room ? store.online.get(room.id) ?? [] : [];
    byId("online").textContent = online.length ? `Online: ${online.map((o) => o.username).join(", ")}` : "";
  }

  function renderTyping() {
    const room = store.activeRoom;
    const names = room ? store.typingIn(room.id) : [];
    byId("typing").textContent = names.length === 0 ? ""
      : `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…`;
  }

  function renderReply() {
    const room = store.activeRoom;
    const reply = room ? store.replyIn(room.id) : null;
    byId("assistant-reply").textContent = !reply ? ""
      : reply.error ? `Assistant could not answer (${reply.error.replaceAll("_", " ")}).`
      : `Assistant: ${reply.text}…`;
  }

  /** Brings the log in line with the store, touching only entries that changed. */
  function renderMessages({ keepBottomDistance = false } = {}) {
    const room = store.activeRoom;
    if (shownRoom !== store.activeRoomId) {
      rendered.clear();
      log.replaceChildren();
      shownRoom = store.activeRoomId;
      editing = null;
    }
    if (!room) return;
    const timeline = store.timelines.get(room.id);
    const messages = timeline ? timeline.ordered() : [];
    const held = new Set(messages.map((m) => m.client_id).filter(Boolean));
    const pending = store.pendingIn(room.id).filter((e) => !held.has(e.client_id));
    const seenAt = readersBySeq(room.id, messages);

    const distance = log.scrollHeight - log.scrollTop;
    const atBottom = distance - log.clientHeight < NEAR_EDGE_PX;
    const wanted = [];
    for (const message of messages) {
      const signature = JSON.stringify([message.content, message.edited_at, message.deleted, editing === message.seq]);
      const made = entry(`m${message.seq}`, signature, () => messageNode(room, message));
      showSeen(made.node, seenAt.get(message.seq) ?? []);
      wanted.push(made);
    }
    for (const item of pending) {
      const signature = JSON.stringify([item.state, item.error]);
      wanted.push(entry(`c${item.client_id}`, signature, () => pendingNode(item)));
    }
    const keys = new Set(wanted.map((w) => w.key));
    for (const [key, { node }] of rendered) {
      if (!keys.has(key)) {
        node.remove();
        rendered.delete(key);
      }
    }
    wanted.forEach(({ node }, index) => {
      if (log.children[index] !== node) log.insertBefore(node, log.children[index] ?? null);
    });
    if (keepBottomDistance) log.scrollTop = log.scrollHeight - distance;
    else if (atBottom) log.scrollTop = log.scrollHeight;
  }

  function entry(key, signature, build) {
    let known = rendered.get(key);
    if (!known || known.signature !== signature) {
      const node = build();
      if (known) known.node.replaceWith(node);
      known = { node, signature };
      rendered.set(key, known);
    }
    return { key, node: known.node };
  }

  // each other member's read marker shown under the newest held message it covers
  function readersBySeq(roomId, messages) {
    const bySeq = new Map();
    const readers = store.readers.get(roomId);
    if (!readers || messages.length === 0) return bySeq;
    const oldest = messages[0].seq;
    for (const [name, seq] of readers) {
      if (name === store.me?.username || seq < oldest) continue;
      const at = Math.min(seq, messages[messages.length - 1].seq);
      bySeq.set(at, [...(bySeq.get(at) ?? []), name].sort());
    }
    return bySeq;
  }

  function messageNode(room, message) {
    const mine = message.sender === store.me?.username;
    const node = el("li", { class: `msg${mine ? " mine" : ""}`, dataset: { seq: message.seq } },
      el("div", { class: "meta" },
        el("span", { class: "sender" }, message.sender_name ?? message.sender),
        // anyone may take any display name: the username tells who really wrote it
        message.sender_name && message.sender_name !== message.sender
          ? el("span", { class: "handle", title: "username" }, `@${message.sender}`) : null,
        el("time", { datetime: message.timestamp, title: DAY_AND_TIME.format(new Date(message.timestamp)) },
          when(message.timestamp)),
        message.edited_at && !message.deleted ? el("span", { class: "edited" }, "(edited)") : null));
    if (message.deleted) {
      node.append(el("p", { class: "content deleted" }, "This message was deleted."));
    } else if (editing === message.seq) {
      node.append(editForm(room, message));
    } else {
      node.append(el("p", { class: "content" }, message.content));
      if (mine) {
        node.append(el("div", { class: "tools" },
          el("button", { type: "button", "aria-label": `Edit message ${message.seq}`, onclick: () => startEdit(message.seq) }, "Edit"),
          el("button", { type: "button", "aria-label": `Delete message ${message.seq}`, onclick: () => remove(room, message) }, "Delete")));
      }
    }
    return node;
  }

  // read markers move often: they are updated in place, so the message's buttons keep focus
  function showSeen(node, seen) {
    let line = node.querySelector(":scope > .seen");
    if (seen.length === 0) {
      line?.remove();
      return;
    }
    if (!line) node.append((line = el("p", { class: "seen" })));
    const text = `Seen by ${seen.join(", ")}`;
    if (line.textContent !== text) line.textContent = text;
  }

  function pendingNode(item) {
    const failed = item.state === "failed";
    return el("li", { class: `msg mine pending${failed ? " failed" : ""}`, dataset: { clientId: item.client_id } },
      el("div", { class: "meta" }, el("span", { class: "sender" }, store.me?.display_name ?? store.me?.username ?? "")),
      el("p", { class: "content" }, item.content),
      el("p", { class: "state" }, failed ? `Not sent: ${item.error ?? "refused"}` : "Sending…"),
      failed ? el("div", { class: "tools" },
        el("button", { type: "button", onclick: () => chat.retry(item.client_id) }, "Retry"),
        el("button", { type: "button", onclick: () => chat.discard(item.client_id) }, "Discard")) : null);
  }

  function editForm(room, message) {
    const field = el("input", { id: "edit-input", value: message.content, maxlength: 4000, required: true });
    const form = el("form", { class: "inline edit" },
      el("label", { for: "edit-input" }, "Edit message"), field,
      el("button", { type: "submit" }, "Save"),
      el("button", { type: "button", onclick: () => finishEdit() }, "Cancel"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await chat.edit(room.id, message.seq, field.value);
        finishEdit();
      } catch (e) {
        say(error, e);
      }
    });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") finishEdit();
    });
    queueMicrotask(() => field.focus());
    return form;
  }

  function startEdit(seq) {
    editing = seq;
    renderMessages();
  }

  function finishEdit() {
    const seq = editing;
    editing = null;
    renderMessages();
    log.querySelector(`[data-seq="${seq}"] button`)?.focus();
  }

  async function remove(room, message) {
    if (!window.confirm("Delete this message?")) return;
    try {
      await chat.remove(room.id, message.seq);
    } catch (e) {
      say(error, e);
    }
  }

  byId("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const room = store.activeRoom;
    const content = input.value;
    if (!room || content.trim() === "") return;
    say(error, null);
    chat.send(room.id, content);
    input.value = "";
    input.focus();
  });

  // Enter sends, Shift+Enter starts a new line
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      byId("composer").requestSubmit();
    }
  });
  input.addEventListener("input", () => {
    if (store.activeRoomId !== null && input.value !== "") chat.typing(store.activeRoomId);
  });

  log.addEventListener("scroll", () => {
    if (log.scrollTop < NEAR_EDGE_PX && store.activeRoomId !== null) {
      chat.loadOlder(store.activeRoomId).catch((e) => say(error, e));
    }
    chat.markRead();
  });

  byId("leave").addEventListener("click", async () => {
    const room = store.activeRoom;
    if (!room) return;
    try {
      await chat.leave(room.id);
    } catch (e) {
      say(error, e);
    }
  });

  byId("add-member").addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = byId("member-name");
    const room = store.activeRoom;
    try {
      await chat.addMember(room.id, name.value.trim());
      say(error, new Error(`${name.value.trim()} was added.`));
      name.value = "";
    } catch (e) {
      say(error, e);
    }
  });

  byId("back").addEventListener("click", () => {
    store.activeRoomId = null;
    store.changed("active");
  });

  store.addEventListener("change", (e) => {
    const { what, roomId } = e.detail;
    if (what === "active") {
      say(error, null);
      renderHead();
      renderMessages();
      if (store.activeRoom) input.focus();
    } else if (what === "rooms") {
      renderHead();
    } else if (roomId === store.activeRoomId) {
      if (what === "messages") renderMessages();
      else if (what === "older") renderMessages({ keepBottomDistance: true });
      else if (what === "typing") renderTyping();
      else if (what === "reply") renderReply();
      else if (what === "online") renderOnline();
    }
  });

  return { render: () => { renderHead(); renderMessages(); } };
}
