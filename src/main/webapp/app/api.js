// REST calls of docs/protocol.md. Paths are relative to the page, so the client works under any
// context root (the tests deploy under one, the run command at /).

/** A refused call: the problem+json answer (RFC 9457) when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code;
    this.retryAfter = problem?.retryAfter;
  }
}

export class Api {
  /** @param tokenSource a function that returns the current token, or null */
  constructor(tokenSource) {
    this.tokenSource = tokenSource;
  }

  async call(method, path, body) {
    const headers = {};
    const token = this.tokenSource();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(new URL(`api/${path}`, document.baseURI), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
    const text = await response.text();
    const json = text ? safeJson(text) : null;
    if (!response.ok) {
      const problem = json && typeof json === "object" ? json : {};
      problem.retryAfter = Number(response.headers.get("Retry-After")) || undefined;
      throw new ApiError(response.status, problem);
    }
    return json;
  }

  register(username, password) { return this.call("POST", "auth/register", { username, password }); }
  // the device proof of the last login as this user here: a stranger failing logins for the name
  // runs down the name's attempts, not this browser's
  async login(username, password) {
    const key = `parley.device.${username.toLowerCase()}`;
    const issued = await this.call("POST", "auth/login", { username, password, device: localStorage.getItem(key) ?? undefined });
    if (issued?.device) localStorage.setItem(key, issued.device);
    return issued;
  }
  refresh() { return this.call("POST", "auth/refresh"); }
  logout() { return this.call("POST", "auth/logout"); }
  rooms() { return this.call("GET", "rooms"); }
  directs() { return this.call("GET", "direct"); }
  createRoom(name, visibility) { return this.call("POST", "rooms", { name, visibility }); }
  join(roomId) { return this.call("PUT", `rooms/${roomId}/members/me`); }
  leave(roomId) { return this.call("DELETE", `rooms/${roomId}/members/me`); }
  addMember(roomId, username) { return this.call("POST", `rooms/${roomId}/members`, { username }); }
  members(roomId) { return this.call("GET", `rooms/${roomId}/members`); }
  presence(roomId) { return this.call("GET", `rooms/${roomId}/presence`); }
  edit(roomId, seq, content) { return this.call("PATCH", `rooms/${roomId}/messages/${seq}`, { content }); }
  remove(roomId, seq) { return this.call("DELETE", `rooms/${roomId}/messages/${seq}`); }
  sendDirect(username, content, clientId) {
    return this.call("POST", `direct/${encodeURIComponent(username)}/messages`, { content, client_id: clientId });
  }

  /** One history page, ascending: {messages, has_more}. */
  history(roomId, { before, after, limit = 50 } = {}) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (before !== undefined) query.set("before", String(before));
    if (after !== undefined) query.set("after", String(after));
    return this.call("GET", `rooms/${roomId}/messages?${query}`);
  }
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
