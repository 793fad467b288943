import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { passkeyURL } from '../playwright.config';
import { logIn, users } from './fixtures';
import { addVirtualAuthenticator, LoginPage, names, PasskeysPage, PersonalMenu } from '../kit';

const n = names.en;

// WebAuthn needs a domain: these run against the instance at localhost, with the kit's virtual
// authenticator (Chromium's, through CDP).
test.use({ baseURL: passkeyURL });

/** Personal settings → Passkeys → "Add a passkey" (the kit's), and what the page says to it. */
async function addPasskey(page: Page, name: string, password: string) {
  await new PersonalMenu(page).go('passkeys');
  await expect(page.getByRole('heading', { name: n.passkeys })).toBeVisible();
  await expect(page.getByText('You have no passkeys yet.')).toBeVisible();
  await new PasskeysPage(page).add(name, password);
  await expect(page.getByRole('status')).toHaveText('The passkey was added.');
  await expect(page.getByText(name, { exact: true })).toBeVisible();
}

test('a passkey is added under Personal settings, then logs in by itself', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: passkeyURL });
  const page = await context.newPage();
  await addVirtualAuthenticator(page, { autofill: false });
  await logIn(page, users.ada);
  await expect(page).toHaveURL(/\/crm$/);
  // A passkey logs in by itself: adding one asks for the password again.
  const passkeys = new PasskeysPage(page);
  await passkeys.goto();
  await passkeys.add('Work laptop', 'not my password');
  await expect(page.getByRole('alert')).toHaveText('The current password is not right.');
  await addPasskey(page, 'Work laptop', users.ada.password);
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => v.id)).toEqual([]);

  // Logged out, back with nothing but the passkey.
  await new PersonalMenu(page).logOut();
  await expect(page).toHaveURL(/\/login/);
  await new LoginPage(page).logInWithPasskey();
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${users.ada.name}` })).toBeVisible();

  // Renamed, then removed: the passkey logs in no more.
  await passkeys.goto();
  await passkeys.rename('Work laptop', 'Old laptop');
  await passkeys.remove('Old laptop');
  await expect(page.getByRole('status')).toHaveText('The passkey was removed.');
  await context.close();
});

test('the User ID field offers the passkey in its autofill', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: passkeyURL });
  const page = await context.newPage();
  await addVirtualAuthenticator(page);
  await logIn(page, users.grace);
  await expect(page).toHaveURL(/\/crm$/);
  await addPasskey(page, 'Phone', users.grace.password);
  // The autofill's request waits on the login page; the virtual authenticator (always present)
  // answers it as a person picking the passkey from the User ID field's suggestions would, at
  // once: the login page may be gone before a check of its address could see it.
  const passkeyLogin = page.waitForResponse((r) => new URL(r.url()).pathname === '/passkeys/login', { timeout: 15_000 });
  await new PersonalMenu(page).logOut();
  expect((await passkeyLogin).status()).toBe(200);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${users.grace.name}` })).toBeVisible();
  await context.close();
});

test('after a password, a person with a passkey gives it as the second step', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: passkeyURL });
  const page = await context.newPage();
  await addVirtualAuthenticator(page, { autofill: false });
  await logIn(page, users.sam);
  await expect(page).toHaveURL(/\/crm$/);
  await addPasskey(page, 'Security key', users.sam.password);
  await new PersonalMenu(page).logOut();
  await new LoginPage(page).logIn(users.sam.login, users.sam.password);
  await expect(page).toHaveURL(/\/two-step$/);
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(page).toHaveURL(/\/crm$/);
  await context.close();
});

test('without JavaScript no passkey is offered', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: passkeyURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await new LoginPage(page).goto();
  await expect(page.getByRole('button', { name: n.logInWithPasskey })).toHaveCount(0);
  await context.close();
});
