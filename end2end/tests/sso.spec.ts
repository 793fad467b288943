import { expect, Page, test } from '@playwright/test';
import fixtures from '../fixtures.json';
import { idpIssuer } from '../playwright.config';
import { frontdoor, linkIn, mailsTo } from './fixtures';
import { ActivatePage, ForgotPasswordPage, LoginPage, names, PersonalMenu } from '../kit';

const n = names.en;

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

/** The login page (a tenant's own, or the plain one), then "Log in with" the provider. */
async function logInWithProvider(page: Page, provider: string, tenant?: string) {
  const login = new LoginPage(page);
  await login.goto(tenant);
  await login.logInWith(provider);
}

test('an existing user logs in with the provider; while that session lasts, one click is enough', async ({ page }) => {
  await logInWithProvider(page, 'Initech IdP', 'initech');
  await signInAtProvider(page, idp.olga);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${initech.users.olga.name}` })).toBeVisible();

  await new PersonalMenu(page).logOut();
  await expect(page.getByRole('status')).toContainText('You are logged out of Frontdoor');
  await expect(page.getByRole('status')).toContainText("identity provider is the provider's");
  // The device remembers the tenant: its providers are on the plain login page too.
  await logInWithProvider(page, 'Initech IdP');
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
    await logInWithProvider(page, 'Initech IdP', 'initech');
    await signInAtProvider(page, account);
    await expect(page.getByRole('alert')).toContainText(says);
    await page.getByRole('link', { name: 'Back to log in' }).click();
    await expect(page).toHaveURL(/\/t\/initech\/login$/);
  }
});

test('"create the user on first login" creates the user, who then gets a password by email', async ({ page }) => {
  await logInWithProvider(page, 'Hooli IdP', 'hooli');
  await signInAtProvider(page, idp.newbie);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${idp.newbie.name}` })).toBeVisible();
  expect(frontdoor(['user', 'list', '--tenant', 'hooli'])).toContain(idp.newbie.email);
  await new PersonalMenu(page).logOut();

  // Nobody knows the random password: "Forgot your password?" gives them one of their own.
  const login = new LoginPage(page);
  const forgot = new ForgotPasswordPage(page);
  await login.forgotPassword();
  await forgot.request(idp.newbie.email);
  await expect(page.getByText('Check your email.')).toBeVisible();
  const [mail] = await mailsTo(idp.newbie.email);
  const chosen = 'Velvet-Harbor-Compass-58';
  await forgot.reset(linkIn(mail, '/reset-password'), chosen);
  await expect(page.getByText('Your password is changed.')).toBeVisible();
  await login.logIn(idp.newbie.email, chosen);
  await expect(page.getByRole('heading', { name: `Welcome, ${idp.newbie.name}` })).toBeVisible();
});

test('an invitation is activated with the provider, from the email', async ({ page }) => {
  frontdoor(['user', 'invite', '--tenant', 'initech', '--email', initech.invited.login, '--name', initech.invited.name]);
  const [mail] = await mailsTo(initech.invited.login);
  await new ActivatePage(page).open(linkIn(mail, '/activate'));
  await expect(page.getByRole('heading', { name: 'Activate account' })).toBeVisible();
  // Password login is on in Initech: the password fields are offered too.
  await expect(page.getByLabel(n.confirmPassword)).toBeVisible();
  await page.getByRole('button', { name: 'Activate with Initech IdP' }).click();
  await signInAtProvider(page, idp.ivy);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${initech.invited.name}` })).toBeVisible();
  expect(frontdoor(['user', 'list', '--tenant', 'initech'])).toMatch(new RegExp(`${initech.invited.login}\\s.*active`));
});

test('home-realm discovery: a user ID of the domain goes to its provider without a password', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.logIn(umbrella.users.uma.login, '');
  await signInAtProvider(page, idp.uma);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${umbrella.users.uma.name}` })).toBeVisible();
});

test('cancelling at the provider comes back to a clear page and the way to log in', async ({ page }) => {
  await logInWithProvider(page, 'Initech IdP', 'initech');
  await expect(page).toHaveURL(new RegExp(`^${idpIssuer}/interaction/`));
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toHaveText('You cancelled logging in at Initech IdP. Nothing has changed.');
  await page.getByRole('link', { name: 'Back to log in' }).click();
  await expect(page.getByRole('button', { name: n.logInWith('Initech IdP') })).toBeVisible();
});

test('an address outside the provider\'s domain proves the account once, and is linked from then on', async ({ page }) => {
  const lee = initech.users.lee;
  await logInWithProvider(page, 'Initech IdP', 'initech');
  await signInAtProvider(page, idp.lee);
  // The provider answers for initech.test only: the existing account is proven first.
  await expect(page.getByRole('heading', { name: 'Link your account' })).toBeVisible();
  await page.getByLabel(n.password).fill('not-the-password');
  await page.getByRole('button', { name: 'Link account' }).click();
  await expect(page.getByRole('alert')).toHaveText('That password is not right.');
  await page.getByLabel(n.password).fill(lee.password);
  await page.getByRole('button', { name: 'Link account' }).click();
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${lee.name}` })).toBeVisible();
  const [mail] = await mailsTo(lee.login);
  expect(mail.subject).toContain('A new sign-in method was linked');

  // Linked now: the provider's session brings them straight in.
  await new PersonalMenu(page).logOut();
  await logInWithProvider(page, 'Initech IdP', 'initech');
  await expect(page).toHaveURL(/\/crm$/);
});
