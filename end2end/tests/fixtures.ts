import { expect, Page } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as path from 'path';
import fixtures from '../fixtures.json';
import { mailApi } from '../playwright.config';
import { LoginPage } from '../kit';

export const users = fixtures.users;
export const tenant = fixtures.tenant;
export type User = (typeof users)[keyof typeof users];

/** Waits until the WASM bundle has hydrated the page (the frontend marks <body>). */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated]')).toHaveCount(1);
}

/** The login form, through the kit's page object (the suite tests the kit by using it). */
export async function logIn(page: Page, user: User) {
  const login = new LoginPage(page);
  await login.goto();
  await login.logIn(user.login, user.password);
}

/** Runs the real command line against an instance's database (as an administrator would). */
export function frontdoor(args: string[], instance = 'main'): string {
  const bin = process.env.FRONTDOOR_BIN;
  if (!bin) throw new Error('FRONTDOOR_BIN must name the frontdoor binary');
  return execFileSync(bin, args, {
    env: { ...process.env, FRONTDOOR_DATA_DIR: path.resolve(__dirname, '..', '.run', instance), DATABASE_URL: '' },
    encoding: 'utf8',
  });
}

export type Mail = { to: string; from: string; subject: string; text: string; html: string };

/** Waits until the suite's SMTP server has received `count` messages to `address`. */
export async function mailsTo(address: string, count = 1): Promise<Mail[]> {
  let mails: Mail[] = [];
  await expect
    .poll(
      async () => {
        const response = await fetch(`${mailApi}/messages?to=${encodeURIComponent(address)}`);
        mails = (await response.json()) as Mail[];
        return mails.length;
      },
      { timeout: 15_000, message: `${count} email(s) to ${address}` },
    )
    .toBeGreaterThanOrEqual(count);
  return mails;
}

/** The first link in a message's text part that leads to `path`. */
export function linkIn(mail: Mail, path: string): string {
  const match = mail.text.match(new RegExp(`https?://\\S+${path}/[A-Za-z0-9_-]+`));
  if (!match) throw new Error(`no ${path} link in: ${mail.text}`);
  return match[0];
}
