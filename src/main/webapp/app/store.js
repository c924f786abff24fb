// What the client knows: rooms, the messages it holds per room, the messages it still has to
// send, and who is online, typing and where their read markers are. Views read it and listen for
// "change"; only chat.js writes to it. Messages are kept by seq, so a message that arrives twice
// (a replay overlapping live frames, an ack racing its own message frame) is still held once.

const OUTBOX_KEY = "parley.outbox";

export class Store extends EventTarget {
  constructor() {
    super();
    this.me = null;
    this.rooms = new Map();        // id -> room as in GET /rooms, plus peer for direct rooms
    this.activeRoomId = null;
    this.timelines = new Map();    // room id -> Timeline, for rooms opened in this page
    this.outbox = loadOutbox();    // client_id -> {client_id, room_id, content, state, error}
    this.online = new Map();       // room id -> [{username, display_name}]
    this.typing = new Map();       // room id -> Map(username -> until)
    this.replies = new Map();      // room id -> the assistant's reply streaming in it
    this.readers = new Map();      // room id -> Map(username -> seq)
    this.connection = "idle";
    this.socketTokenExpiry = null;   // from the last `authenticated` frame
  }

  changed(what, roomId = null) {
    this.dispatchEvent(new CustomEvent("change", { detail: { what, roomId } }));
  }

  get activeRoom() { return this.rooms.get(this.activeRoomId) ?? null; }

  timeline(roomId) {
    let timeline = this.timelines.get(roomId);
    if (!timeline) {
      timeline = new Timeline();
      this.timelines.set(roomId, timeline);
    }
    return timeline;
  }

  putRoom(room) {
    const known = this.rooms.get(room.id);
    this.rooms.set(room.id, { ...known, ...room });
    this.changed("rooms");
  }

  dropRoom(roomId) {
    this.rooms.delete(roomId);
    this.timelines.delete(roomId);
    if (this.activeRoomId === roomId) this.activeRoomId = null;
    this.changed("rooms");
    this.changed("active");
  }

  /**
   * A committed message. It counts as unread only when its seq is new to the client, so a
   * replayed or repeated frame never counts twice.
   */
  putMessage(message, { live }) {
    const room = this.rooms.get(message.room_id);
    if (room) {
      if (message.seq > (room.last_seq ?? 0)) {
        const fromOther = message.sender !== this.me?.username;
        const reading = room.id === this.activeRoomId && document.visibilityState === "visible";
        room.last_seq = message.seq;
        if (live && fromOther && !reading) room.unread = (room.unread ?? 0) + 1;
        if (!fromOther) room.unread = 0;
        this.changed("rooms");
      }
    }
    const timeline = this.timelines.get(message.room_id);
    if (timeline) {
      timeline.put(message);
      this.changed("messages", message.room_id);
    }
    if (message.client_id && message.sender === this.me?.username) this.settle(message.client_id);
  }

  // the outbox: messages written here and not yet known to be stored

  queue(roomId, content) {
    const entry = { client_id: crypto.randomUUID(), room_id: roomId, content, state: "queued", created: Date.now() };
    this.outbox.set(entry.client_id, entry);
    this.saveOutbox(roomId);
    return entry;
  }

  mark(clientId, state, error) {
    const entry = this.outbox.get(clientId);
    if (!entry) return;
    entry.state = state;
    entry.error = error;
    this.saveOutbox(entry.room_id);
  }

  /** The message is stored (its own frame arrived, or an ack for it): it leaves the outbox. */
  settle(clientId) {
    const entry = this.outbox.get(clientId);
    if (!entry) return;
    this.outbox.delete(clientId);
    this.saveOutbox(entry.room_id);
  }

  pendingIn(roomId) {
    return [...this.outbox.values()].filter((e) => e.room_id === roomId).sort((a, b) => a.created - b.created);
  }

  saveOutbox(roomId) {
    // kept in the tab's sessionStorage: a reload while offline loses nothing written
    sessionStorage.setItem(OUTBOX_KEY, JSON.stringify([...this.outbox.values()]));
    this.changed("messages", roomId);
  }

  setTyping(roomId, username, isTyping) {
    let here = this.typing.get(roomId);
    if (!here) this.typing.set(roomId, (here = new Map()));
    if (isTyping) here.set(username, Date.now() + 6000);
    else here.delete(username);
    this.changed("typing", roomId);
  }

  // the assistant's reply while it streams: shown as it grows, gone when the saved message arrives
  putChunk(frame) {
    const now = this.replies.get(frame.room_id);
    const text = now && now.streamId === frame.stream_id ? now.text : "";
    this.replies.set(frame.room_id, { streamId: frame.stream_id, text: text + frame.delta, error: null });
    this.changed("reply", frame.room_id);
  }

  replyFailed(frame) {
    // "busy" refuses a second reply while one streams: the running one is still the answer
    const now = this.replies.get(frame.room_id);
    if (now && !now.error && now.streamId !== frame.stream_id) return;
    this.replies.set(frame.room_id, { streamId: frame.stream_id, text: "", error: frame.code });
    this.changed("reply", frame.room_id);
  }

  replyDone(roomId) {
    if (this.replies.delete(roomId)) this.changed("reply", roomId);
  }

  replyIn(roomId) {
    return this.replies.get(roomId) ?? null;
  }

  typingIn(roomId) {
    const here = this.typing.get(roomId);
    if (!here) return [];
    const now = Date.now();
    return [...here].filter(([, until]) => until > now).map(([name]) => name);
  }

  setOnline(roomId, online) {
    this.online.set(roomId, online);
    this.changed("online", roomId);
  }

  setReader(roomId, username, seq) {
    let here = this.readers.get(roomId);
    if (!here) this.readers.set(roomId, (here = new Map()));
    if (seq > (here.get(username) ?? 0)) {
      here.set(username, seq);
      this.changed("messages", roomId);
    }
  }

  clear() {
    this.me = null;
    this.rooms.clear();
    this.timelines.clear();
    this.online.clear();
    this.typing.clear();
    this.replies.clear();
    this.readers.clear();
    this.outbox.clear();
    this.activeRoomId = null;
    sessionStorage.removeItem(OUTBOX_KEY);
  }
}

/** The messages of one room that the client holds: a contiguous run of seqs, grown at both ends. */
export class Timeline {
  constructor() {
    this.bySeq = new Map();
    this.hasOlder = true;
    this.loaded = false;
  }

  put(message) {
    this.bySeq.set(message.seq, message);
  }

  get oldest() {
    let oldest = Infinity;
    for (const seq of this.bySeq.keys()) oldest = Math.min(oldest, seq);
    return oldest === Infinity ? null : oldest;
  }

  get newest() {
    let newest = 0;
    for (const seq of this.bySeq.keys()) newest = Math.max(newest, seq);
    return newest;
  }

  ordered() {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
}

function loadOutbox() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(OUTBOX_KEY)) ?? [];
    // whatever was in flight when the page went away is sent again, with its client_id
    return new Map(saved.map((e) => [e.client_id, { ...e, state: e.state === "failed" ? "failed" : "queued" }]));
  } catch {
    return new Map();
  }
}
