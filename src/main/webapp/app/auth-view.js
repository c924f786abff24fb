// Sign in and create account. Registration is followed by a login, as the protocol has no
// token in the register answer.

import { byId, say } from "./dom.js";

export function authView(api, session, onSignedIn) {
  const form = byId("auth-form");
  const username = byId("auth-username");
  const password = byId("auth-password");
  const error = byId("auth-error");
  const buttons = [byId("sign-in"), byId("create-account")];

  async function attempt(register) {
    say(error, null);
    if (!form.reportValidity()) return;
    buttons.forEach((b) => (b.disabled = true));
    try {
      if (register) await api.register(username.value, password.value);
      session.keep(await api.login(username.value, password.value));
      password.value = "";
      onSignedIn();
    } catch (failure) {
      say(error, failure.status === 401 ? new Error("Unknown username or wrong password.") : failure);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(false);
  });
  byId("create-account").addEventListener("click", () => attempt(true));

  return {
    show(message) {
      byId("auth-view").hidden = false;
      say(error, message ? new Error(message) : null);
      username.focus();
    },
    hide() {
      byId("auth-view").hidden = true;
    },
  };
}
