import { test, expect } from '@playwright/test';
import fixtures from '../fixtures.json';
import { users, mailsTo } from './fixtures';
import { LoginPage, names, PersonalMenu, ResetLoginPage } from '../kit';

const n = names.en;
const globex = fixtures.otherTenant.name;

/** The code in the message to `login`, from the real SMTP receiver. */
async function emailedCode(login: string): Promise<string> {
  const [mail] = await mailsTo(login);
  const code = mail.text.match(/\b\d{8}\b/)?.[0];
  expect(code, mail.text).toBeTruthy();
  return code!;
}

test('one email in two tenants: Reset login → code → Choose tenant → password → that tenant', async ({ page }) => {
  const login = new LoginPage(page);
  const reset = new ResetLoginPage(page);
  await login.goto();
  await login.resetLogin();
  await reset.requestCode(users.multi.login);
  await reset.enterCode(await emailedCode(users.multi.login));
  await reset.chooseTenant(globex);
  await expect(page).toHaveURL(/\/t\/globex\/login$/);
  await expect(login.userId).toHaveValue(users.multi.login);
  await login.logIn(users.multi.login, users.multi.password);
  await expect(page.getByText(`You are logged in to ${globex}`)).toBeVisible();

  // This browser remembers the tenant: the next visit to /login opens Globex.
  await new PersonalMenu(page).logOut();
  await login.goto();
  await login.logIn(users.multi.login, users.multi.password);
  await expect(page.getByText(`You are logged in to ${globex}`)).toBeVisible();
  await expect(page.getByText('also used in other tenants')).toHaveCount(0);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 800 } });

  test('Log out → Yes → Reset login → another tenant', async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.logIn(users.multiphone.login, users.multiphone.password);
    // No tenant named or remembered: the oldest account, and a word about the others.
    await expect(page.getByRole('status')).toContainText('This email address is also used in other tenants');

    const menu = new PersonalMenu(page);
    await menu.askToLogOut();
    await expect(page.getByRole('heading', { name: n.areYouSure })).toBeVisible();
    await menu.answerLogOut('yes');
    await expect(page).toHaveURL(/\/login/);

    const reset = new ResetLoginPage(page);
    await login.resetLogin();
    await reset.requestCode(users.multiphone.login);
    await reset.enterCode(await emailedCode(users.multiphone.login));
    await reset.chooseTenant(globex);
    await expect(login.userId).toHaveValue(users.multiphone.login);
    await login.logIn(users.multiphone.login, users.multiphone.password);
    await expect(page.getByText(`You are logged in to ${globex}`)).toBeVisible();
  });
});
