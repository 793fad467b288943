/**
 * The kit (end2end/kit/) against an instance in test mode: minted sessions and form logins of
 * one user at once, mail per address, two-step verification with readable codes, Dutch.
 */
import { Browser, expect as baseExpect } from '@playwright/test';
import * as path from 'path';
import { readFileSync } from 'fs';
import { FrontdoorApi, LoginPage, ForgotPasswordPage, PersonalMenu, TwoStepPage, TwoStepSettingsPage, test, expect } from '../kit';
import { kitURL } from '../playwright.config';

const PASSWORD = 'Kit-Pass-Orbit-4711';
// The kit's fixtures read the key the way another team's suite would.
process.env.FRONTDOOR_TEST_KEY_FILE = path.resolve(__dirname, '..', '.run', 'kit', 'test.key');
const api = () => new FrontdoorApi(kitURL, readFileSync(path.resolve(__dirname, '..', '.run', 'kit', 'test.key'), 'utf8').trim());

test.use({ baseURL: kitURL });
test.beforeAll(async () => {
  await api().createUser({ tenant: 'kit', tenantName: 'Kit Inc.', login: 'tess@kit.test', name: 'Tess Ter', password: PASSWORD });
});

async function signedInPage(browser: Browser, how: 'minted' | 'form') {
  const context = how === 'minted'
    ? await browser.newContext({ baseURL: kitURL, storageState: (await api().mint('kit', 'tess@kit.test')).storageState })
    : await browser.newContext({ baseURL: kitURL });
  const page = await context.newPage();
  if (how === 'form') {
    await new LoginPage(page).goto();
    await new LoginPage(page).logIn('tess@kit.test', PASSWORD);
  } else {
    await page.goto('/crm');
  }
  await baseExpect(page.getByRole('heading', { name: /Tess Ter/ })).toBeVisible();
  return context;
}

test('8 browsers sign in as one test user at once, minted and through the form, none refused', async ({ browser }) => {
  const ways: ('minted' | 'form')[] = ['minted', 'form', 'minted', 'form', 'minted', 'form', 'minted', 'form'];
  const contexts = await Promise.all(ways.map((how) => signedInPage(browser, how)));
  await Promise.all(contexts.map((c) => c.close()));
});

test('wrong passwords never lock a test user out', async ({ page }) => {
  const login = new LoginPage(page);
  for (let i = 0; i < 5; i++) {
    await login.goto();
    await login.logIn('tess@kit.test', 'not-the-password');
    await expect(page.getByRole('alert')).toBeVisible();
  }
  await login.logIn('tess@kit.test', PASSWORD);
  await expect(page).toHaveURL(/\/crm$/);
});

test.describe('a signed-in page from the fixture', () => {
  test.use({ frontdoor: { user: 'tess@kit.test', tenant: 'kit' } });
  test('opens the CRM with no login page', async ({ page }) => {
    await page.goto('/crm');
    await expect(page.getByRole('heading', { name: /Tess Ter/ })).toBeVisible();
    await expect(page.getByRole('complementary', { name: 'Test mode' })).toBeVisible();
  });
});

test('each test reads its own mail: forgot password, reset, log in', async ({ page }) => {
  const login = `reset-${test.info().workerIndex}-${Date.now()}@kit.test`;
  await api().createUser({ tenant: 'kit', login, password: PASSWORD });
  const since = Date.now();
  const forgot = new ForgotPasswordPage(page);
  await forgot.goto();
  await forgot.request(login);
  const mail = await api().waitForMail(login, since);
  const link = mail.links.find((l) => l.includes('/reset-password/'));
  expect(link, mail.text).toBeTruthy();
  await forgot.reset(link!, 'Brand-New-Canyon-9821');
  const page2 = new LoginPage(page);
  await page2.goto();
  await page2.logIn(login, 'Brand-New-Canyon-9821');
  await expect(page).toHaveURL(/\/crm$/);
});

test('two-step verification with the authenticator code read through the kit', async ({ page }) => {
  const login = `otp-${test.info().workerIndex}-${Date.now()}@kit.test`;
  await api().createUser({ tenant: 'kit', login, password: PASSWORD });
  const login_ = new LoginPage(page);
  await login_.goto();
  await login_.logIn(login, PASSWORD);
  await new PersonalMenu(page).go('twoStep');
  const settings = new TwoStepSettingsPage(page);
  await settings.setUp(() => api().authenticatorCode('kit', login));
  await settings.savedThem();
  await new PersonalMenu(page).logOut();

  await login_.goto();
  await login_.logIn(login, PASSWORD);
  const twoStep = new TwoStepPage(page);
  await twoStep.expectShown();
  await twoStep.verify(await api().authenticatorCode('kit', login));
  await expect(page).toHaveURL(/\/crm$/);

  // A minted session with the second factor given skips the step; without, it starts there.
  const due = await api().mint('kit', login);
  expect(due.secondStep).toBe('verify');
  const given = await api().mint('kit', login, { secondFactor: true });
  expect(given.secondStep).toBeUndefined();
});

test.describe('in Dutch', () => {
  test.use({ locale: 'nl-NL' });
  test('the page objects speak Dutch', async ({ page }) => {
    const login = new LoginPage(page, { lang: 'nl' });
    await login.goto();
    await login.logIn('tess@kit.test', PASSWORD);
    await expect(page).toHaveURL(/\/crm$/);
    await new PersonalMenu(page, { lang: 'nl' }).go('sessions');
    await expect(page).toHaveURL(/\/crm\/sessions$/);
  });
});
