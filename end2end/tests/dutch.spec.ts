import { test, expect } from '@playwright/test';
import { users } from './fixtures';
import { LoginPage, names } from '../kit';

const { en, nl } = names;

test.describe('in Dutch', () => {
  test.use({ locale: 'nl-NL' });

  test('the login page speaks Dutch and logs in', async ({ page }) => {
    const login = new LoginPage(page, { lang: 'nl' });
    await login.goto();
    await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
    await expect(page.getByRole('heading', { name: nl.logIn })).toBeVisible();
    await expect(page.getByRole('link', { name: nl.forgotPassword })).toBeVisible();
    // Its own user: another test logging in as the same user ID at the same moment would get 503.
    await login.logIn(users.dutch.login, 'fout');
    await expect(page.getByRole('alert')).toHaveText('Onjuiste gebruikers-ID of onjuist wachtwoord');
  });
});

test('the language switch remembers the choice', async ({ page }) => {
  await new LoginPage(page).goto();
  await expect(page.getByRole('button', { name: en.logIn })).toBeVisible();
  await page.getByRole('link', { name: 'Nederlands' }).click();
  await expect(page.getByRole('button', { name: nl.logIn })).toBeVisible();
  const inDutch = new LoginPage(page, { lang: 'nl' });
  await inDutch.goto();
  await expect(inDutch.userId).toBeVisible();
  await page.getByRole('link', { name: 'English' }).click();
  await expect(new LoginPage(page).userId).toBeVisible();
});
