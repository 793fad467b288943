import { expect, Page, test } from '@playwright/test';
import * as client from 'openid-client';
import fs from 'node:fs';
import http from 'node:http';
import { appRegistrations, baseURL, partnerApp, serviceApp } from '../playwright.config';
import { users } from './fixtures';
import { ConsentPage, LoginPage, names, PersonalMenu, SessionsPage } from '../kit';

const n = names.en;

// Frontdoor as the suite's OpenID provider, with real apps built on npm openid-client: the
// Service app on its own origin (web, back-channel logout), a partner's app (consent), and the
// Mobile CRM app (native: a loopback redirect on any port, PKCE, refresh tokens), which this
// test drives itself as a phone would, with Chromium as its system browser.

/** Frontdoor's login page, where the app has sent the browser: the kit's form. */
async function logInAtFrontdoor(page: Page, user: { login: string; password: string }) {
  await expect(page.getByRole('heading', { name: n.logIn })).toBeVisible();
  await new LoginPage(page).logIn(user.login, user.password);
}

/** The Mobile CRM app: a loopback listener on a port of its own, and its registration. */
async function mobileApp() {
  const registration = JSON.parse(fs.readFileSync(appRegistrations, 'utf8')).mobile;
  const config = await client.discovery(new URL(baseURL), registration.client_id, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
  let received: (url: URL) => void = () => {};
  const arrived = new Promise<URL>((resolve) => (received = resolve));
  const server = http.createServer((req, res) => {
    received(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('You can return to the app.');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { config, server, redirect: `http://127.0.0.1:${port}/callback`, arrived };
}

test('the Service app on its own origin signs in through Frontdoor; the mobile app then asks for no password', async ({ page }) => {
  await page.goto(serviceApp);
  await page.getByRole('link', { name: 'Sign in with Frontdoor' }).click();
  await logInAtFrontdoor(page, users.appy);
  await expect(page).toHaveURL(new RegExp(`^${serviceApp}/$`));
  await expect(page.getByRole('status')).toHaveText(`Signed in as ${users.appy.name} (Acme AS)`);

  // The Mobile CRM app opens Frontdoor in the system browser: its session is live, so the
  // browser goes straight back to the app's loopback address with a code.
  const mobile = await mobileApp();
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const authorize = client.buildAuthorizationUrl(mobile.config, {
    redirect_uri: mobile.redirect,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  await page.goto(authorize.href);
  const callback = await mobile.arrived;
  mobile.server.close();
  const currentUrl = new URL(`${mobile.redirect}${callback.search}`);
  const tokens = await client.authorizationCodeGrant(mobile.config, currentUrl, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  expect(tokens.claims()?.email).toBe(users.appy.login);
  expect((tokens.claims() as unknown as { tenant: { slug: string } }).tenant.slug).toBe('acme');
  expect(tokens.refresh_token).toBeTruthy();
  // Refresh tokens rotate; the app's "Log out" revokes its refresh token.
  const refreshed = await client.refreshTokenGrant(mobile.config, tokens.refresh_token!);
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  const info = await client.fetchUserInfo(mobile.config, refreshed.access_token, tokens.claims()!.sub);
  expect(info.email).toBe(users.appy.login);
  await client.tokenRevocation(mobile.config, refreshed.refresh_token!);
  await expect(client.refreshTokenGrant(mobile.config, refreshed.refresh_token!)).rejects.toThrow();

  // Both apps' sign-ins are on the person's Sessions page.
  await new SessionsPage(page).goto();
  await expect(page.getByRole('cell', { name: 'Service app' })).toBeVisible();
});

test('logging out of the CRM ends the Service app\'s session, through the back channel', async ({ page }) => {
  await page.goto(serviceApp);
  await page.getByRole('link', { name: 'Sign in with Frontdoor' }).click();
  await logInAtFrontdoor(page, users.logout);
  await expect(page.getByRole('status')).toHaveText(`Signed in as ${users.logout.name} (Acme AS)`);
  await page.goto('/crm');
  await new PersonalMenu(page).logOut();
  await expect(page.getByRole('status')).toContainText('You are logged out');
  await expect(async () => {
    await page.goto(serviceApp);
    await expect(page.getByRole('status')).toHaveText('Signed out', { timeout: 500 });
  }).toPass({ timeout: 10_000 });
});

test('an email in two tenants chooses the tenant for the app', async ({ page }) => {
  await page.goto(serviceApp);
  await page.getByRole('link', { name: 'Sign in with Frontdoor' }).click();
  await logInAtFrontdoor(page, users.multi);
  // The provider's own "Choose tenant" page (not Reset login's, so not the kit's ResetLoginPage).
  await expect(page.getByRole('heading', { name: n.chooseTenant })).toBeVisible();
  await page.getByRole('button', { name: 'Globex Corp' }).click();
  // Globex's own login, with the user ID filled in.
  const login = new LoginPage(page);
  await expect(login.userId).toHaveValue(users.multi.login);
  await login.logIn(users.multi.login, users.multi.password);
  await expect(page.getByRole('status')).toHaveText(`Signed in as ${users.multi.name} (Globex Corp)`);
});

test('a partner app asks for consent once; Deny keeps the person out', async ({ page }) => {
  await page.goto(partnerApp);
  await page.getByRole('link', { name: 'Sign in with Frontdoor' }).click();
  await logInAtFrontdoor(page, users.partner);
  const question = page.getByRole('heading', { name: 'Partner Reports wants to know your name, email address and tenant' });
  await expect(question).toBeVisible();
  const consent = new ConsentPage(page);
  await consent.deny();
  await expect(page.getByRole('alert')).toHaveText('Not signed in: access_denied');

  await page.goto(partnerApp);
  await page.getByRole('link', { name: 'Sign in with Frontdoor' }).click();
  await expect(question).toBeVisible();
  await consent.allow();
  await expect(page.getByRole('status')).toHaveText(`Signed in as ${users.partner.name} (Acme AS)`);

  // Remembered: signing in again asks nothing (the app's own log out ends Frontdoor's session
  // too, so the person logs in once more, without a consent question).
  await page.getByRole('link', { name: 'Log out' }).click();
  await expect(page.getByRole('status')).toHaveText('Signed out');
  await page.getByRole('link', { name: 'Sign in with Frontdoor' }).click();
  await logInAtFrontdoor(page, users.partner);
  await expect(page.getByRole('status')).toHaveText(`Signed in as ${users.partner.name} (Acme AS)`);
  // "Apps with access" lets the person take it back.
  await new SessionsPage(page).goto();
  await page.getByRole('button', { name: 'Remove access for Partner Reports' }).click();
  await expect(page.getByRole('status')).toHaveText('The app no longer has access.');
});
