// Passkeys in Baken's portal: adds one on the passkeys page, or uses one as the second
// step of a login. Nothing else in the portal needs JavaScript; a browser without
// WebAuthn keeps its buttons hidden and says why.
"use strict";
(function () {
  async function call(url, csrf, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(function () { return {}; });
    if (!response.ok) {
      throw new Error(data.error || response.statusText);
    }
    return data;
  }

  function say(element, text) {
    element.textContent = text;
    element.hidden = false;
  }

  async function register(button) {
    const options = await call("/account/passkeys/begin", button.dataset.csrf);
    const credential = await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.publicKey),
    });
    const name = document.getElementById("passkey-name").value;
    return call("/account/passkeys/finish", button.dataset.csrf, { name: name, credential: credential.toJSON() });
  }

  async function login(button) {
    const options = await call("/login/passkey/begin", button.dataset.csrf);
    const credential = await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey),
    });
    return call("/login/passkey/finish", button.dataset.csrf, { credential: credential.toJSON() });
  }

  document.querySelectorAll("button[data-passkey]").forEach(function (button) {
    const status = document.getElementById(button.dataset.status);
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
      say(status, button.dataset.unsupported);
      return;
    }
    button.hidden = false;
    button.addEventListener("click", async function (event) {
      event.preventDefault();
      button.disabled = true;
      try {
        const done = await (button.dataset.passkey === "register" ? register(button) : login(button));
        location.assign(done.next);
      } catch (e) {
        say(status, button.dataset.failed + " " + e.message);
        button.disabled = false;
      }
    });
  });
})();
