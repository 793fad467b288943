/**
 * The contract as a suite: the accessible names of DESIGN.md's table, in English and Dutch,
 * against any running Frontdoor (`FRONTDOOR_URL=… npx playwright test --project contract`).
 * Read-only by default; with a test key (`FRONTDOOR_TEST_KEY_FILE` or `FRONTDOOR_TEST_KEY`) it
 * also signs a test user in through the login form and walks the signed-in pages and the
 * password reset journey. A release that fails it is a breaking change CHANGELOG.md names.
 */
import { expect, test } from '@playwright/test';
import * as path from 'path';
import { existsSync } from 'fs';
import { FrontdoorApi, ForgotPasswordPage, Lang, LoginPage, names, PersonalMenu } from '../kit';

// In this repository's own run: the suite's instance in test mode.
const ownKey = path.resolve(__dirname, '..', '.run', 'kit', 'test.key');
if (!process.env.FRONTDOOR_URL && !process.env.FRONTDOOR_TEST_KEY_FILE && existsSync(ownKey)) {
  process.env.FRONTDOOR_TEST_KEY_FILE = ownKey;
}
const withKey = Boolean(process.env.FRONTDOOR_TEST_KEY ?? process.env.FRONTDOOR_TEST_KEY_FILE);
const PASSWORD = 'Tulip-Orbit-Canyon-4711';
const NEW_PASSWORD = 'Harbor-Willow-Comet-9930';

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
      const login = `contract-${lang}@contract.test`;
      test.beforeAll(async ({ baseURL }) => {
        await FrontdoorApi.fromEnv(process.env.FRONTDOOR_URL ?? baseURL).createUser({ tenant: 'contract', tenantName: 'Contract', login, name: 'Connie Tract', password: PASSWORD });
      });

      test('log in through the form; CRM start page; Personal settings', async ({ page }) => {
        const form = new LoginPage(page, { lang });
        await form.goto();
        await form.logIn(login, PASSWORD);
        const navigator = page.getByRole('navigation', { name: n.navigator });
        await expect(navigator.getByRole('link', { name: n.service })).toBeVisible();
        await new PersonalMenu(page, { lang }).open();
        for (const item of [n.changePassword, n.sessions]) {
          await expect(page.getByRole('link', { name: item })).toBeVisible();
        }
        await new PersonalMenu(page, { lang }).go('changePassword');
        await expect(page.getByLabel(n.currentPassword)).toBeVisible();
        await expect(page.getByLabel(n.newPassword)).toBeVisible();
        await expect(page.getByLabel(n.confirmPassword)).toBeVisible();
        await expect(page.getByRole('meter', { name: n.passwordStrength })).toBeAttached();
        await expect(page.getByRole('button', { name: n.ok, exact: true })).toBeVisible();
      });

      test('forgot password: the mail, the reset page, the new password', async ({ page, baseURL }) => {
        const api = FrontdoorApi.fromEnv(process.env.FRONTDOOR_URL ?? baseURL);
        const since = Date.now();
        const forgot = new ForgotPasswordPage(page, { lang });
        await forgot.goto();
        await forgot.request(login);
        const link = (await api.waitForMail(login, since)).links.find((l) => l.includes('/reset-password/'));
        expect(link).toBeTruthy();
        await forgot.openResetLink(link!);
        await expect(page.getByLabel(n.password, { exact: true })).toBeVisible();
        await expect(page.getByLabel(n.repeatPassword)).toBeVisible();
        await expect(page.getByRole('meter', { name: n.passwordStrength })).toBeAttached();
        await forgot.choose(NEW_PASSWORD);
        const form = new LoginPage(page, { lang });
        await form.goto();
        await form.logIn(login, NEW_PASSWORD);
        await expect(page).toHaveURL(/\/crm$/);
      });
    });
  });
}
