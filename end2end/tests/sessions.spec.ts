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
