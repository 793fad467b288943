import { defineConfig } from '@playwright/test';
import * as path from 'path';

const port = Number(process.env.FRONTDOOR_E2E_PORT ?? 3737);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: 'bash serve.sh',
    url: `${baseURL}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      FRONTDOOR_ADDR: `127.0.0.1:${port}`,
      FRONTDOOR_PUBLIC_URL: baseURL,
      FRONTDOOR_SITE_ROOT: path.resolve(__dirname, '..', 'site'),
      FRONTDOOR_BIN: process.env.FRONTDOOR_BIN ?? '',
      RUST_LOG: 'warn',
    },
  },
});
