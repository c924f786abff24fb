// The signed-in user's token. It lives in sessionStorage (one tab, gone when the tab closes) and
// never in the page URL; it is renewed before it expires, so an open socket never hits 4001.

const KEY = "parley.session";

export class Session extends EventTarget {
  constructor(api) {
    super();
    this.api = api;
    this.current = load();
    this.timer = null;
    // a reload keeps the token: its renewal must be planned again
    if (this.current) this.planRenewal();
  }

  get token() { return this.current?.token ?? null; }
  get user() { return this.current?.user ?? null; }
  get signedIn() { return this.current !== null && Date.parse(this.current.expires_at) > Date.now(); }

  /** Keeps a login or refresh answer ({token, expires_at, user}) and plans the next renewal. */
  keep(issued) {
    this.current = { token: issued.token, expires_at: issued.expires_at, user: issued.user };
    sessionStorage.setItem(KEY, JSON.stringify(this.current));
    this.planRenewal();
    this.dispatchEvent(new CustomEvent("token", { detail: issued.token }));
  }

  clear() {
    clearTimeout(this.timer);
    this.current = null;
    sessionStorage.removeItem(KEY);
  }

  // renew at 80 % of the remaining lifetime, so a one-hour token is renewed after 48 minutes and
  // a short test token still well before it runs out
  planRenewal() {
    clearTimeout(this.timer);
    if (!this.current) return;
    const left = Date.parse(this.current.expires_at) - Date.now();
    this.timer = setTimeout(() => this.renew(), Math.max(1000, left * 0.8));
  }

  /** Asks for a new token; true when it got one. A refused renewal ends the session. */
  async renew() {
    try {
      this.keep(await this.api.refresh());
      return true;
    } catch (error) {
      if (error.status === 401) {
        this.clear();
        this.dispatchEvent(new CustomEvent("expired"));
        return false;
      }
      // the network is down: try again soon, the token may still be good for a while
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.renew(), 10_000);
      return false;
    }
  }
}

function load() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY));
    return saved && saved.token ? saved : null;
  } catch {
    return null;
  }
}
