import { test, expect } from '@playwright/test';
import { users } from './fixtures';
import { LoginPage } from '../kit';

test.describe('in Dutch', () => {
  test.use({ locale: 'nl-NL' });

  test('the login page speaks Dutch and logs in', async ({ page }) => {
    await page.goto('/login');
    await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
    await expect(page.getByRole('heading', { name: 'Aanmelden' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Wachtwoord vergeten?' })).toBeVisible();
    // Its own user: another test logging in as the same user ID at the same moment would get 503.
    await new LoginPage(page, { lang: 'nl' }).logIn(users.dutch.login, 'fout');
    await expect(page.getByRole('alert')).toHaveText('Onjuiste gebruikers-ID of onjuist wachtwoord');
  });
});

test('the language switch remembers the choice', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await page.getByRole('link', { name: 'Nederlands' }).click();
  await expect(page.getByRole('button', { name: 'Aanmelden' })).toBeVisible();
  await page.goto('/login');
  await expect(page.getByLabel('Gebruikers-ID')).toBeVisible();
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.getByLabel('User ID')).toBeVisible();
});
