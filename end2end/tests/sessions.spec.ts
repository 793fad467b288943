import { test, expect } from '@playwright/test';
import { users, logIn } from './fixtures';

test('two browsers, one person: ending a session from the list logs that browser out', async ({ browser }) => {
  const laptop = await browser.newContext();
  const phone = await browser.newContext({ viewport: { width: 390, height: 800 } });
  const onLaptop = await laptop.newPage();
  const onPhone = await phone.newPage();
  await logIn(onLaptop, users.sam);
  await logIn(onPhone, users.sam);
  await expect(onPhone).toHaveURL(/\/crm$/);

  await onLaptop.getByRole('button', { name: 'Personal settings' }).click();
  await onLaptop.getByRole('link', { name: 'Sessions' }).click();
  await expect(onLaptop.getByRole('heading', { name: 'Sessions' })).toBeVisible();
  const rows = onLaptop.getByRole('row');
  await expect(rows).toHaveCount(3); // the header and two sessions
  await expect(onLaptop.getByRole('row', { name: /This session/ })).toHaveCount(1);

  await onLaptop.getByRole('row').filter({ hasNot: onLaptop.getByText('This session') }).getByRole('button', { name: 'Log out' }).click();
  await expect(onLaptop.getByRole('status')).toHaveText('That session is logged out.');
  await expect(rows).toHaveCount(2);

  // The phone finds out on its very next click.
  await onPhone.getByRole('navigation', { name: 'Navigator' }).getByRole('link', { name: 'Service' }).click();
  await expect(onPhone).toHaveURL(/\/login/);
  await expect(onPhone.getByRole('button', { name: 'Log in' })).toBeVisible();

  await laptop.close();
  await phone.close();
});

test('four browsers logging in as one user at the same moment all reach the CRM', async ({ browser }) => {
  const contexts = await Promise.all([0, 1, 2, 3].map(() => browser.newContext()));
  const pages = await Promise.all(contexts.map((context) => context.newPage()));
  await Promise.all(pages.map((page) => logIn(page, users.sam)));
  for (const page of pages) {
    await expect(page).toHaveURL(/\/crm$/);
    await expect(page.getByRole('button', { name: 'Personal settings' })).toBeVisible();
  }
  await Promise.all(contexts.map((context) => context.close()));
});

test('"Log out everywhere else" asks for the password, then ends the other sessions', async ({ browser }) => {
  const laptop = await browser.newContext();
  const tablet = await browser.newContext();
  const onLaptop = await laptop.newPage();
  const onTablet = await tablet.newPage();
  await logIn(onLaptop, users.grace);
  await logIn(onTablet, users.grace);
  await expect(onTablet).toHaveURL(/\/crm$/);

  await onLaptop.goto('/crm/sessions');
  await onLaptop.getByLabel('Password').fill('not my password');
  await onLaptop.getByRole('button', { name: 'Log out everywhere else' }).click();
  await expect(onLaptop.getByRole('alert')).toContainText('current password is not right');
  await expect(onLaptop.getByRole('row')).toHaveCount(3); // nothing ended

  await onLaptop.getByLabel('Password').fill(users.grace.password);
  await onLaptop.getByRole('button', { name: 'Log out everywhere else' }).click();
  await expect(onLaptop.getByRole('status')).toHaveText('You are logged out everywhere else.');
  await expect(onLaptop.getByRole('row')).toHaveCount(2);
  await onTablet.reload();
  await expect(onTablet).toHaveURL(/\/login/);

  await laptop.close();
  await tablet.close();
});
