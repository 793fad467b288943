import { defineConfig } from '@playwright/test';
import * as path from 'path';

const port = Number(process.env.FRONTDOOR_E2E_PORT ?? 3737);
/** The main instance: Service on the same server under /service. */
export const baseURL = `http://127.0.0.1:${port}`;
/** A second instance whose Service lives on another origin (service.localhost resolves to loopback). */
export const crossOriginCrm = `http://127.0.0.1:${port + 1}`;
export const crossOriginService = `http://service.localhost:${port + 1}`;
/** The suite's own SMTP server (smtp-sink.mjs) and where the tests read what it received. */
export const smtpPort = port - 12;
export const mailApi = `http://127.0.0.1:${port - 11}`;
/** The suite's apps signing in through Frontdoor (apps/app.mjs on openid-client). */
export const serviceApp = `http://127.0.0.1:${port + 4}`;
export const partnerApp = `http://127.0.0.1:${port + 5}`;
export const appRegistrations = path.resolve(__dirname, '.run', 'main', 'apps.json');
/** An instance at `localhost` for passkeys (WebAuthn needs a domain, not an IP address). */
export const passkeyURL = `http://localhost:${port + 6}`;
/** An instance in test mode, for the kit (end2end/kit/) and the contract suite's journeys (at a
 * name, not an IP address, for passkeys). */
export const kitURL = `http://localhost:${port + 7}`;
/** The same, started in Dutch (`--language nl`): the contract suite's second run. */
export const kitNlURL = `http://localhost:${port + 8}`;
/** The suite's OpenID provider (oidc-provider.mjs). */
export const idpPort = port - 9;
export const idpIssuer = `http://127.0.0.1:${idpPort}`;

function app(name: string, key: string, address: string) {
  return {
    command: 'node apps/app.mjs',
    url: `${address}/health`,
    reuseExistingServer: false,
    timeout: 30_000,
    env: {
      APP_PORT: new URL(address).port,
      APP_NAME: name,
      APP_KEY: key,
      APP_REGISTRATIONS: appRegistrations,
      FRONTDOOR_URL: baseURL,
    },
  };
}

type Instance = { serviceUrl?: string; idp?: string; testMode?: boolean; language?: 'en' | 'nl' };

function server(instance: string, publicUrl: string, listenPort: number, { serviceUrl, idp, testMode, language }: Instance = {}) {
  return {
    command: 'bash serve.sh',
    url: `${publicUrl}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe' as const,
    stderr: 'pipe' as const,
    env: {
      E2E_INSTANCE: instance,
      FRONTDOOR_ADDR: `127.0.0.1:${listenPort}`,
      FRONTDOOR_PUBLIC_URL: publicUrl,
      FRONTDOOR_SERVICE_URL: serviceUrl ?? '',
      FRONTDOOR_SITE_ROOT: path.resolve(__dirname, '..', 'site'),
      FRONTDOOR_BIN: process.env.FRONTDOOR_BIN ?? '',
      FRONTDOOR_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      FRONTDOOR_MAIL_POLL_MS: '200',
      FRONTDOOR_E2E_IDP: idp ?? '',
      FRONTDOOR_E2E_SERVICE_APP: idp ? serviceApp : '',
      FRONTDOOR_E2E_PARTNER_APP: idp ? partnerApp : '',
      RUST_LOG: 'warn',
      ...(testMode ? { FRONTDOOR_TEST_MODE: 'true', E2E_TERMS: 'true' } : {}),
      ...(language ? { FRONTDOOR_LANGUAGE: language } : {}),
    },
  };
}

export default defineConfig<{ instanceLanguage: 'en' | 'nl' }>({
  projects: [
    { name: 'suite', testDir: './tests' },
    // The contract (DESIGN.md's accessible names) against any Frontdoor: FRONTDOOR_URL=… and,
    // for the journeys, FRONTDOOR_TEST_KEY_FILE=… (here: this suite's instance in test mode).
    {
      name: 'contract',
      testDir: './contract',
      use: { baseURL: process.env.FRONTDOOR_URL ?? kitURL },
    },
    // The contract again against an instance started in the other language.
    { name: 'contract-nl', testDir: './contract', use: { baseURL: kitNlURL, instanceLanguage: 'nl' } },
  ],
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
  webServer: [
    {
      command: 'node smtp-sink.mjs',
      url: `${mailApi}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { SMTP_PORT: String(smtpPort), SMTP_HTTP_PORT: String(port - 11) },
    },
    {
      command: 'node oidc-provider.mjs',
      url: `${idpIssuer}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: {
        OIDC_PORT: String(idpPort),
        FRONTDOOR_PUBLIC_URL: baseURL,
        IDP_REDIRECT_URIS_FILE: path.resolve(__dirname, '.run', 'main', 'idp-redirect-uris.txt'),
      },
    },
    app('Service app', 'service', serviceApp),
    app('Partner Reports', 'partner', partnerApp),
    server('main', baseURL, port, { idp: idpIssuer }),
    server('cross-origin', crossOriginCrm, port + 1, { serviceUrl: crossOriginService }),
    server('passkeys', passkeyURL, port + 6),
    server('kit', kitURL, port + 7, { testMode: true }),
    server('kit-nl', kitNlURL, port + 8, { testMode: true, language: 'nl' }),
  ],
});
