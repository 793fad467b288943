// Passkeys in the browser. The server renders every button and message of a passkey (in the
// page's language), hidden; this script shows them where the browser can make and use passkeys,
// and runs the WebAuthn ceremonies against the server's JSON endpoints. Without JavaScript, or
// in a browser without passkeys, nothing about them is shown.

const supported =
  typeof PublicKeyCredential === 'function' &&
  typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function' &&
  typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function';

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body ?? {}),
  });
  if (!response.ok) {
    const refusal = await response.json().catch(() => ({}));
    throw Object.assign(new Error(`${path} answered ${response.status}`), { code: refusal.error });
  }
  return response.json();
}

function fail(box, error) {
  if (error && error.name === 'AbortError') return;
  box.querySelectorAll('[role=alert]').forEach((alert) => (alert.hidden = true));
  const which = error && error.code === 'wrong-password' ? '[data-passkey-wrong-password]' : '[data-passkey-error]';
  const message = box.querySelector(which);
  if (message) message.hidden = false;
}

/** Asks the browser for a passkey with the server's options, and hands the answer back. */
async function useAPasskey(start, finish, extra, mediation, signal) {
  const { ceremony, options } = await post(start);
  const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey);
  const credential = await navigator.credentials.get({ publicKey, mediation, signal });
  const answer = await post(finish, { ceremony, credential: credential.toJSON(), ...extra });
  window.location.assign(answer.redirect);
}

function loginPage(box) {
  const next = new URLSearchParams(window.location.search).get('next') ?? undefined;
  let autofill = null;
  // The User ID field's autofill offers passkeys too, where the browser can (conditional UI).
  (async () => {
    if (!(await PublicKeyCredential.isConditionalMediationAvailable?.())) return;
    autofill = new AbortController();
    try {
      await useAPasskey('/passkeys/login/options', '/passkeys/login', { next }, 'conditional', autofill.signal);
    } catch (error) {
      fail(box, error);
    }
  })();
  box.querySelector('[data-passkey-login]').addEventListener('click', async () => {
    autofill?.abort();
    try {
      await useAPasskey('/passkeys/login/options', '/passkeys/login', { next });
    } catch (error) {
      fail(box, error);
    }
  });
}

function secondStep(box) {
  box.querySelector('[data-passkey-step]').addEventListener('click', async () => {
    try {
      await useAPasskey('/two-step/passkey/options', '/two-step/passkey', {});
    } catch (error) {
      fail(box, error);
    }
  });
}

function addAPasskey(box) {
  const form = box.querySelector('form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = form.querySelector('[name=name]').value;
    const password = form.querySelector('[name=password]')?.value ?? '';
    try {
      const { ceremony, options } = await post('/crm/passkeys/options', { password });
      const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options.publicKey);
      const credential = await navigator.credentials.create({ publicKey });
      const answer = await post('/crm/passkeys/register', { ceremony, credential: credential.toJSON(), name });
      window.location.assign(answer.redirect);
    } catch (error) {
      fail(box, error);
    }
  });
}

if (supported) {
  for (const [selector, wire] of [
    ['[data-passkey-login-box]', loginPage],
    ['[data-passkey-step-box]', secondStep],
    ['[data-passkey-add-box]', addAPasskey],
  ]) {
    const box = document.querySelector(selector);
    if (box) {
      box.hidden = false;
      wire(box);
    }
  }
  document.querySelectorAll('[data-passkey-unsupported]').forEach((note) => (note.hidden = true));
}
