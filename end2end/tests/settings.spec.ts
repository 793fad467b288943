import { expect, Page, test } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { frontdoor, hydrated, linkIn, logIn, mailsTo, users } from './fixtures';
import { ActivatePage, LoginPage, names, PersonalMenu, SettingsLoginPage, UsersPage } from '../kit';

const n = names.en;

// One administrator, one Terms history: these journeys run in order.
test.describe.configure({ mode: 'serial' });

function publishTerms(markdown: string) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'terms-')), 'terms.md');
  fs.writeFileSync(file, markdown);
  frontdoor(['terms', 'publish', '--file', file]);
}

/** Settings and maintenance from its address: it sends a browser with no session to its login. */
async function openSettings(page: Page): Promise<SettingsLoginPage> {
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/settings\/login\?next=/);
  return new SettingsLoginPage(page);
}

test('the first login after new Terms shows them once: Accept, OK, then Users', async ({ page, browser }) => {
  publishTerms('# Amendment\n\nSettings and maintenance logs **every** administrator action.');
  // From the CRM navigator, with a live CRM session: Settings asks for the password anyway.
  await logIn(page, users.boss);
  await page.getByRole('navigation', { name: n.navigator }).getByRole('link', { name: n.settingsAndMaintenance }).click();
  await expect(page).toHaveURL(/\/settings\/login/);
  const settings = new SettingsLoginPage(page);
  await settings.logIn(users.boss.login, users.boss.password);

  const dialog = settings.termsDialog;
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('every', { exact: true })).toBeVisible();
  // OK does nothing until Accept is ticked.
  await dialog.getByRole('button', { name: n.ok }).click();
  await expect(dialog).toBeVisible();
  await expect(page).toHaveURL(/\/settings\/terms$/);
  await settings.acceptTerms();
  await settings.go('users');
  await expect(page.getByRole('heading', { name: n.users })).toBeVisible();
  await expect(new UsersPage(page).row(users.boss.login)).toBeVisible();

  // A second login: no dialog.
  const second = await openSettings(await browser.newPage());
  await second.logIn(users.boss.login, users.boss.password);
  await expect(second.page).toHaveURL(/\/settings$/);
  await expect(second.termsDialog).toHaveCount(0);
  await expect(second.navigation.getByRole('link', { name: n.roles })).toBeVisible();
  await expect(second.navigation.getByRole('link', { name: n.auditLog })).toBeVisible();

  // A new version brings it back, once.
  publishTerms('# Amendment two\n\nNew wording.');
  const third = await openSettings(await browser.newPage());
  await third.logIn(users.boss.login, users.boss.password);
  await third.acceptTerms();
  const fourth = await openSettings(await browser.newPage());
  await fourth.logIn(users.boss.login, users.boss.password);
  await expect(fourth.page).toHaveURL(/\/settings$/);
  await expect(fourth.termsDialog).toHaveCount(0);

  // The acceptances are in the audit log.
  await fourth.go('auditLog');
  await fourth.page.getByLabel('Kind').selectOption('terms.accept');
  await fourth.page.getByRole('button', { name: 'Filter' }).click();
  await expect(fourth.page.getByRole('row').filter({ hasText: 'version 2' })).toHaveCount(1);
  await expect(fourth.page.getByRole('row').filter({ hasText: 'version 1' })).toHaveCount(1);
});

test('an invited user activates, is deactivated, and is out at their next click', async ({ page, browser }) => {
  const email = `newcomer-${Date.now()}@acme.test`;
  const settings = await openSettings(page);
  await settings.logIn(users.boss.login, users.boss.password);
  await expect(page).toHaveURL(/\/settings$/);
  await settings.go('users');
  const usersPage = new UsersPage(page);
  await usersPage.invite({ name: 'Nina Newcomer', email, role: 'User', language: 'English' });
  await expect(page.getByRole('status')).toHaveText('The invitation is on its way.');
  await usersPage.search('newcomer');
  await expect(usersPage.row(email)).toContainText(n.invited);

  // The invitation, through the real SMTP receiver.
  const [mail] = await mailsTo(email);
  const newcomer = await browser.newPage();
  const activate = new ActivatePage(newcomer);
  await activate.open(linkIn(mail, '/activate'));
  await hydrated(newcomer);
  const password = 'Granite-Lantern-Orchid-88';
  await activate.activate(password);
  await expect(newcomer.getByRole('heading', { name: 'Welcome, Nina Newcomer' })).toBeVisible();

  await page.reload();
  await expect(usersPage.row(email)).toContainText(n.active);
  await usersPage.act(email, 'deactivate');
  await expect(page.getByRole('status')).toHaveText('The user is deactivated and logged out everywhere.');
  await expect(usersPage.row(email)).toContainText(n.deactivated);

  // Their open browser is on the login page at its next click, and they cannot log in.
  await new PersonalMenu(newcomer).go('sessions');
  await expect(newcomer).toHaveURL(/\/login/);
  await new LoginPage(newcomer).logIn(email, password);
  await expect(newcomer.getByRole('alert')).toContainText('Your account is not active');
});

test('a user of role "User" sees no Settings and maintenance and cannot open it', async ({ page }) => {
  await logIn(page, users.ada);
  const navigator = page.getByRole('navigation', { name: n.navigator });
  await expect(navigator.getByRole('link', { name: 'CRM' })).toBeVisible();
  await expect(navigator.getByRole('link', { name: n.settingsAndMaintenance })).toHaveCount(0);
  const settings = await openSettings(page);
  await settings.logIn(users.ada.login, users.ada.password);
  await expect(page.getByRole('alert')).toHaveText(
    'Your role does not include Settings and maintenance. Contact your administrator.',
  );
  await page.goto('/settings/users');
  await expect(page).toHaveURL(/\/settings\/login/);
});

test('Settings and maintenance on a phone: the navigation and the users fit', async ({ browser }) => {
  const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
  const settings = await openSettings(phone);
  await settings.logIn(users.boss.login, users.boss.password);
  await settings.go('users');
  await expect(new UsersPage(phone).row(users.boss.login)).toBeVisible();
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  await new PersonalMenu(phone).logOut();
  await expect(phone).toHaveURL(/\/settings\/login\?notice=logged-out/);
});
