import { test, expect } from '@playwright/test';
import { users, tenant, hydrated, logIn } from './fixtures';

test('log in, see the CRM start page, log out', async ({ page }) => {
  await logIn(page, users.ada);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${users.ada.name}` })).toBeVisible();
  await expect(page.getByText(tenant.name)).toBeVisible();
  const navigator = page.getByRole('navigation', { name: 'Navigator' });
  await expect(navigator.getByRole('link', { name: 'Service' })).toBeVisible();
  await expect(navigator.getByRole('link', { name: 'Settings and maintenance' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Personal settings' }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login\?notice=logged-out$/);
  await expect(page.getByRole('status')).toHaveText('You are logged out.');

  // The session is gone on the server: the start page sends us to log in again.
  await page.goto('/crm');
  await expect(page).toHaveURL(/\/login\?next=\/crm$/);
});

test('a wrong password shows the message and keeps the user ID, without reloading', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.evaluate(() => ((window as any).stillTheSamePage = true));
  await page.getByLabel('User ID').fill(users.grace.login);
  await page.getByLabel('Password', { exact: true }).fill('not-her-password');
  await page.getByRole('button', { name: 'Log in' }).click();

  await expect(page.getByRole('alert')).toHaveText('Wrong user ID or password');
  await expect(page.getByLabel('User ID')).toHaveValue(users.grace.login);
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  expect(await page.evaluate(() => (window as any).stillTheSamePage)).toBe(true);

  // An empty field is named before anything is sent.
  await page.getByLabel('User ID').fill('');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Enter your user ID.');
});

test('the hydrated form logs in through the server function', async ({ page }) => {
  await page.goto('/login?next=/crm');
  await hydrated(page);
  const apiCall = page.waitForResponse((r) => r.url().endsWith('/api/login'));
  await page.getByLabel('User ID').fill(users.hydrated.login);
  await page.getByLabel('Password', { exact: true }).fill(users.hydrated.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  expect((await apiCall).status()).toBe(200);
  await expect(page.getByRole('heading', { name: `Welcome, ${users.hydrated.name}` })).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the same login works with plain form posts', async ({ page }) => {
    await page.goto('/crm');
    await expect(page).toHaveURL(/\/login\?next=\/crm$/);
    await page.getByLabel('User ID').fill(users.nojs.login);
    await page.getByLabel('Password', { exact: true }).fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert')).toHaveText('Wrong user ID or password');
    await expect(page.getByLabel('User ID')).toHaveValue(users.nojs.login);

    await page.getByLabel('Password', { exact: true }).fill(users.nojs.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/crm$/);
    await expect(page.getByRole('heading', { name: `Welcome, ${users.nojs.name}` })).toBeVisible();

    await page.getByRole('button', { name: 'Personal settings' }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page.getByText('You are logged out.')).toBeVisible();
  });
});

test('administrators see Settings and maintenance in the navigator', async ({ page }) => {
  await logIn(page, users.admin);
  await expect(page.getByRole('navigation', { name: 'Navigator' }).getByRole('link', { name: 'Settings and maintenance' })).toBeVisible();
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 800 } });

  test('"Log out" asks "Are you sure?" first', async ({ page }) => {
    await logIn(page, users.phone);
    await page.getByRole('button', { name: 'Personal settings' }).click();
    await page.getByRole('link', { name: 'Log out' }).click();
    await expect(page.getByRole('heading', { name: 'Are you sure?' })).toBeVisible();
    await page.getByRole('link', { name: 'No' }).click();
    await expect(page.getByRole('heading', { name: `Welcome, ${users.phone.name}` })).toBeVisible();

    await page.getByRole('button', { name: 'Personal settings' }).click();
    await page.getByRole('link', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Yes' }).click();
    await expect(page.getByRole('status')).toHaveText('You are logged out.');
  });
});
