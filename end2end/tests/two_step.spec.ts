import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { createHmac } from 'crypto';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { users, logIn, mailsTo } from './fixtures';
import { LoginPage, names, PersonalMenu, TwoStepPage, TwoStepSettingsPage } from '../kit';

const n = names.en;

/** RFC 6238 as an authenticator app computes it: HMAC-SHA-1, 6 digits, 30-second steps. */
function totp(base32Key: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32Key.replace(/\s+/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

/**
 * A code no login has used: the current time step's, or the next one's (the server accepts one
 * step either side), waiting only when both are used. `used` holds the steps given so far.
 */
async function freshCode(key: string, used: Set<string>): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    const step = Math.max(now, ...[...used].map((s) => Number(s) + 1));
    if (step <= now + 1) {
      used.add(String(step));
      return totp(key, step * 30_000);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function noAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

/**
 * Personal settings → Two-step verification → the kit's "Set up" with a fresh code, checking
 * the QR code (and axe) while the secret is on screen; then "Download" and "I have saved them".
 */
async function setUp(page: Page, used: Set<string>, javaScript = true): Promise<{ key: string; codes: string[] }> {
  await new PersonalMenu(page).go('twoStep');
  await expect(page.getByRole('heading', { name: n.twoStep })).toBeVisible();
  const settings = new TwoStepSettingsPage(page);
  const { secret, recoveryCodes } = await settings.setUp(async (key) => {
    await expect(page.getByRole('img', { name: 'Scan with your authenticator app' })).toBeVisible();
    // axe runs as a script in the page: not where JavaScript is off.
    if (javaScript) await noAxeViolations(page);
    return freshCode(key, used);
  });
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: n.download }).click();
  expect((await download).suggestedFilename()).toBe('frontdoor-recovery-codes.txt');
  await settings.savedThem();
  await expect(page.getByText('10 recovery codes left')).toBeVisible();
  return { key: secret, codes: recoveryCodes };
}

test('an authenticator is set up under Personal settings, then every login asks for its code', async ({ page, browser }) => {
  const used = new Set<string>();
  await logIn(page, users.otto);
  await expect(page).toHaveURL(/\/crm$/);
  const { key } = await setUp(page, used);

  const other = await browser.newContext();
  const second = await other.newPage();
  await logIn(second, users.otto);
  await expect(second).toHaveURL(/\/two-step$/);
  await expect(second.getByRole('heading', { name: n.twoStep })).toBeVisible();
  await noAxeViolations(second);
  const twoStep = new TwoStepPage(second);
  await twoStep.verify('000000');
  await expect(second.getByRole('alert')).toContainText('That code is not right');
  await twoStep.verify(await freshCode(key, used));
  await expect(second).toHaveURL(/\/crm$/);
  await expect(second.getByRole('heading', { name: `Welcome, ${users.otto.name}` })).toBeVisible();
  await other.close();
});

test('a recovery code logs in once, says how many are left, and is emailed', async ({ page, browser }) => {
  const used = new Set<string>();
  await logIn(page, users.rita);
  const { codes } = await setUp(page, used);

  const other = await browser.newContext();
  const second = await other.newPage();
  await logIn(second, users.rita);
  await new TwoStepPage(second).useRecoveryCode();
  await second.getByLabel('Recovery code').fill(codes[0]);
  await second.getByRole('button', { name: n.verify }).click();
  await expect(second).toHaveURL(/\/crm\?notice=recovery-code-used$/);
  await expect(second.getByRole('status')).toContainText('9 recovery codes left');
  const mails = await mailsTo(users.rita.login);
  expect(mails.some((m) => m.subject.includes('recovery code'))).toBe(true);
  await other.close();
});

test('without JavaScript the second step is a plain form', async ({ browser }) => {
  const used = new Set<string>();
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await logIn(page, users.nojs);
  await expect(page).toHaveURL(/\/crm$/);
  const { key } = await setUp(page, used, false);
  const again = await browser.newContext({ javaScriptEnabled: false });
  const second = await again.newPage();
  await logIn(second, users.nojs);
  await new TwoStepPage(second).verify(await freshCode(key, used));
  await expect(second).toHaveURL(/\/crm$/);
  // Turned off again, with the password: the next login needs none.
  const settings = new TwoStepSettingsPage(second);
  await settings.goto();
  await settings.turnOff(users.nojs.password);
  await expect(second.getByRole('status')).toHaveText('Two-step verification is off.');
  await context.close();
  await again.close();
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 800 } });

  test('setting up and the second step fit a narrow screen', async ({ page, browser }) => {
    const used = new Set<string>();
    await logIn(page, users.pia);
    const { key } = await setUp(page, used);
    const other = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const second = await other.newPage();
    await logIn(second, users.pia);
    await expect(second.getByRole('button', { name: n.verify })).toBeVisible();
    const width = await second.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await new TwoStepPage(second).verify(await freshCode(key, used));
    await expect(second).toHaveURL(/\/crm$/);
    await other.close();
  });
});

/** The real command line, with standard input. */
function cli(args: string[], input?: string): string {
  return execFileSync(process.env.FRONTDOOR_BIN!, args, {
    env: { ...process.env, FRONTDOOR_DATA_DIR: path.resolve(__dirname, '..', '.run', 'main'), DATABASE_URL: '' },
    encoding: 'utf8',
    input,
  });
}

test('a tenant that requires it of everyone has people set it up right after their password', async ({ page }) => {
  const used = new Set<string>();
  const newton = { login: 'newton@stark.test', password: 'Required-For-Everyone-3' };
  if (!cli(['tenant', 'list']).includes('stark')) {
    cli(['tenant', 'create', '--slug', 'stark', '--name', 'Stark Industries']);
    cli(['user', 'create', '--tenant', 'stark', '--email', newton.login, '--name', 'Isaac Newton', '--role', 'User', '--password-stdin'], `${newton.password}\n`);
  }
  expect(cli(['tenant', 'set', '--slug', 'stark', '--two-step', 'required', '--two-step-grace', '0'])).toContain('two-step required');

  const login = new LoginPage(page);
  await login.goto('stark');
  await login.logIn(newton.login, newton.password);
  await expect(page).toHaveURL(/\/two-step$/);
  await expect(page.getByText('Your organisation requires two-step verification')).toBeVisible();
  await noAxeViolations(page);
  // Set up where it is required: the secret is shown at once, with no "Set up" to press first.
  const enrol = new TwoStepSettingsPage(page);
  const key = (await enrol.secretKey.innerText()).trim();
  await page.getByLabel(n.code).fill(await freshCode(key, used));
  await page.getByRole('button', { name: n.confirm }).click();
  await expect(enrol.recoveryCodes).toHaveCount(10);
  await enrol.savedThem();
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: 'Welcome, Isaac Newton' })).toBeVisible();
});
