// The end-to-end suite's identity provider: npm `oidc-provider` (OpenID Certified) on loopback,
// at its defaults (claims the scopes ask for are in UserInfo, not the ID token; `iss` in every
// authorization response), with the test accounts of fixtures.json, one confidential client for
// Frontdoor, and a small sign-in page of our own that checks the account's password and has a
// "Cancel". Consent is implied for Frontdoor (a first-party client), so a person whose session
// at the provider lasts is sent straight back.
//
// Frontdoor gives each of its providers a redirect URI of its own, printed by `frontdoor sso
// add`; serve.sh writes those to a file as an administrator would register them, and the
// client's registration is read from it when the provider looks the client up.
import Provider from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import http from 'node:http';
import fs from 'node:fs';

const fixtures = JSON.parse(fs.readFileSync(new URL('./fixtures.json', import.meta.url), 'utf8'));
const port = Number(process.env.OIDC_PORT ?? 3728);
const frontdoor = process.env.FRONTDOOR_PUBLIC_URL ?? 'http://127.0.0.1:3737';
const issuer = `http://127.0.0.1:${port}`;
const { clientId, clientSecret, accounts } = fixtures.idp;

const byEmail = new Map(Object.values(accounts).map((a) => [a.email, a]));
const bySubject = new Map(Object.values(accounts).map((a) => [a.sub, a]));

const registrations = process.env.IDP_REDIRECT_URIS_FILE;

/// The client as registered: the redirect URIs Frontdoor's `sso add` printed.
function registeredClient() {
  const redirectUris = registrations && fs.existsSync(registrations)
    ? fs.readFileSync(registrations, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean)
    : [];
  return {
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris.length ? redirectUris : [`${frontdoor}/sso/callback/unregistered`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

class RegisteredClients extends MemoryAdapter {
  async find(id) {
    if (this.model === 'Client') return id === clientId ? registeredClient() : undefined;
    return super.find(id);
  }
}

const provider = new Provider(issuer, {
  adapter: RegisteredClients,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: async (ctx, sub) => {
    const account = bySubject.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      claims: async () => ({ sub, email: account.email, email_verified: account.verified, name: account.name }),
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['frontdoor-e2e-provider-cookie-key'] },
  ttl: { Session: 3600, Interaction: 600, AuthorizationCode: 60, IdToken: 300, AccessToken: 300, Grant: 3600 },
});
provider.on('server_error', (ctx, err) => console.error('oidc-provider:', err));

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, uid, message = '') {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test IdP: sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>
<h1>Test IdP</h1>${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Email <input name="email" type="email" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${escape(uid)}/cancel"><button type="submit">Cancel</button></form>
</main></body></html>`);
}

async function body(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

async function interaction(req, res) {
  const [, , uid, action] = new URL(req.url, issuer).pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET') return page(res, uid);
  const form = await body(req);
  if (action === 'cancel') {
    const result = { error: 'access_denied', error_description: 'End-User cancelled' };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  const account = byEmail.get((form.get('email') ?? '').trim().toLowerCase());
  if (!account || form.get('password') !== account.password) return page(res, uid, 'Wrong email or password');
  return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
http
  .createServer((req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(req, res).catch((err) => {
        console.error('interaction:', err);
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('This sign-in is no longer valid.');
      });
    } else {
      callback(req, res);
    }
  })
  .listen(port, '127.0.0.1', () => console.log(`test identity provider at ${issuer}`));
