/**
 * The contract as a suite: the accessible names of DESIGN.md's table, in English and Dutch,
 * against any running Frontdoor (`FRONTDOOR_URL=… npx playwright test --project contract`).
 * Read-only by default; with a test key (`FRONTDOOR_TEST_KEY_FILE` or `FRONTDOOR_TEST_KEY`) it
 * also walks the journeys with test users: login, the CRM start page and Personal settings,
 * Sessions, the Service hand-off, Settings and maintenance (Terms, Users, an invitation and its
 * activation), forgot/reset, Reset login across two tenants, logging out on a phone, two-step
 * verification and passkeys. A release that fails it is a breaking change CHANGELOG.md names.
 *
 * `FRONTDOOR_LANGUAGE` (default `en`) is the language the instance was started in
 * (`frontdoor serve --language`): what a browser asking for neither language is shown.
 */
import { Browser, expect, Page, test as base } from '@playwright/test';
import * as path from 'path';
import { existsSync, readFileSync } from 'fs';
import {
  addVirtualAuthenticator,
  ActivatePage,
  ChangePasswordPage,
  ForgotPasswordPage,
  FrontdoorApi,
  Lang,
  LoginPage,
  names,
  PasskeysPage,
  PersonalMenu,
  ResetLoginPage,
  ServiceHandoff,
  SessionsPage,
  SettingsLoginPage,
  TwoStepPage,
  TwoStepSettingsPage,
  UsersPage,
} from '../kit';

export type ContractOptions = { instanceLanguage: Lang };

const test = base.extend<ContractOptions>({
  instanceLanguage: [(process.env.FRONTDOOR_LANGUAGE as Lang | undefined) ?? 'en', { option: true }],
});

// In this repository's own run: the suite's instances in test mode.
const ownKey = (instance: string) => path.resolve(__dirname, '..', '.run', instance, 'test.key');
const withKey =
  Boolean(process.env.FRONTDOOR_TEST_KEY ?? process.env.FRONTDOOR_TEST_KEY_FILE) ||
  (!process.env.FRONTDOOR_URL && existsSync(ownKey('kit')));

/**
 * The instance's test API: against `FRONTDOOR_URL`, the key from the environment; in this
 * repository's own run, the instance's own key file (whatever another spec in the same worker
 * put into the environment for its instance).
 */
function api(baseURL: string, instance: string): FrontdoorApi {
  if (process.env.FRONTDOOR_URL) return FrontdoorApi.fromEnv(process.env.FRONTDOOR_URL);
  return new FrontdoorApi(baseURL, readFileSync(ownKey(instance), 'utf8').trim());
}

const PASSWORD = 'Tulip-Orbit-Canyon-4711';
const NEW_PASSWORD = 'Harbor-Willow-Comet-9930';
const TENANT = 'contract';
const TENANT_NAME = 'Contract';
const ADMIN_ROLE = 'User level 0';
const isIpAddress = (url: string) => /^\[?[\d.:]+\]?$/.test(new URL(url).hostname);

test('a browser asking for neither language is shown the instance’s own', async ({ browser, baseURL, instanceLanguage }) => {
  const context = await browser.newContext({ baseURL, locale: 'de-DE' });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('lang', instanceLanguage);
  await expect(page.getByLabel(names[instanceLanguage].userId)).toBeVisible();
  await context.close();
});

for (const lang of ['en', 'nl'] as Lang[]) {
  const n = names[lang];
  test.describe(`contract (${lang})`, () => {
    test.use({ locale: lang === 'nl' ? 'nl-NL' : 'en-GB' });

    test('Login', async ({ page }) => {
      await page.goto('/login');
      await expect(page.getByLabel(n.userId)).toBeVisible();
      await expect(page.getByLabel(n.password, { exact: true })).toBeVisible();
      await expect(page.getByRole('button', { name: n.logIn, exact: true })).toBeVisible();
      await expect(page.getByRole('link', { name: n.forgotPassword })).toBeVisible();
      await expect(page.getByRole('link', { name: n.resetLogin })).toBeVisible();
    });

    test('Forgot password', async ({ page }) => {
      await page.goto('/forgot-password');
      await expect(page.getByLabel(n.emailAddress)).toBeVisible();
      await expect(page.getByRole('button', { name: n.resetPasswordButton })).toBeVisible();
    });

    test('Reset login', async ({ page }) => {
      await page.goto('/reset-login');
      await expect(page.getByLabel(n.emailAddress)).toBeVisible();
      await expect(page.getByRole('button', { name: n.continue })).toBeVisible();
    });

    test('Settings and maintenance login', async ({ page }) => {
      await page.goto('/settings/login');
      await expect(page.getByLabel(n.userId)).toBeVisible();
      await expect(page.getByLabel(n.password, { exact: true })).toBeVisible();
      await expect(page.getByRole('button', { name: n.ok, exact: true })).toBeVisible();
    });

    test.describe('with a test key', () => {
      test.skip(!withKey, 'no test key: the read-only part only');
      /** A fresh test user of the contract tenant for one journey (its own: journeys run in parallel). */
      async function testUser(baseURL: string, instance: string, journey: string, role?: string) {
        const login = `${journey}-${lang}@contract.test`;
        await api(baseURL, instance).createUser({ tenant: TENANT, tenantName: TENANT_NAME, login, name: 'Connie Tract', password: PASSWORD, role });
        return login;
      }
      async function logIn(page: Page, login: string, password = PASSWORD) {
        const form = new LoginPage(page, { lang });
        await form.goto();
        await form.logIn(login, password);
        await expect(page.getByRole('navigation', { name: n.navigator })).toBeVisible();
      }

      test('CRM start page, Personal settings, Change password', async ({ page, baseURL, instanceLanguage }) => {
        const login = await testUser(baseURL!, instanceName(instanceLanguage), 'start');
        await logIn(page, login);
        const navigator = page.getByRole('navigation', { name: n.navigator });
        await expect(navigator.getByRole('link', { name: n.service })).toBeVisible();
        // A user of role "User" has no Settings and maintenance.
        await expect(navigator.getByRole('link', { name: n.settingsAndMaintenance })).toHaveCount(0);
        const menu = new PersonalMenu(page, { lang });
        await menu.open();
        for (const item of [n.changePassword, n.sessions]) await expect(page.getByRole('link', { name: item })).toBeVisible();
        await expect(page.getByRole('button', { name: n.logOut })).toBeVisible();
        await menu.go('changePassword');
        const change = new ChangePasswordPage(page, { lang });
        await expect(page.getByLabel(n.currentPassword)).toBeVisible();
        await expect(page.getByLabel(n.newPassword)).toBeVisible();
        await expect(page.getByLabel(n.confirmPassword)).toBeVisible();
        await expect(change.strength).toBeAttached();
        await expect(page.getByRole('button', { name: n.ok, exact: true })).toBeVisible();
      });

      test('Sessions: a row per session, "This session", "Log out", "Log out everywhere else"', async ({ page, browser, baseURL, instanceLanguage }) => {
        const login = await testUser(baseURL!, instanceName(instanceLanguage), 'sessions');
        const other = await signedInElsewhere(browser, baseURL!, instanceName(instanceLanguage), login);
        await logIn(page, login);
        await new PersonalMenu(page, { lang }).go('sessions');
        const sessions = new SessionsPage(page, { lang });
        await expect(sessions.rows).toHaveCount(2);
        await expect(sessions.thisSession).toHaveCount(1);
        await expect(sessions.others.getByRole('button', { name: n.logOut })).toHaveCount(1);
        await expect(page.getByRole('button', { name: n.logOutEverywhereElse })).toBeVisible();
        await sessions.logOutOther();
        await expect(sessions.rows).toHaveCount(1);
        await other.reload();
        await expect(other.getByLabel(n.userId)).toBeVisible();
        await other.context().close();
      });

      test('Service log in: "Service", "Log in", the Dashboard, its own "Log out"', async ({ page, baseURL, instanceLanguage }) => {
        const login = await testUser(baseURL!, instanceName(instanceLanguage), 'service');
        await logIn(page, login);
        await new ServiceHandoff(page, { lang }).open();
        await new PersonalMenu(page, { lang }).logOut();
        await expect(page.getByRole('heading', { name: n.dashboard })).toHaveCount(0);
      });

      test('Settings and maintenance: Terms, Users, an invitation and its activation', async ({ page, browser, baseURL, instanceLanguage }) => {
        const instance = instanceName(instanceLanguage);
        const admin = await testUser(baseURL!, instance, 'admin', ADMIN_ROLE);
        const settings = new SettingsLoginPage(page, { lang });
        await settings.goto();
        await settings.logIn(admin, PASSWORD);
        await expect(settings.termsDialog.or(settings.navigation)).toBeVisible();
        if (await settings.termsDialog.isVisible()) {
          await expect(settings.termsDialog.getByRole('checkbox', { name: n.accept })).toBeVisible();
          await settings.acceptTerms();
        }
        for (const item of [n.users, n.roles, n.auditLog]) await expect(settings.navigation.getByRole('link', { name: item })).toBeVisible();
        await settings.go('users');

        const users = new UsersPage(page, { lang });
        const invitee = `invitee-${lang}-${Date.now()}@contract.test`;
        await page.getByRole('link', { name: n.addUser }).click();
        await expect(page.getByLabel(n.name, { exact: true })).toBeVisible();
        await expect(page.getByLabel(n.emailAddress)).toBeVisible();
        await expect(page.getByRole('combobox', { name: n.role, exact: true })).toBeVisible();
        await expect(page.getByRole('combobox', { name: n.language })).toBeVisible();
        await page.goBack();
        const since = Date.now();
        await users.invite({ name: 'Ivy Invitee', email: invitee });
        await users.search(invitee);
        await expect(users.row(invitee)).toContainText(n.invited);
        await expect(users.row(invitee).getByRole('button', { name: n.resendActivation })).toBeVisible();

        const link = (await api(baseURL!, instance).waitForMail(invitee, since)).links.find((l) => l.includes('/activate/'));
        expect(link).toBeTruthy();
        const newcomer = await browser.newPage({ baseURL, locale: lang === 'nl' ? 'nl-NL' : 'en-GB' });
        const activate = new ActivatePage(newcomer, { lang });
        await activate.open(link!);
        await expect(newcomer.getByLabel(n.password, { exact: true })).toBeVisible();
        await expect(newcomer.getByLabel(n.confirmPassword)).toBeVisible();
        await expect(activate.strength).toBeAttached();
        await activate.activate(NEW_PASSWORD);
        await expect(newcomer.getByRole('navigation', { name: n.navigator })).toBeVisible();
        await newcomer.close();

        await users.search(invitee);
        await expect(users.row(invitee)).toContainText(n.active);
        await expect(users.row(invitee).getByRole('combobox', { name: n.role, exact: true })).toBeVisible();
        await expect(users.row(invitee).getByRole('button', { name: n.endSessions })).toBeVisible();
        await users.act(invitee, 'deactivate');
        await expect(users.row(invitee)).toContainText(n.deactivated);
        await expect(users.row(invitee).getByRole('button', { name: n.activate, exact: true })).toBeVisible();
      });

      test('Forgot password: the mail, the reset page, the new password', async ({ page, baseURL, instanceLanguage }) => {
        const instance = instanceName(instanceLanguage);
        const login = await testUser(baseURL!, instance, 'forgot');
        const since = Date.now();
        const forgot = new ForgotPasswordPage(page, { lang });
        await forgot.goto();
        await forgot.request(login);
        const link = (await api(baseURL!, instance).waitForMail(login, since)).links.find((l) => l.includes('/reset-password/'));
        expect(link).toBeTruthy();
        await forgot.openResetLink(link!);
        await expect(page.getByLabel(n.password, { exact: true })).toBeVisible();
        await expect(page.getByLabel(n.repeatPassword)).toBeVisible();
        await expect(page.getByRole('meter', { name: n.passwordStrength })).toBeAttached();
        await forgot.choose(NEW_PASSWORD);
        await logIn(page, login, NEW_PASSWORD);
        await expect(page).toHaveURL(/\/crm$/);
      });

      test('Reset login: the emailed code, one button per tenant, that tenant’s login', async ({ page, baseURL, instanceLanguage }) => {
        const instance = instanceName(instanceLanguage);
        const login = `two-tenants-${lang}@contract.test`;
        const other = `${TENANT}-two`;
        for (const [tenant, tenantName] of [[TENANT, TENANT_NAME], [other, 'Contract Two']]) {
          await api(baseURL!, instance).createUser({ tenant, tenantName, login, name: 'Connie Tract', password: PASSWORD });
        }
        const since = Date.now();
        const reset = new ResetLoginPage(page, { lang });
        await reset.goto();
        await reset.requestCode(login);
        const code = (await api(baseURL!, instance).waitForMail(login, since)).codes[0];
        expect(code).toMatch(/^\d{8}$/);
        await expect(page.getByLabel(n.code)).toBeVisible();
        await reset.enterCode(code);
        await expect(page.getByRole('button', { name: TENANT_NAME, exact: true })).toBeVisible();
        await reset.chooseTenant('Contract Two');
        await expect(page).toHaveURL(new RegExp(`/t/${other}/login$`));
        await expect(page.getByLabel(n.userId)).toHaveValue(login);
      });

      test.describe('on a phone', () => {
        test.use({ viewport: { width: 390, height: 800 } });

        test('Log out asks "Are you sure?" with "Yes" and "No"', async ({ page, baseURL, instanceLanguage }) => {
          const login = await testUser(baseURL!, instanceName(instanceLanguage), 'phone');
          await logIn(page, login);
          await new PersonalMenu(page, { lang }).open();
          await page.getByRole('link', { name: n.logOut }).click();
          await expect(page.getByRole('heading', { name: n.areYouSure })).toBeVisible();
          await expect(page.getByRole('link', { name: n.no })).toBeVisible();
          await page.getByRole('button', { name: n.yes }).click();
          await expect(page.getByLabel(n.userId)).toBeVisible();
        });
      });

      test('Two-step verification: set up, then "Code", "Verify", "Use a recovery code"', async ({ page, baseURL, instanceLanguage }) => {
        const instance = instanceName(instanceLanguage);
        const login = await testUser(baseURL!, instance, 'two-step');
        const kit = api(baseURL!, instance);
        await logIn(page, login);
        await new PersonalMenu(page, { lang }).go('twoStep');
        const settings = new TwoStepSettingsPage(page, { lang });
        await expect(page.getByRole('button', { name: n.setUp, exact: true })).toBeVisible();
        await settings.setUp(() => kit.authenticatorCode(TENANT, login));
        await expect(page.getByRole('link', { name: n.download })).toBeVisible();
        await settings.savedThem();
        await expect(page.getByRole('button', { name: n.turnOff })).toBeVisible();
        await expect(page.getByRole('button', { name: n.newRecoveryCodes })).toBeVisible();

        await new PersonalMenu(page, { lang }).logOut();
        const form = new LoginPage(page, { lang });
        await form.goto();
        await form.logIn(login, PASSWORD);
        const twoStep = new TwoStepPage(page, { lang });
        await twoStep.expectShown();
        await expect(page.getByRole('link', { name: n.useRecoveryCode })).toBeVisible();
        await twoStep.verify(await kit.authenticatorCode(TENANT, login));
        await expect(page.getByRole('navigation', { name: n.navigator })).toBeVisible();
      });

      test('Passkeys: "Add a passkey", "Rename", "Remove", "Log in with a passkey"', async ({ page, baseURL, instanceLanguage }) => {
        test.skip(isIpAddress(baseURL!), 'WebAuthn needs a domain (localhost will do), not an IP address');
        const login = await testUser(baseURL!, instanceName(instanceLanguage), 'passkeys');
        await addVirtualAuthenticator(page, { autofill: false });
        await logIn(page, login);
        await new PersonalMenu(page, { lang }).go('passkeys');
        const passkeys = new PasskeysPage(page, { lang });
        await passkeys.add('Contract laptop', PASSWORD);
        await expect(page.getByRole('button', { name: n.renamePasskey('Contract laptop') })).toBeVisible();
        await passkeys.rename('Contract laptop', 'Contract desk');
        await expect(page.getByRole('button', { name: n.removePasskey('Contract desk') })).toBeVisible();
        await new PersonalMenu(page, { lang }).logOut();
        const form = new LoginPage(page, { lang });
        await form.goto();
        await form.logInWithPasskey();
        await expect(page.getByRole('navigation', { name: n.navigator })).toBeVisible();
        await new PersonalMenu(page, { lang }).go('passkeys');
        await passkeys.remove('Contract desk');
        await expect(page.getByRole('button', { name: n.removePasskey('Contract desk') })).toHaveCount(0);
      });
    });
  });
}

/** The suite's own instance started in that language (its test key's folder). */
function instanceName(instanceLanguage: Lang): string {
  return instanceLanguage === 'en' ? 'kit' : `kit-${instanceLanguage}`;
}

/** The same test user signed in in another browser, through a minted session. */
async function signedInElsewhere(browser: Browser, baseURL: string, instance: string, login: string): Promise<Page> {
  const minted = await api(baseURL, instance).mint(TENANT, login);
  const context = await browser.newContext({ baseURL, storageState: minted.storageState });
  const page = await context.newPage();
  await page.goto('/crm');
  return page;
}
