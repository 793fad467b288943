import { expect, Page } from '@playwright/test';
import fixtures from '../fixtures.json';

export const users = fixtures.users;
export const tenant = fixtures.tenant;
export type User = (typeof users)[keyof typeof users];

/** Waits until the WASM bundle has hydrated the page (the frontend marks <body>). */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated]')).toHaveCount(1);
}

export async function logIn(page: Page, user: User) {
  await page.goto('/login');
  await page.getByLabel('User ID').fill(user.login);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}
