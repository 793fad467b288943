/**
 * Fixtures: `test.use({ frontdoor: { user: 'ada@acme.test', tenant: 'acme' } })` gives a `page`
 * already signed in (a minted storage state, no page load), and `frontdoorApi` for the rest.
 */
import { test as base } from '@playwright/test';
import { FrontdoorApi } from './api';

export type FrontdoorOptions = {
  /** A test user to sign in as (made through the API or `frontdoor` beforehand). */
  user?: string;
  tenant?: string;
  app?: 'crm' | 'service' | 'settings';
  /** The sign-in counts as having given its second factor. */
  secondFactor?: boolean;
};

export const test = base.extend<{ frontdoor: FrontdoorOptions; frontdoorApi: FrontdoorApi }>({
  frontdoor: [{}, { option: true }],
  frontdoorApi: async ({ baseURL }, use) => {
    await use(FrontdoorApi.fromEnv(process.env.FRONTDOOR_URL ?? baseURL));
  },
  storageState: async ({ frontdoor, frontdoorApi, storageState }, use) => {
    if (!frontdoor.user) return use(storageState);
    const minted = await frontdoorApi.mint(frontdoor.tenant ?? 'acme', frontdoor.user, {
      app: frontdoor.app,
      secondFactor: frontdoor.secondFactor,
    });
    await use(minted.storageState);
  },
});

export { expect } from '@playwright/test';
