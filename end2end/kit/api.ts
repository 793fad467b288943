/**
 * Test mode's routes (`frontdoor serve --test-mode`): test users, signed-in storage states,
 * mail per address and authenticator codes. Every call carries the test key.
 */
import { readFileSync } from 'fs';

export type StorageState = {
  cookies: {
    name: string;
    value: string;
    domain: string;
    path: string;
    expires: number;
    httpOnly: boolean;
    secure: boolean;
    sameSite: 'Strict' | 'Lax' | 'None';
  }[];
  origins: { origin: string; localStorage: { name: string; value: string }[] }[];
};

export type TestUser = {
  tenant: string;
  login: string;
  password: string;
  name?: string;
  role?: string;
  tenantName?: string;
  language?: 'en' | 'nl';
};

export type Mail = { to: string; sentAt: number; subject: string; text: string; links: string[]; codes: string[] };

export type Minted = {
  storageState: StorageState;
  /** A second step is still due: the browser starts at `/two-step` (`verify`), or must set one up (`enrol`). */
  secondStep?: 'verify' | 'enrol';
};

export class FrontdoorApi {
  constructor(
    readonly baseURL: string,
    private readonly key: string,
  ) {}

  /** The key from `FRONTDOOR_TEST_KEY`, else the file `FRONTDOOR_TEST_KEY_FILE` names. */
  static fromEnv(baseURL = process.env.FRONTDOOR_URL ?? 'http://127.0.0.1:3000'): FrontdoorApi {
    const file = process.env.FRONTDOOR_TEST_KEY_FILE;
    const key = process.env.FRONTDOOR_TEST_KEY ?? (file ? readFileSync(file, 'utf8').trim() : '');
    if (!key) throw new Error('FRONTDOOR_TEST_KEY or FRONTDOOR_TEST_KEY_FILE must give the test key');
    return new FrontdoorApi(baseURL, key);
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${this.baseURL}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (response.ok || (response.status === 409 && response.headers.has('retry-after'))) return response;
    if (response.status === 404) {
      const body = await response.text();
      // The 404 page (HTML) means the instance is not in test mode; JSON names what is missing.
      throw new Error(body.startsWith('{') ? `${method} ${path}: ${body}` : `${this.baseURL} is not in test mode (frontdoor serve --test-mode)`);
    }
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }

  /**
   * Makes the test user (and its test tenant), or resets it: active, this password, no second
   * factor (its sessions live on: other workers may be using them).
   */
  async createUser(user: TestUser): Promise<void> {
    await this.call('POST', '/_test/users', user);
  }

  /** A signed-in session of `app` for a test user, as Playwright storage state. */
  async mint(tenant: string, login: string, options: { app?: 'crm' | 'service' | 'settings'; secondFactor?: boolean } = {}): Promise<Minted> {
    const response = await this.call('POST', '/_test/sessions', { tenant, login, app: options.app ?? 'crm', secondFactor: options.secondFactor ?? false });
    const due = response.headers.get('frontdoor-second-step');
    return { storageState: (await response.json()) as StorageState, secondStep: (due ?? undefined) as Minted['secondStep'] };
  }

  /** The messages sent to `to` since `since` (Unix ms). */
  async mail(to: string, since = 0): Promise<Mail[]> {
    const response = await this.call('GET', `/_test/mail?to=${encodeURIComponent(to)}&since=${since}`);
    const raw = (await response.json()) as (Omit<Mail, 'sentAt'> & { sent_at: number })[];
    return raw.map(({ sent_at, ...mail }) => ({ ...mail, sentAt: sent_at }));
  }

  /** Waits (up to `timeoutMs`) for a message to `to` sent since `since`, newest first. */
  async waitForMail(to: string, since: number, timeoutMs = 15_000): Promise<Mail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mails = await this.mail(to, since);
      if (mails.length > 0) return mails[mails.length - 1];
      if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * A code of a test user's authenticator (set up, or being set up) that the next check accepts.
   * Each code works once: when this step's and the next are used, it waits for the clock.
   */
  async authenticatorCode(tenant: string, login: string): Promise<string> {
    const path = `/_test/authenticator-code?tenant=${encodeURIComponent(tenant)}&login=${encodeURIComponent(login)}`;
    for (;;) {
      const response = await this.call('GET', path);
      if (response.status !== 409) return ((await response.json()) as { code: string }).code;
      await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)));
    }
  }
}
