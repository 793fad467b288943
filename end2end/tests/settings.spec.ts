import { expect, Page, test } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { frontdoor, hydrated, linkIn, logIn, mailsTo, User, users } from './fixtures';

// One administrator, one Terms history: these journeys run in order.
test.describe.configure({ mode: 'serial' });

function publishTerms(markdown: string) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'terms-')), 'terms.md');
  fs.writeFileSync(file, markdown);
  frontdoor(['terms', 'publish', '--file', file]);
}

/** Opens Settings and maintenance from its address and logs in with "User ID", "Password", "OK". */
async function settingsLogIn(page: Page, user: User) {
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/settings\/login\?next=/);
  await page.getByLabel('User ID').fill(user.login);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'OK' }).click();
}

const termsDialog = (page: Page) => page.getByRole('dialog', { name: 'Terms of Service amendment' });
const settingsNav = (page: Page) => page.getByRole('navigation', { name: 'Settings and maintenance' });

test('the first login after new Terms shows them once: Accept, OK, then Users', async ({ page, browser }) => {
  publishTerms('# Amendment\n\nSettings and maintenance logs **every** administrator action.');
  // From the CRM navigator, with a live CRM session: Settings asks for the password anyway.
  await logIn(page, users.boss);
  await page.getByRole('navigation', { name: 'Navigator' }).getByRole('link', { name: 'Settings and maintenance' }).click();
  await expect(page).toHaveURL(/\/settings\/login/);
  await page.getByLabel('User ID').fill(users.boss.login);
  await page.getByLabel('Password', { exact: true }).fill(users.boss.password);
  await page.getByRole('button', { name: 'OK' }).click();

  const dialog = termsDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('every', { exact: true })).toBeVisible();
  // OK does nothing until Accept is ticked.
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog).toBeVisible();
  await expect(page).toHaveURL(/\/settings\/terms$/);
  await dialog.getByRole('checkbox', { name: 'Accept' }).check();
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog).toHaveCount(0);
  await settingsNav(page).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await expect(page.getByRole('table').getByRole('row').filter({ hasText: users.boss.login })).toBeVisible();

  // A second login: no dialog.
  const second = await browser.newPage();
  await settingsLogIn(second, users.boss);
  await expect(second).toHaveURL(/\/settings$/);
  await expect(termsDialog(second)).toHaveCount(0);
  await expect(settingsNav(second).getByRole('link', { name: 'Roles' })).toBeVisible();
  await expect(settingsNav(second).getByRole('link', { name: 'Audit log' })).toBeVisible();

  // A new version brings it back, once.
  publishTerms('# Amendment two\n\nNew wording.');
  const third = await browser.newPage();
  await settingsLogIn(third, users.boss);
  await termsDialog(third).getByRole('checkbox', { name: 'Accept' }).check();
  await termsDialog(third).getByRole('button', { name: 'OK' }).click();
  await expect(termsDialog(third)).toHaveCount(0);
  const fourth = await browser.newPage();
  await settingsLogIn(fourth, users.boss);
  await expect(fourth).toHaveURL(/\/settings$/);
  await expect(termsDialog(fourth)).toHaveCount(0);

  // The acceptances are in the audit log.
  await settingsNav(fourth).getByRole('link', { name: 'Audit log' }).click();
  await fourth.getByLabel('Kind').selectOption('terms.accept');
  await fourth.getByRole('button', { name: 'Filter' }).click();
  await expect(fourth.getByRole('row').filter({ hasText: 'version 2' })).toHaveCount(1);
  await expect(fourth.getByRole('row').filter({ hasText: 'version 1' })).toHaveCount(1);
});

test('an invited user activates, is deactivated, and is out at their next click', async ({ page, browser }) => {
  const email = `newcomer-${Date.now()}@acme.test`;
  await settingsLogIn(page, users.boss);
  await expect(page).toHaveURL(/\/settings$/);
  await settingsNav(page).getByRole('link', { name: 'Users' }).click();
  await page.getByRole('link', { name: 'Add user' }).click();
  await page.getByLabel('Name').fill('Nina Newcomer');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('combobox', { name: 'Role' }).selectOption({ label: 'User' });
  await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'English' });
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status')).toHaveText('The invitation is on its way.');
  await page.getByRole('searchbox', { name: 'Search' }).fill('newcomer');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('row').filter({ hasText: email })).toContainText('Invited');

  // The invitation, through the real SMTP receiver.
  const [mail] = await mailsTo(email);
  const newcomer = await browser.newPage();
  await newcomer.goto(linkIn(mail, '/activate'));
  await hydrated(newcomer);
  const password = 'Granite-Lantern-Orchid-88';
  await newcomer.getByLabel('Password', { exact: true }).fill(password);
  await newcomer.getByLabel('Confirm password').fill(password);
  await newcomer.getByRole('button', { name: 'Activate' }).click();
  await expect(newcomer.getByRole('heading', { name: 'Welcome, Nina Newcomer' })).toBeVisible();

  await page.reload();
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toContainText('Active');
  await row.getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.getByRole('status')).toHaveText('The user is deactivated and logged out everywhere.');
  await expect(page.getByRole('row').filter({ hasText: email })).toContainText('Deactivated');

  // Their open browser is on the login page at its next click, and they cannot log in.
  await newcomer.getByRole('button', { name: 'Personal settings' }).click();
  await newcomer.getByRole('link', { name: 'Sessions' }).click();
  await expect(newcomer).toHaveURL(/\/login/);
  await newcomer.getByLabel('User ID').fill(email);
  await newcomer.getByLabel('Password', { exact: true }).fill(password);
  await newcomer.getByRole('button', { name: 'Log in' }).click();
  await expect(newcomer.getByRole('alert')).toContainText('Your account is not active');
});

test('a user of role "User" sees no Settings and maintenance and cannot open it', async ({ page }) => {
  await logIn(page, users.ada);
  const navigator = page.getByRole('navigation', { name: 'Navigator' });
  await expect(navigator.getByRole('link', { name: 'CRM' })).toBeVisible();
  await expect(navigator.getByRole('link', { name: 'Settings and maintenance' })).toHaveCount(0);
  await settingsLogIn(page, users.ada);
  await expect(page.getByRole('alert')).toHaveText(
    'Your role does not include Settings and maintenance. Contact your administrator.',
  );
  await page.goto('/settings/users');
  await expect(page).toHaveURL(/\/settings\/login/);
});

test('Settings and maintenance on a phone: the navigation and the users fit', async ({ browser }) => {
  const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
  await settingsLogIn(phone, users.boss);
  await settingsNav(phone).getByRole('link', { name: 'Users' }).click();
  await expect(phone.getByRole('table').getByRole('row').filter({ hasText: users.boss.login })).toBeVisible();
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  await phone.getByRole('button', { name: 'Personal settings' }).click();
  await phone.getByRole('link', { name: 'Log out' }).click();
  await phone.getByRole('button', { name: 'Yes' }).click();
  await expect(phone).toHaveURL(/\/settings\/login\?notice=logged-out/);
});
