import { test, expect } from '@playwright/test';
import { users, tenant, hydrated, logIn } from './fixtures';
import { LoginPage, names, PersonalMenu } from '../kit';

const n = names.en;

/** A mark left on the page's window: gone if the page reloads. */
type Marked = Window & { stillTheSamePage?: boolean };

test('log in, see the CRM start page, log out', async ({ page }) => {
  await logIn(page, users.ada);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${users.ada.name}` })).toBeVisible();
  await expect(page.getByText(tenant.name)).toBeVisible();
  const navigator = page.getByRole('navigation', { name: n.navigator });
  await expect(navigator.getByRole('link', { name: n.service })).toBeVisible();
  await expect(navigator.getByRole('link', { name: n.settingsAndMaintenance })).toHaveCount(0);

  await new PersonalMenu(page).logOut();
  await expect(page).toHaveURL(/\/login\?notice=logged-out$/);
  await expect(page.getByRole('status')).toHaveText('You are logged out.');

  // The session is gone on the server: the start page sends us to log in again.
  await page.goto('/crm');
  await expect(page).toHaveURL(/\/login\?next=\/crm$/);
});

test('a wrong password shows the message and keeps the user ID, without reloading', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await hydrated(page);
  await page.evaluate(() => ((window as Marked).stillTheSamePage = true));
  await login.logIn(users.grace.login, 'not-her-password');

  await expect(page.getByRole('alert')).toHaveText('Wrong user ID or password');
  await expect(login.userId).toHaveValue(users.grace.login);
  await expect(login.password).toHaveValue('');
  expect(await page.evaluate(() => (window as Marked).stillTheSamePage)).toBe(true);

  // An empty field is named before anything is sent.
  await login.logIn('', '');
  await expect(page.getByRole('alert')).toHaveText('Enter your user ID.');
});

test('the hydrated form logs in through the server function', async ({ page }) => {
  await page.goto('/login?next=/crm');
  await hydrated(page);
  const apiCall = page.waitForResponse((r) => r.url().endsWith('/api/login'));
  await new LoginPage(page).logIn(users.hydrated.login, users.hydrated.password);
  expect((await apiCall).status()).toBe(200);
  await expect(page.getByRole('heading', { name: `Welcome, ${users.hydrated.name}` })).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the same login works with plain form posts', async ({ page }) => {
    await page.goto('/crm');
    await expect(page).toHaveURL(/\/login\?next=\/crm$/);
    const login = new LoginPage(page);
    await login.logIn(users.nojs.login, 'wrong password');
    await expect(page.getByRole('alert')).toHaveText('Wrong user ID or password');
    await expect(login.userId).toHaveValue(users.nojs.login);

    await login.logIn(users.nojs.login, users.nojs.password);
    await expect(page).toHaveURL(/\/crm$/);
    await expect(page.getByRole('heading', { name: `Welcome, ${users.nojs.name}` })).toBeVisible();

    await new PersonalMenu(page).logOut();
    await expect(page.getByText('You are logged out.')).toBeVisible();
  });
});

test('administrators see Settings and maintenance in the navigator', async ({ page }) => {
  await logIn(page, users.admin);
  await expect(page.getByRole('navigation', { name: n.navigator }).getByRole('link', { name: n.settingsAndMaintenance })).toBeVisible();
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 800 } });

  test('"Log out" asks "Are you sure?" first', async ({ page }) => {
    await logIn(page, users.phone);
    const menu = new PersonalMenu(page);
    await menu.askToLogOut();
    await expect(page.getByRole('heading', { name: n.areYouSure })).toBeVisible();
    await menu.answerLogOut('no');
    await expect(page.getByRole('heading', { name: `Welcome, ${users.phone.name}` })).toBeVisible();

    await menu.askToLogOut();
    await menu.answerLogOut('yes');
    await expect(page.getByRole('status')).toHaveText('You are logged out.');
  });
});
