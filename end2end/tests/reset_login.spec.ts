import { test, expect, Page } from '@playwright/test';
import fixtures from '../fixtures.json';
import { users, mailsTo } from './fixtures';

const globex = fixtures.otherTenant.name;

/** Reset login from the login page's link: email, the code from the real SMTP receiver, the tenant. */
async function resetLoginTo(page: Page, user: { login: string }, tenantName: string, mailCount = 1) {
  await page.getByRole('link', { name: 'Reset login' }).click();
  await page.getByLabel('Email address').fill(user.login);
  await page.getByRole('button', { name: 'Continue' }).click();
  const mail = (await mailsTo(user.login, mailCount))[mailCount - 1];
  const code = mail.text.match(/\b\d{8}\b/)?.[0];
  expect(code, mail.text).toBeTruthy();
  await page.getByLabel('Code').fill(code!);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Choose tenant' })).toBeVisible();
  await page.getByRole('button', { name: tenantName }).click();
}

test('one email in two tenants: Reset login → code → Choose tenant → password → that tenant', async ({ page }) => {
  await page.goto('/login');
  await resetLoginTo(page, users.multi, globex);
  await expect(page).toHaveURL(/\/t\/globex\/login$/);
  await expect(page.getByLabel('User ID')).toHaveValue(users.multi.login);
  await page.getByLabel('Password', { exact: true }).fill(users.multi.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText(`You are logged in to ${globex}`)).toBeVisible();

  // This browser remembers the tenant: the next visit to /login opens Globex.
  await page.getByRole('button', { name: 'Personal settings' }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.goto('/login');
  await page.getByLabel('User ID').fill(users.multi.login);
  await page.getByLabel('Password', { exact: true }).fill(users.multi.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText(`You are logged in to ${globex}`)).toBeVisible();
  await expect(page.getByText('also used in other tenants')).toHaveCount(0);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 800 } });

  test('Log out → Yes → Reset login → another tenant', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('User ID').fill(users.multiphone.login);
    await page.getByLabel('Password', { exact: true }).fill(users.multiphone.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    // No tenant named or remembered: the oldest account, and a word about the others.
    await expect(page.getByRole('status')).toContainText('This email address is also used in other tenants');

    await page.getByRole('button', { name: 'Personal settings' }).click();
    await page.getByRole('link', { name: 'Log out' }).click();
    await expect(page.getByRole('heading', { name: 'Are you sure?' })).toBeVisible();
    await page.getByRole('button', { name: 'Yes' }).click();
    await expect(page).toHaveURL(/\/login/);

    await resetLoginTo(page, users.multiphone, globex);
    await expect(page.getByLabel('User ID')).toHaveValue(users.multiphone.login);
    await page.getByLabel('Password', { exact: true }).fill(users.multiphone.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByText(`You are logged in to ${globex}`)).toBeVisible();
  });
});
