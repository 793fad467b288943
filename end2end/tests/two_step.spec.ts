import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { createHmac } from 'crypto';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { users, logIn, mailsTo } from './fixtures';

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

/** Personal settings → Two-step verification → Set up, then the code: the key and the codes. */
async function setUp(page: Page, used: Set<string>, javaScript = true): Promise<{ key: string; codes: string[] }> {
  await page.getByRole('button', { name: 'Personal settings' }).click();
  await page.getByRole('link', { name: 'Two-step verification' }).click();
  await expect(page.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
  await page.getByRole('button', { name: 'Set up' }).click();
  await expect(page.getByRole('img', { name: 'Scan with your authenticator app' })).toBeVisible();
  // axe runs as a script in the page: not where JavaScript is off.
  if (javaScript) await noAxeViolations(page);
  const key = (await page.locator('.secret-key code').innerText()).trim();
  await page.getByLabel('Code').fill(await freshCode(key, used));
  await page.getByRole('button', { name: 'Confirm' }).click();
  const list = page.getByRole('list', { name: 'Recovery codes' });
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const codes = (await list.getByRole('listitem').allInnerTexts()).map((c) => c.trim());
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download' }).click();
  expect((await download).suggestedFilename()).toBe('frontdoor-recovery-codes.txt');
  await page.getByRole('link', { name: 'I have saved them' }).click();
  await expect(page.getByText('10 recovery codes left')).toBeVisible();
  return { key, codes };
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
  await expect(second.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
  await noAxeViolations(second);
  await second.getByLabel('Code').fill('000000');
  await second.getByRole('button', { name: 'Verify' }).click();
  await expect(second.getByRole('alert')).toContainText('That code is not right');
  await second.getByLabel('Code').fill(await freshCode(key, used));
  await second.getByRole('button', { name: 'Verify' }).click();
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
  await second.getByRole('link', { name: 'Use a recovery code' }).click();
  await second.getByLabel('Recovery code').fill(codes[0]);
  await second.getByRole('button', { name: 'Verify' }).click();
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
  await second.getByLabel('Code').fill(await freshCode(key, used));
  await second.getByRole('button', { name: 'Verify' }).click();
  await expect(second).toHaveURL(/\/crm$/);
  // Turned off again, with the password: the next login needs none.
  await second.goto('/crm/two-step');
  await second.getByLabel('Password').fill(users.nojs.password);
  await second.getByRole('button', { name: 'Turn off' }).click();
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
    await expect(second.getByRole('button', { name: 'Verify' })).toBeVisible();
    const width = await second.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await second.getByLabel('Code').fill(await freshCode(key, used));
    await second.getByRole('button', { name: 'Verify' }).click();
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

  await page.goto('/t/stark/login');
  await page.getByLabel('User ID').fill(newton.login);
  await page.getByLabel('Password', { exact: true }).fill(newton.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(page).toHaveURL(/\/two-step$/);
  await expect(page.getByText('Your organisation requires two-step verification')).toBeVisible();
  await noAxeViolations(page);
  const key = (await page.locator('.secret-key code').innerText()).trim();
  await page.getByLabel('Code').fill(await freshCode(key, used));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await page.getByRole('link', { name: 'I have saved them' }).click();
  await expect(page).toHaveURL(/\/crm$/);
  await expect(page.getByRole('heading', { name: 'Welcome, Isaac Newton' })).toBeVisible();
});
