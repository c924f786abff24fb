// One /ws/chat socket for all the user's rooms, kept open: reconnects after any drop with
// exponential backoff and jitter, and says what state it is in. What the frames mean is the
// caller's business (see chat.js); this module only knows connecting, opening and closing.

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;
const RATE_LIMITED_DELAY_MS = 60_000;

export class ChatSocket extends EventTarget {
  /** @param tokenSource a function that returns the current token */
  constructor(tokenSource) {
    super();
    this.tokenSource = tokenSource;
    this.ws = null;
    this.state = "idle";
    this.attempt = 0;
    this.retryTimer = null;
    this.wanted = false;
    this.offline = false;
    window.addEventListener("offline", () => this.networkLost());
    window.addEventListener("online", () => this.networkBack());
  }

  start() {
    this.wanted = true;
    this.connect();
  }

  stop() {
    this.wanted = false;
    clearTimeout(this.retryTimer);
    if (this.ws) this.ws.close(1000, "signed out");
    this.ws = null;
    this.setState("idle");
  }

  get open() { return this.ws !== null && this.ws.readyState === WebSocket.OPEN; }

  /** Sends a frame if the socket is open; false when it is not (the caller keeps it for later). */
  send(frame) {
    if (!this.open) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Cuts the socket as a network failure would; the usual reconnect follows. */
  drop() {
    if (this.ws) this.ws.close(4000, "dropped by the client");
  }

  connect() {
    clearTimeout(this.retryTimer);
    if (!this.wanted || this.offline) return;
    this.setState(this.attempt === 0 ? "connecting" : "reconnecting");
    // browsers cannot set headers on a WebSocket, so the token goes in the query of the socket's
    // URL (the protocol's access_token parameter); the page's own URL never carries it
    const url = new URL("ws/chat", document.baseURI);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("access_token", this.tokenSource());
    const ws = new WebSocket(url);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
    };
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame.type === "connected") {
        // only a first frame proves the handshake and the token were good
        this.attempt = 0;
        this.setState("online");
      }
      this.dispatchEvent(new CustomEvent("frame", { detail: frame }));
    };
    ws.onclose = (event) => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.dispatchEvent(new CustomEvent("closed", { detail: { code: event.code, opened } }));
      this.scheduleReconnect(event.code, opened);
    };
  }

  scheduleReconnect(code, opened) {
    if (!this.wanted) return;
    if (code === 4003 || code === 4004) {
      // those close a one-room socket; on /ws/chat they do not happen, but never loop on them
      this.setState("offline");
      return;
    }
    this.attempt += 1;
    this.setState("reconnecting");
    if (this.offline) return;
    const delay = code === 4029 ? RATE_LIMITED_DELAY_MS : backoff(this.attempt);
    this.dispatchEvent(new CustomEvent("retrying", { detail: { delay, code, opened, attempt: this.attempt } }));
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  // the browser says the network is gone: the socket is as good as dead, and retrying before the
  // network is back only burns attempts
  networkLost() {
    this.offline = true;
    clearTimeout(this.retryTimer);
    if (this.ws) {
      this.ws.close(4000, "offline");
    } else if (this.wanted) {
      this.setState("reconnecting");
    }
  }

  networkBack() {
    this.offline = false;
    if (this.wanted && !this.ws) {
      this.attempt = Math.max(this.attempt, 1);
      this.connect();
    }
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: state }));
  }
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random, so clients that lost
 * the server together do not come back together, yet none retries at once in a loop. */
export function backoff(attempt) {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
