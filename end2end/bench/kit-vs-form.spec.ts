/**
 * 200 tests that each need a signed-in CRM page: through the kit (a minted storage state) or
 * through the login form, per KIT_VS_FORM=kit|form. scripts/bench.sh times both runs against
 * the suite's test-mode instance (wall time in BENCHMARKS.md). Not part of the suite.
 */
import { test, expect } from '../kit';
import { LoginPage } from '../kit';

const how = process.env.KIT_VS_FORM ?? 'kit';
const base = process.env.FRONTDOOR_URL ?? 'http://127.0.0.1:3000';
const PASSWORD = 'Bench-Orbit-Tulip-4711';

// The test user is made beforehand (scripts/bench.sh, through /_test/users): the `frontdoor`
// fixture mints its session before any hook of this file runs.
test.use({ baseURL: base, ...(how === 'kit' ? { frontdoor: { user: 'walltime@bench-kit.test', tenant: 'bench-kit' } } : {}) });

for (let i = 0; i < 200; i++) {
  test(`signed-in test ${i}`, async ({ page }) => {
    if (how === 'form') {
      const login = new LoginPage(page);
      await login.goto();
      await login.logIn('walltime@bench-kit.test', PASSWORD);
    } else {
      await page.goto('/crm');
    }
    await expect(page.getByRole('heading', { name: /Wall Time/ })).toBeVisible();
  });
}
