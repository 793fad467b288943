import { test, expect } from '@playwright/test';
import { users, logIn } from './fixtures';
import { names, PersonalMenu, SessionsPage } from '../kit';

const n = names.en;

test('two browsers, one person: ending a session from the list logs that browser out', async ({ browser }) => {
  const laptop = await browser.newContext();
  const phone = await browser.newContext({ viewport: { width: 390, height: 800 } });
  const onLaptop = await laptop.newPage();
  const onPhone = await phone.newPage();
  await logIn(onLaptop, users.sam);
  await logIn(onPhone, users.sam);
  await expect(onPhone).toHaveURL(/\/crm$/);

  await new PersonalMenu(onLaptop).go('sessions');
  await expect(onLaptop.getByRole('heading', { name: n.sessions })).toBeVisible();
  const sessions = new SessionsPage(onLaptop);
  await expect(sessions.rows).toHaveCount(2); // two sessions (the header row is not one)
  await expect(sessions.thisSession).toHaveCount(1);

  await sessions.logOutOther();
  await expect(onLaptop.getByRole('status')).toHaveText('That session is logged out.');
  await expect(sessions.rows).toHaveCount(1);

  // The phone finds out on its very next click.
  await onPhone.getByRole('navigation', { name: n.navigator }).getByRole('link', { name: n.service }).click();
  await expect(onPhone).toHaveURL(/\/login/);
  await expect(onPhone.getByRole('button', { name: n.logIn })).toBeVisible();

  await laptop.close();
  await phone.close();
});

test('four browsers logging in as one user at the same moment all reach the CRM', async ({ browser }) => {
  const contexts = await Promise.all([0, 1, 2, 3].map(() => browser.newContext()));
  const pages = await Promise.all(contexts.map((context) => context.newPage()));
  await Promise.all(pages.map((page) => logIn(page, users.sam)));
  for (const page of pages) {
    await expect(page).toHaveURL(/\/crm$/);
    await expect(page.getByRole('button', { name: n.personalSettings })).toBeVisible();
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

  const sessions = new SessionsPage(onLaptop);
  await sessions.goto();
  await sessions.logOutEverywhereElse('not my password');
  await expect(onLaptop.getByRole('alert')).toContainText('current password is not right');
  await expect(sessions.rows).toHaveCount(2); // nothing ended

  await sessions.logOutEverywhereElse(users.grace.password);
  await expect(onLaptop.getByRole('status')).toHaveText('You are logged out everywhere else.');
  await expect(sessions.rows).toHaveCount(1);
  await onTablet.reload();
  await expect(onTablet).toHaveURL(/\/login/);

  await laptop.close();
  await tablet.close();
});
