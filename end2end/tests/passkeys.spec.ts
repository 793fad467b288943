import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { passkeyURL } from '../playwright.config';
import { users, User } from './fixtures';
import { addVirtualAuthenticator } from '../kit';

// WebAuthn needs a domain: these run against the instance at localhost, with the kit's virtual
// authenticator (Chromium's, through CDP).
test.use({ baseURL: passkeyURL });

/** The kit's virtual authenticator (the suite tests the kit by using it). */
const virtualAuthenticator = addVirtualAuthenticator;

/** A browser without passkeys in autofill (no conditional mediation): only the explicit button. */
async function withoutAutofill(page: Page) {
  await page.addInitScript(() => {
    PublicKeyCredential.isConditionalMediationAvailable = async () => false;
  });
}

async function logInWithPassword(page: Page, user: User) {
  await page.goto('/login');
  await page.getByLabel('User ID').fill(user.login);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(page).toHaveURL(/\/crm$/);
}

/** Personal settings → Passkeys → "Add a passkey", with the password again. */
async function addPasskey(page: Page, name: string, user: User) {
  await page.getByRole('button', { name: 'Personal settings' }).click();
  await page.getByRole('link', { name: 'Passkeys' }).click();
  await expect(page.getByRole('heading', { name: 'Passkeys' })).toBeVisible();
  await expect(page.getByText('You have no passkeys yet.')).toBeVisible();
  await page.getByLabel('Passkey name').fill(name);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByRole('status')).toHaveText('The passkey was added.');
  await expect(page.getByText(name, { exact: true })).toBeVisible();
}

test('a passkey is added under Personal settings, then logs in by itself', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: passkeyURL });
  const page = await context.newPage();
  await withoutAutofill(page);
  await virtualAuthenticator(page);
  await logInWithPassword(page, users.ada);
  // A passkey logs in by itself: adding one asks for the password again.
  await page.goto('/crm/passkeys');
  await page.getByLabel('Password').fill('not my password');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByRole('alert')).toHaveText('The current password is not right.');
  await addPasskey(page, 'Work laptop', users.ada);
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => v.id)).toEqual([]);

  // Logged out, back with nothing but the passkey.
  await page.getByRole('button', { name: 'Personal settings' }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.getByRole('button', { name: 'Log in with a passkey' }).click();
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${users.ada.name}` })).toBeVisible();

  // Renamed, then removed: the passkey logs in no more.
  await page.goto('/crm/passkeys');
  await page.getByLabel('Passkey name').first().fill('Old laptop');
  await page.getByRole('button', { name: 'Rename Work laptop' }).click();
  await page.getByRole('button', { name: 'Remove Old laptop' }).click();
  await expect(page.getByRole('status')).toHaveText('The passkey was removed.');
  await context.close();
});

test('the User ID field offers the passkey in its autofill', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: passkeyURL });
  const page = await context.newPage();
  await virtualAuthenticator(page);
  await logInWithPassword(page, users.grace);
  await addPasskey(page, 'Phone', users.grace);
  // The autofill's request waits on the login page; the virtual authenticator (always present)
  // answers it as a person picking the passkey from the User ID field's suggestions would, at
  // once: the login page may be gone before a check of its address could see it.
  const passkeyLogin = page.waitForResponse((r) => new URL(r.url()).pathname === '/passkeys/login', { timeout: 15_000 });
  await page.getByRole('button', { name: 'Personal settings' }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  expect((await passkeyLogin).status()).toBe(200);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${users.grace.name}` })).toBeVisible();
  await context.close();
});

test('after a password, a person with a passkey gives it as the second step', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: passkeyURL });
  const page = await context.newPage();
  await withoutAutofill(page);
  await virtualAuthenticator(page);
  await logInWithPassword(page, users.sam);
  await addPasskey(page, 'Security key', users.sam);
  await page.getByRole('button', { name: 'Personal settings' }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByLabel('User ID').fill(users.sam.login);
  await page.getByLabel('Password', { exact: true }).fill(users.sam.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(page).toHaveURL(/\/two-step$/);
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(page).toHaveURL(/\/crm$/);
  await context.close();
});

test('without JavaScript no passkey is offered', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: passkeyURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Log in with a passkey' })).toHaveCount(0);
  await context.close();
});
