// The client's side of the protocol: turns socket frames and REST answers into store changes,
// and user actions into frames. Resume rule: each room is subscribed with `since` = the last seq
// the client holds for it, so a reconnect brings exactly what was missed; messages written
// meanwhile wait in the outbox and go out with their original client_id once the room is
// subscribed again, so the server can answer a repeat with `duplicate:true` instead of storing it twice.

import { ApiError } from "./api.js";

const ACK_TIMEOUT_MS = 10_000;
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;

export class Chat {
  constructor(api, session, socket, store) {
    this.api = api;
    this.session = session;
    this.socket = socket;
    this.store = store;
    this.subscribed = new Set();     // rooms whose `subscribed` came on the current socket
    this.ackTimers = new Map();      // client_id -> timer
    this.typingSent = 0;
    this.typingStop = null;
    this.readSent = new Map();       // room id -> seq last reported read
    this.reconnected = false;        // a later "connected" is a reconnect: re-read the room list
    this.readTimer = null;
    socket.addEventListener("frame", (e) => this.onFrame(e.detail));
    socket.addEventListener("state", (e) => {
      store.connection = e.detail;
      store.changed("connection");
    });
    socket.addEventListener("closed", (e) => this.onClosed(e.detail));
    session.addEventListener("token", (e) => socket.send({ type: "auth", token: e.detail }));
    document.addEventListener("visibilitychange", () => this.markRead());
    setInterval(() => this.expireTyping(), 1000);
  }

  async start() {
    this.store.me = this.session.user;
    await this.loadRooms();
    this.socket.start();
  }

  stop() {
    this.reconnected = false;
    this.socket.stop();
    this.subscribed.clear();
    this.ackTimers.forEach(clearTimeout);
    this.ackTimers.clear();
  }

  /**
   * Reads the room list. For rooms the client already follows it keeps its own last_seq and
   * unread: the server's may be ahead of what reached this page, and `since` must name what the
   * client holds, or a resume would skip messages. Rooms joined elsewhere get subscribed.
   */
  async loadRooms() {
    const [rooms, directs] = await Promise.all([this.api.rooms(), this.api.directs()]);
    const peers = new Map(directs.map((d) => [d.room_id, d.user]));
    for (const room of rooms) {
      const known = this.store.rooms.get(room.id);
      const followed = known?.member && room.member;
      this.store.putRoom(followed
        ? { ...room, peer: peers.get(room.id), last_seq: known.last_seq, unread: known.unread }
        : { ...room, peer: peers.get(room.id) });
      if (room.member && !followed && this.socket.open) this.subscribe(this.store.rooms.get(room.id));
    }
    const listed = new Set(rooms.map((r) => r.id));
    for (const id of [...this.store.rooms.keys()]) {
      if (!listed.has(id)) this.store.dropRoom(id);
    }
  }

  // socket frames

  onFrame(frame) {
    const store = this.store;
    switch (frame.type) {
      case "connected":
        this.subscribed.clear();
        store.me = frame.user;
        for (const room of store.rooms.values()) {
          if (room.member) this.subscribe(room);
        }
        // rooms joined or left elsewhere while this socket was away
        if (this.reconnected) this.loadRooms().catch(() => {});
        this.reconnected = true;
        break;
      case "subscribed":
        this.onSubscribed(frame);
        break;
      case "message":
        // the saved reply replaces its stream; any later message clears a failure shown
        if (frame.reply_to || store.replyIn(frame.room_id)?.error) store.replyDone(frame.room_id);
        store.putMessage(frame, { live: true });
        this.markRead();
        break;
      case "ack":
        this.onAck(frame);
        break;
      case "message_edited":
      case "message_deleted":
        this.onChanged(frame);
        break;
      case "typing":
        store.setTyping(frame.room_id, frame.user, frame.is_typing);
        break;
      case "presence":
        this.onPresence(frame);
        break;
      case "ai_chunk":
        store.putChunk(frame);
        break;
      case "ai_error":
        store.replyFailed(frame);
        break;
      case "read":
        store.setReader(frame.room_id, frame.user, frame.seq);
        break;
      case "room_added":
        this.onRoomAdded(frame.room);
        break;
      case "room_removed":
        this.subscribed.delete(frame.room_id);
        store.dropRoom(frame.room_id);
        break;
      case "error":
        this.onError(frame);
        break;
      case "authenticated":
        // the socket now lives by the renewed token
        store.socketTokenExpiry = frame.expires_at;
        break;
      default:
        break; // pong: nothing to do
    }
  }

  subscribe(room) {
    // since is the last seq the client holds: the server replays exactly what came after it
    this.socket.send({ type: "subscribe", room_id: room.id, since: room.last_seq ?? 0 });
  }

  async onSubscribed(frame) {
    const room = this.store.rooms.get(frame.room_id);
    if (!room) return;
    if (!frame.recovered) {
      // too much was missed to replay: page it through REST, then carry on live
      await this.catchUpByRest(room, frame.last_seq);
    }
    this.subscribed.add(room.id);
    this.flushOutbox(room.id);
    if (room.id === this.store.activeRoomId) this.refreshPresence(room.id);
  }

  async catchUpByRest(room, lastSeq) {
    const timeline = this.store.timelines.get(room.id);
    if (!timeline?.loaded) {
      // nothing of this room is on screen: the new counts are enough
      const fresh = await this.api.rooms().catch(() => []);
      const same = fresh.find((r) => r.id === room.id);
      if (same) this.store.putRoom({ last_seq: same.last_seq, unread: same.unread, id: room.id });
      return;
    }
    let after = room.last_seq ?? 0;
    while (after < lastSeq) {
      const page = await this.api.history(room.id, { after, before: lastSeq + 1, limit: 200 });
      if (page.messages.length === 0) break;
      page.messages.forEach((m) => this.store.putMessage(m, { live: true }));
      after = page.messages[page.messages.length - 1].seq;
    }
  }

  onAck(frame) {
    clearTimeout(this.ackTimers.get(frame.client_id));
    this.ackTimers.delete(frame.client_id);
    const timeline = this.store.timelines.get(frame.room_id);
    if (!timeline || timeline.bySeq.has(frame.seq)) {
      this.store.settle(frame.client_id);
    } else {
      // the message frame is on its way: keep showing the entry until it lands, without a flicker
      this.store.mark(frame.client_id, "stored");
    }
  }

  onError(frame) {
    const entry = frame.ref && this.store.outbox.get(frame.ref);
    if (!entry) {
      console.warn("server refused a frame", frame.code, frame.message);
      return;
    }
    clearTimeout(this.ackTimers.get(entry.client_id));
    if (frame.code === "rate_limited" || frame.code === "busy" || frame.code === "internal") {
      // worth another go, later, with the same client_id: nothing was stored
      this.store.mark(entry.client_id, "queued");
      this.ackTimers.set(entry.client_id, setTimeout(() => this.transmit(entry), 2000));
    } else {
      this.store.mark(entry.client_id, "failed", frame.message);
    }
  }

  onChanged(frame) {
    const message = frame.message ?? { ...this.store.timelines.get(frame.room_id)?.bySeq.get(frame.seq), deleted: true, content: undefined };
    const timeline = this.store.timelines.get(message.room_id ?? frame.room_id);
    if (timeline && timeline.bySeq.has(message.seq)) {
      timeline.put(message);
      this.store.changed("messages", message.room_id);
    }
  }

  onPresence(frame) {
    if (frame.online) {
      this.store.setOnline(frame.room_id, frame.online);
    } else if (frame.room_id === this.store.activeRoomId) {
      this.refreshPresence(frame.room_id);
    }
  }

  async onRoomAdded(room) {
    const known = this.store.rooms.get(room.id);
    let peer = known?.peer;
    if (room.visibility === "direct" && !peer) {
      const directs = await this.api.directs().catch(() => []);
      peer = directs.find((d) => d.room_id === room.id)?.user;
    }
    // resume from what this page holds of the room, or else from the read marker: on joining,
    // what came before counts as read
    const held = Math.max(this.store.timelines.get(room.id)?.newest ?? 0, this.subscribed.has(room.id) ? known?.last_seq ?? 0 : 0);
    const marker = room.last_seq - room.unread;
    // the replay after the marker counts its messages as unread again: start that count at 0
    this.store.putRoom(held > marker
      ? { ...room, peer, last_seq: held, unread: known?.unread ?? 0 }
      : { ...room, peer, last_seq: marker, unread: 0 });
    this.subscribe(this.store.rooms.get(room.id));
  }

  async onClosed({ code, opened }) {
    this.subscribed.clear();
    for (const entry of this.store.outbox.values()) {
      if (entry.state === "sent") this.store.mark(entry.client_id, "queued");
    }
    // 4001: the token ran out; a refused handshake looks like a close before any frame, and an
    // expired token is the likely reason: renew it before the next try (a 401 signs out)
    if (code === 4001 || code === 1008 || !opened) await this.session.renew();
  }

  // sending

  send(roomId, content) {
    const entry = this.store.queue(roomId, content);
    this.transmit(entry);
    this.stopTyping(roomId);
  }

  retry(clientId) {
    const entry = this.store.outbox.get(clientId);
    if (!entry) return;
    this.store.mark(clientId, "queued");
    this.transmit(entry);
  }

  discard(clientId) {
    this.store.settle(clientId);
  }

  transmit(entry) {
    if (!this.subscribed.has(entry.room_id)) return; // waits for the room's resume, then flushOutbox
    const sent = this.socket.send({
      type: "message", room_id: entry.room_id, content: entry.content, client_id: entry.client_id, message_type: "text",
    });
    if (!sent) return;
    this.store.mark(entry.client_id, "sent");
    clearTimeout(this.ackTimers.get(entry.client_id));
    // no ack in time on an open socket: send it again; the same client_id makes that safe
    this.ackTimers.set(entry.client_id, setTimeout(() => {
      const still = this.store.outbox.get(entry.client_id);
      if (still && still.state === "sent") this.transmit(still);
    }, ACK_TIMEOUT_MS));
  }

  flushOutbox(roomId) {
    for (const entry of this.store.pendingIn(roomId)) {
      if (entry.state === "queued" || entry.state === "sent") this.transmit(entry);
    }
  }

  typing(roomId) {
    const now = Date.now();
    if (now - this.typingSent > TYPING_REPEAT_MS && this.subscribed.has(roomId)) {
      this.socket.send({ type: "typing", room_id: roomId, is_typing: true });
      this.typingSent = now;
    }
    clearTimeout(this.typingStop);
    this.typingStop = setTimeout(() => this.stopTyping(roomId), TYPING_IDLE_MS);
  }

  stopTyping(roomId) {
    clearTimeout(this.typingStop);
    if (this.typingSent === 0) return;
    this.typingSent = 0;
    this.socket.send({ type: "typing", room_id: roomId, is_typing: false });
  }

  expireTyping() {
    const roomId = this.store.activeRoomId;
    if (roomId !== null && this.store.typing.get(roomId)?.size) this.store.changed("typing", roomId);
  }

  // rooms

  async open(roomId) {
    const store = this.store;
    store.activeRoomId = roomId;
    store.changed("active");
    const room = store.rooms.get(roomId);
    if (!room?.member) return;
    const timeline = store.timeline(roomId);
    if (!timeline.loaded) {
      const page = await this.api.history(roomId);
      page.messages.forEach((m) => store.putMessage(m, { live: false }));
      timeline.hasOlder = page.has_more;
      timeline.loaded = true;
      store.changed("messages", roomId);
    }
    const members = await this.api.members(roomId).catch(() => []);
    members.forEach((m) => store.setReader(roomId, m.username, m.last_read_seq ?? 0));
    this.refreshPresence(roomId);
    this.markRead();
  }

  /** The page before the oldest message held (keyset paging on seq); false when there is none. */
  async loadOlder(roomId) {
    const timeline = this.store.timelines.get(roomId);
    if (!timeline || !timeline.hasOlder || timeline.loadingOlder || timeline.oldest === null) return false;
    timeline.loadingOlder = true;
    try {
      const page = await this.api.history(roomId, { before: timeline.oldest });
      page.messages.forEach((m) => timeline.put(m));
      timeline.hasOlder = page.has_more;
      this.store.changed("older", roomId);
      return true;
    } finally {
      timeline.loadingOlder = false;
    }
  }

  async refreshPresence(roomId) {
    const presence = await this.api.presence(roomId).catch(() => null);
    if (presence) this.store.setOnline(roomId, presence.online);
  }

  /** Moves the read marker to the newest message of the open room, while the page is seen. */
  markRead() {
    const room = this.store.activeRoom;
    if (!room || !room.member || document.visibilityState !== "visible") return;
    if (room.unread) {
      room.unread = 0;
      this.store.changed("rooms");
    }
    // one read frame for a burst of messages, not one each
    if (this.readTimer) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = null;
      const seen = this.store.activeRoom;
      const seq = seen?.last_seq ?? 0;
      if (seen && seq > (this.readSent.get(seen.id) ?? 0) && this.subscribed.has(seen.id)
          && this.socket.send({ type: "read", room_id: seen.id, seq })) {
        this.readSent.set(seen.id, seq);
      }
    }, 250);
  }

  async createRoom(name, visibility) {
    const room = await this.api.createRoom(name, visibility);
    this.store.putRoom(room);
    return room;
  }

  async join(roomId) {
    await this.api.join(roomId);
    const room = this.store.rooms.get(roomId);
    // the room_added frame subscribes it; mark it a member now so the view can open it
    if (room) this.store.putRoom({ id: roomId, member: true, unread: 0 });
  }

  async leave(roomId) {
    await this.api.leave(roomId);
    this.socket.send({ type: "unsubscribe", room_id: roomId });
    this.subscribed.delete(roomId);
    this.store.dropRoom(roomId);
    await this.loadRooms(); // a public room stays listed to browse
  }

  addMember(roomId, username) {
    return this.api.addMember(roomId, username);
  }

  /** Opens the direct room with someone, creating it with a first message when there is none yet. */
  async direct(username, firstMessage) {
    const existing = [...this.store.rooms.values()].find(
      (r) => r.visibility === "direct" && r.peer?.username.toLowerCase() === username.toLowerCase());
    if (existing) {
      await this.open(existing.id);
      if (firstMessage) this.send(existing.id, firstMessage);
      return existing.id;
    }
    if (!firstMessage) throw new ApiError(400, { detail: "write a first message to start the conversation" });
    const message = await this.api.sendDirect(username, firstMessage, crypto.randomUUID());
    if (!this.store.rooms.has(message.room_id)) await this.loadRooms();
    await this.open(message.room_id);
    return message.room_id;
  }

  async edit(roomId, seq, content) {
    const message = await this.api.edit(roomId, seq, content);
    this.onChanged({ type: "message_edited", message });
  }

  async remove(roomId, seq) {
    await this.api.remove(roomId, seq);
    this.onChanged({ type: "message_deleted", room_id: roomId, seq });
  }
}
