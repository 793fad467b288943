import { defineConfig } from '@playwright/test';

// The kit-against-the-form wall-time benchmark (scripts/bench.sh); FRONTDOOR_URL names a
// Frontdoor in test mode, FRONTDOOR_TEST_KEY_FILE its key.
export default defineConfig({
  testDir: '.',
  testMatch: 'kit-vs-form.spec.ts',
  workers: Number(process.env.WORKERS ?? 2),
  reporter: [['dot']],
  use: {
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] },
  },
});
