import { test, expect, Page } from '@playwright/test';
import { users, logIn } from './fixtures';
import { crossOriginCrm, crossOriginService } from '../playwright.config';
import { names, PersonalMenu, ServiceHandoff } from '../kit';

const n = names.en;

async function crmToServiceAndBack(page: Page, serviceOrigin: string) {
  await new ServiceHandoff(page).open();
  expect(page.url()).toBe(`${serviceOrigin}/service`);
  await expect(page.getByText(`${users.sid.name} · Acme AS`)).toBeVisible();

  await new PersonalMenu(page).logOut();
  await expect(page.getByRole('status')).toHaveText('You are logged out of Service.');
  // The CRM session stays.
  await page.getByRole('link', { name: 'CRM' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${users.sid.name}` })).toBeVisible();
  // And Service needs a new hand-off.
  await page.goto(`${serviceOrigin}/service`);
  await expect(page.getByRole('button', { name: n.logIn })).toBeVisible();
}

test('CRM → Service → Log in → Dashboard → Log out of Service only', async ({ page, baseURL }) => {
  await logIn(page, users.sid);
  await crmToServiceAndBack(page, baseURL!);
});

test.describe('with Service on another origin', () => {
  test.use({ baseURL: crossOriginCrm });

  test('the same journey crosses to service.localhost', async ({ page, context }) => {
    await logIn(page, users.sid);
    await crmToServiceAndBack(page, crossOriginService);
    // Each origin kept its own cookies.
    const crmCookies = await context.cookies(crossOriginCrm);
    const serviceCookies = await context.cookies(crossOriginService);
    expect(crmCookies.map((c) => c.name)).toContain('frontdoor');
    expect(serviceCookies.map((c) => c.name)).not.toContain('frontdoor');
  });
});
