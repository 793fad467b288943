import { expect, Page, test } from '@playwright/test';
import fixtures from '../fixtures.json';
import { idpIssuer } from '../playwright.config';
import { frontdoor, linkIn, mailsTo } from './fixtures';

// Single sign-on against the suite's own OpenID provider (npm oidc-provider, oidc-provider.mjs).
// Tenants: initech ("existing active users only"), hooli ("create the user on first login"),
// umbrella (password login off: home-realm discovery by email domain).
const idp = fixtures.idp.accounts;
type Account = (typeof idp)[keyof typeof idp];
const { initech, umbrella } = fixtures.ssoTenants;

async function signInAtProvider(page: Page, account: Account) {
  await expect(page).toHaveURL(new RegExp(`^${idpIssuer}/interaction/`));
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function logOut(page: Page) {
  await page.getByRole('button', { name: 'Personal settings' }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
}

test('an existing user logs in with the provider; while that session lasts, one click is enough', async ({ page }) => {
  await page.goto('/t/initech/login');
  await page.getByRole('button', { name: 'Log in with Initech IdP' }).click();
  await signInAtProvider(page, idp.olga);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${initech.users.olga.name}` })).toBeVisible();

  await logOut(page);
  await expect(page.getByRole('status')).toContainText('You are logged out of Frontdoor');
  await expect(page.getByRole('status')).toContainText("identity provider is the provider's");
  // The device remembers the tenant: its providers are on the plain login page too.
  await page.goto('/login');
  await page.getByRole('button', { name: 'Log in with Initech IdP' }).click();
  // No password at the provider this time: straight back to the CRM start page.
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${initech.users.olga.name}` })).toBeVisible();
});

test('"existing active users only" refuses an unknown and a deactivated user', async ({ browser }) => {
  for (const [account, says] of [
    [idp.stranger, `There is no active user for ${idp.stranger.email} in Initech`],
    [idp.gone, 'Your account is not active'],
  ] as const) {
    const page = await (await browser.newContext()).newPage();
    await page.goto('/t/initech/login');
    await page.getByRole('button', { name: 'Log in with Initech IdP' }).click();
    await signInAtProvider(page, account);
    await expect(page.getByRole('alert')).toContainText(says);
    await page.getByRole('link', { name: 'Back to log in' }).click();
    await expect(page).toHaveURL(/\/t\/initech\/login$/);
  }
});

test('"create the user on first login" creates the user, who then gets a password by email', async ({ page }) => {
  await page.goto('/t/hooli/login');
  await page.getByRole('button', { name: 'Log in with Hooli IdP' }).click();
  await signInAtProvider(page, idp.newbie);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${idp.newbie.name}` })).toBeVisible();
  expect(frontdoor(['user', 'list', '--tenant', 'hooli'])).toContain(idp.newbie.email);
  await logOut(page);

  // Nobody knows the random password: "Forgot your password?" gives them one of their own.
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email address').fill(idp.newbie.email);
  await page.getByRole('button', { name: 'Reset Password' }).click();
  await expect(page.getByText('Check your email.')).toBeVisible();
  const [mail] = await mailsTo(idp.newbie.email);
  await page.goto(linkIn(mail, '/reset-password'));
  const chosen = 'Velvet-Harbor-Compass-58';
  await page.getByLabel('Password', { exact: true }).fill(chosen);
  await page.getByLabel('Repeat password').fill(chosen);
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(page.getByText('Your password is changed.')).toBeVisible();
  await page.getByLabel('User ID').fill(idp.newbie.email);
  await page.getByLabel('Password', { exact: true }).fill(chosen);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${idp.newbie.name}` })).toBeVisible();
});

test('an invitation is activated with the provider, from the email', async ({ page }) => {
  frontdoor(['user', 'invite', '--tenant', 'initech', '--email', initech.invited.login, '--name', initech.invited.name]);
  const [mail] = await mailsTo(initech.invited.login);
  await page.goto(linkIn(mail, '/activate'));
  await expect(page.getByRole('heading', { name: 'Activate account' })).toBeVisible();
  // Password login is on in Initech: the password fields are offered too.
  await expect(page.getByLabel('Confirm password')).toBeVisible();
  await page.getByRole('button', { name: 'Activate with Initech IdP' }).click();
  await signInAtProvider(page, idp.ivy);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${initech.invited.name}` })).toBeVisible();
  expect(frontdoor(['user', 'list', '--tenant', 'initech'])).toMatch(new RegExp(`${initech.invited.login}\\s.*active`));
});

test('home-realm discovery: a user ID of the domain goes to its provider without a password', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('User ID').fill(umbrella.users.uma.login);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await signInAtProvider(page, idp.uma);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${umbrella.users.uma.name}` })).toBeVisible();
});

test('cancelling at the provider comes back to a clear page and the way to log in', async ({ page }) => {
  await page.goto('/t/initech/login');
  await page.getByRole('button', { name: 'Log in with Initech IdP' }).click();
  await expect(page).toHaveURL(new RegExp(`^${idpIssuer}/interaction/`));
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toHaveText('You cancelled logging in at Initech IdP. Nothing has changed.');
  await page.getByRole('link', { name: 'Back to log in' }).click();
  await expect(page.getByRole('button', { name: 'Log in with Initech IdP' })).toBeVisible();
});

test('an address outside the provider\'s domain proves the account once, and is linked from then on', async ({ page }) => {
  const lee = initech.users.lee;
  await page.goto('/t/initech/login');
  await page.getByRole('button', { name: 'Log in with Initech IdP' }).click();
  await signInAtProvider(page, idp.lee);
  // The provider answers for initech.test only: the existing account is proven first.
  await expect(page.getByRole('heading', { name: 'Link your account' })).toBeVisible();
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Link account' }).click();
  await expect(page.getByRole('alert')).toHaveText('That password is not right.');
  await page.getByLabel('Password').fill(lee.password);
  await page.getByRole('button', { name: 'Link account' }).click();
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${lee.name}` })).toBeVisible();
  const [mail] = await mailsTo(lee.login);
  expect(mail.subject).toContain('A new sign-in method was linked');

  // Linked now: the provider's session brings them straight in.
  await logOut(page);
  await page.goto('/t/initech/login');
  await page.getByRole('button', { name: 'Log in with Initech IdP' }).click();
  await expect(page).toHaveURL(/\/crm$/);
});
