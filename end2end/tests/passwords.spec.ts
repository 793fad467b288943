import { test, expect } from '@playwright/test';
import { frontdoor, hydrated, linkIn, logIn, mailsTo, users } from './fixtures';
import { ActivatePage, ChangePasswordPage, ForgotPasswordPage, LoginPage, names, PersonalMenu } from '../kit';

const n = names.en;
const strong = 'violet canyon drifts over seven lanterns';

async function invite(email: string, name: string, language = 'en') {
  frontdoor(['user', 'invite', '--tenant', 'acme', '--email', email, '--name', name, '--language', language]);
  const [mail] = await mailsTo(email);
  return mail;
}

test('an invitation email leads to an activated account, with a live strength meter', async ({ page }) => {
  const mail = await invite('invitee@acme.test', 'Ingrid Invitee');
  expect(mail.subject).toContain('Activate your account');
  expect(mail.html).toContain('Activate now');

  // Open the email itself and click its button, as a person would.
  await page.setContent(mail.html);
  await page.getByRole('link', { name: 'Activate now' }).click();
  await expect(page).toHaveURL(/\/activate$/); // the token has left the address bar
  await expect(page.getByRole('heading', { name: 'Activate account' })).toBeVisible();
  await hydrated(page);

  const activate = new ActivatePage(page);
  const password = page.getByLabel(n.password, { exact: true });
  await password.pressSequentially('password1');
  await expect(activate.strength).toHaveText('Weak');
  await expect(page.getByText('This is a very common password.')).toBeVisible();
  await password.fill('');
  await password.pressSequentially(strong);
  await expect(activate.strength).toHaveText('Strong');
  await expect(activate.strength).toHaveAttribute('aria-valuenow', '4');

  await activate.activate(strong);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: 'Welcome, Ingrid Invitee' })).toBeVisible();
});

test('the login page downloads neither the password bundle nor the estimator; the activation page does', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', (request) => {
    if (/\.(wasm|js)$/.test(new URL(request.url()).pathname)) fetched.push(new URL(request.url()).pathname);
  });
  await new LoginPage(page).goto();
  await hydrated(page);
  expect(fetched).toContain('/pkg/frontend_bg.wasm');
  expect(fetched.filter((p) => p.startsWith('/pkg/passwords/'))).toEqual([]);

  fetched.length = 0;
  const mail = await invite('bundle@acme.test', 'Bruno Bundle');
  await new ActivatePage(page).open(linkIn(mail, '/activate'));
  await hydrated(page);
  // Only the estimator knows this warning, so seeing it proves the worker ran.
  await page.getByLabel(n.password, { exact: true }).pressSequentially('password1');
  await expect(page.getByText('This is a very common password.')).toBeVisible();
  // The worker's own requests are reported to the page a moment later.
  await expect.poll(() => fetched).toContain('/pkg/passwords/strength_bg.wasm');
  expect(fetched).toContain('/pkg/passwords/frontend-passwords_bg.wasm');
  expect(fetched).not.toContain('/pkg/frontend_bg.wasm');
});

test('activation works with JavaScript disabled, and the server enforces the policy', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const mail = await invite('nojs-invitee@acme.test', 'Nadia Nojs');
  const activate = new ActivatePage(page);
  await activate.open(linkIn(mail, '/activate'));
  // A refused password stays on the page (the kit's activate() waits for it to move on).
  await page.getByLabel(n.password, { exact: true }).fill('qwertyuiop');
  await page.getByLabel(n.confirmPassword).fill('qwertyuiop');
  await page.getByRole('button', { name: n.activate, exact: true }).click();
  await expect(page.getByText('This password is too easy to guess.')).toBeVisible();
  await activate.activate(strong);
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: 'Welcome, Nadia Nojs' })).toBeVisible();
  await context.close();
});

test('the Dutch activation email and page are in Dutch', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'nl-NL' });
  const page = await context.newPage();
  const mail = await invite('jan@acme.test', 'Jan Jansen', 'nl');
  expect(mail.subject).toContain('Activeer uw account');
  expect(mail.text).toContain('Nu activeren');
  const activate = new ActivatePage(page, { lang: 'nl' });
  await activate.open(linkIn(mail, '/activate'));
  await expect(page.getByRole('heading', { name: 'Account activeren' })).toBeVisible();
  await hydrated(page);
  const password = page.getByLabel(names.nl.password, { exact: true });
  await password.pressSequentially('password1');
  await expect(activate.strength).toHaveText('Zwak');
  await password.fill('');
  await password.pressSequentially(strong);
  await expect(activate.strength).toHaveText('Sterk');
  await activate.activate(strong);
  await expect(page.getByRole('heading', { name: 'Welkom, Jan Jansen' })).toBeVisible();
  await context.close();
});

test('forgot password: email, reset, log in with the new password; the used link is refused', async ({ page }) => {
  const user = users.resetter;
  const login = new LoginPage(page);
  await login.goto();
  await login.forgotPassword();
  const forgot = new ForgotPasswordPage(page);
  await forgot.request(user.login);
  await expect(page.getByText('Check your email.')).toBeVisible();

  const [mail] = await mailsTo(user.login);
  const link = linkIn(mail, '/reset-password');
  await forgot.openResetLink(link);
  await expect(page.getByRole('heading', { name: 'Reset password' })).toBeVisible();
  await forgot.choose(strong);
  await expect(page.getByText('Your password is changed. Log in with your new password.')).toBeVisible();

  await logIn(page, { ...user, password: strong });
  await expect(page).toHaveURL(/\/crm$/);
  const notices = await mailsTo(user.login, 2);
  expect(notices[1].subject).toBe('Your password was changed');

  await forgot.openResetLink(link);
  await expect(page.getByRole('heading', { name: 'This link is no longer valid' })).toBeVisible();
});

test('change password under Personal settings', async ({ page }) => {
  const user = users.changer;
  await logIn(page, user);
  await expect(page).toHaveURL(/\/crm$/);
  await new PersonalMenu(page).go('changePassword');
  const change = new ChangePasswordPage(page);
  await change.change('not my password', strong);
  await expect(page.getByText('The current password is not right.')).toBeVisible();

  await change.change(user.password, strong);
  await expect(page.getByText('Your password is changed.')).toBeVisible();
  const [notice] = await mailsTo(user.login);
  expect(notice.subject).toBe('Your password was changed');
});
