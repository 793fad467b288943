// A stand-in for one of the suite's apps — the Service app on its own origin, or a partner's —
// built on npm `openid-client` (OpenID Certified) at its defaults: it signs people in through
// Frontdoor with the code flow and PKCE, keeps sessions of its own, and ends them when
// Frontdoor's back-channel logout token says so. (`allowInsecureRequests`: the suite runs on
// http://127.0.0.1, which openid-client refuses unless told.)
import * as client from 'openid-client';
import * as jose from 'jose';
import http from 'node:http';
import fs from 'node:fs';
import crypto from 'node:crypto';

const port = Number(process.env.APP_PORT);
const name = process.env.APP_NAME ?? 'App';
const issuer = process.env.FRONTDOOR_URL;
const registrations = process.env.APP_REGISTRATIONS;
const key = process.env.APP_KEY;
const origin = `http://127.0.0.1:${port}`;

let configuration;
let jwks;
async function config() {
  if (!configuration) {
    const registration = JSON.parse(fs.readFileSync(registrations, 'utf8'))[key];
    configuration = await client.discovery(new URL(issuer), registration.client_id, registration.client_secret, undefined, {
      execute: [client.allowInsecureRequests],
    });
    jwks = jose.createRemoteJWKSet(new URL(configuration.serverMetadata().jwks_uri));
  }
  return configuration;
}

const pending = new Map(); // state → { verifier, nonce }
const sessions = new Map(); // cookie → { name, email, tenant, sid, sub, idToken }

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, body, status = 200, headers = {}) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(name)}</title></head><body><main>
<h1>${escape(name)}</h1>${body}</main></body></html>`);
}

function sessionOf(req) {
  const cookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim().split('=')).find(([k]) => k === `app${port}`);
  return cookie ? [cookie[1], sessions.get(cookie[1])] : [undefined, undefined];
}

async function body(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

async function handle(req, res) {
  const url = new URL(req.url, origin);
  if (url.pathname === '/health') return page(res, 'ok');
  if (url.pathname === '/') {
    const [, session] = sessionOf(req);
    if (session) {
      return page(res, `<p role="status">Signed in as ${escape(session.name)} (${escape(session.tenant)})</p>
<p><a href="/logout">Log out</a></p>`);
    }
    return page(res, '<p role="status">Signed out</p><p><a href="/login">Sign in with Frontdoor</a></p>');
  }
  if (url.pathname === '/login') {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    pending.set(state, { verifier, nonce });
    const target = client.buildAuthorizationUrl(await config(), {
      redirect_uri: `${origin}/callback`,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    res.writeHead(303, { location: target.href });
    return res.end();
  }
  if (url.pathname === '/callback') {
    const state = url.searchParams.get('state');
    const flow = pending.get(state);
    pending.delete(state);
    if (url.searchParams.get('error')) return page(res, `<p role="alert">Not signed in: ${escape(url.searchParams.get('error'))}</p>`, 403);
    if (!flow) return page(res, '<p role="alert">Unknown sign-in</p>', 400);
    const tokens = await client.authorizationCodeGrant(await config(), url, {
      pkceCodeVerifier: flow.verifier,
      expectedState: state,
      expectedNonce: flow.nonce,
    });
    const claims = tokens.claims();
    const id = crypto.randomBytes(24).toString('base64url');
    sessions.set(id, {
      name: claims.name,
      email: claims.email,
      tenant: claims.tenant?.name,
      sid: claims.sid,
      sub: claims.sub,
      idToken: tokens.id_token,
    });
    res.writeHead(303, { location: '/', 'set-cookie': `app${port}=${id}; Path=/; HttpOnly; SameSite=Lax` });
    return res.end();
  }
  if (url.pathname === '/backchannel' && req.method === 'POST') {
    const form = await body(req);
    const cfg = await config();
    try {
      const { payload } = await jose.jwtVerify(form.get('logout_token') ?? '', jwks, {
        issuer: cfg.serverMetadata().issuer,
        audience: cfg.clientMetadata().client_id,
        typ: 'logout+jwt',
      });
      if (!payload.events?.['http://schemas.openid.net/event/backchannel-logout'] || payload.nonce) throw new Error('not a logout token');
      for (const [id, session] of sessions) {
        if ((payload.sid && session.sid === payload.sid) || (!payload.sid && session.sub === payload.sub)) sessions.delete(id);
      }
      res.writeHead(200, { 'cache-control': 'no-store' });
    } catch (err) {
      console.error('back-channel logout refused:', err.message);
      res.writeHead(400);
    }
    return res.end();
  }
  if (url.pathname === '/logout') {
    const [id, session] = sessionOf(req);
    sessions.delete(id);
    if (!session) {
      res.writeHead(303, { location: '/' });
      return res.end();
    }
    const target = client.buildEndSessionUrl(await config(), {
      id_token_hint: session.idToken,
      post_logout_redirect_uri: `${origin}/`,
    });
    res.writeHead(303, { location: target.href, 'set-cookie': `app${port}=; Path=/; Max-Age=0` });
    return res.end();
  }
  res.writeHead(404);
  res.end();
}

http
  .createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error(`${name}:`, err);
      if (!res.headersSent) page(res, `<p role="alert">${escape(err.message)}</p>`, 500);
    });
  })
  .listen(port, '127.0.0.1', () => console.log(`${name} at ${origin}`));
