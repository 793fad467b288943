/**
 * Page objects for Frontdoor's screens. Each finds its elements by the contract's accessible
 * names only (names.ts), in English or Dutch: `new LoginPage(page, { lang: 'nl' })`.
 */
import { expect, Locator, Page } from '@playwright/test';
import { Lang, names, Names } from './names';

export type Options = { lang?: Lang };

abstract class Screen {
  protected readonly n: Names;
  constructor(
    readonly page: Page,
    options: Options = {},
  ) {
    this.n = names[options.lang ?? 'en'];
  }
}

export class LoginPage extends Screen {
  /** The CRM login page, or a tenant's own (`/t/{tenant}/login`). */
  async goto(tenant?: string) {
    await this.page.goto(tenant ? `/t/${tenant}/login` : '/login');
  }
  get userId(): Locator {
    return this.page.getByLabel(this.n.userId);
  }
  get password(): Locator {
    return this.page.getByLabel(this.n.password, { exact: true });
  }
  async logIn(userId: string, password: string) {
    await this.userId.fill(userId);
    await this.password.fill(password);
    await this.page.getByRole('button', { name: this.n.logIn, exact: true }).click();
  }
  async forgotPassword() {
    await this.page.getByRole('link', { name: this.n.forgotPassword }).click();
  }
  async resetLogin() {
    await this.page.getByRole('link', { name: this.n.resetLogin }).click();
  }
  async logInWith(provider: string) {
    await this.page.getByRole('button', { name: this.n.logInWith(provider) }).click();
  }
  async logInWithPasskey() {
    await this.page.getByRole('button', { name: this.n.logInWithPasskey }).click();
  }
}

export class ActivatePage extends Screen {
  /** Opens the "Activate now" link from the invitation. */
  async open(link: string) {
    await this.page.goto(link);
  }
  get strength(): Locator {
    return this.page.getByRole('meter', { name: this.n.passwordStrength });
  }
  async activate(password: string) {
    await this.page.getByLabel(this.n.password, { exact: true }).fill(password);
    await this.page.getByLabel(this.n.confirmPassword).fill(password);
    await this.page.getByRole('button', { name: this.n.activate, exact: true }).click();
    await this.page.waitForURL((url) => !url.pathname.startsWith('/activate'));
  }
}

export class ForgotPasswordPage extends Screen {
  async goto() {
    await this.page.goto('/forgot-password');
  }
  async request(email: string) {
    await this.page.getByLabel(this.n.emailAddress).fill(email);
    await this.page.getByRole('button', { name: this.n.resetPasswordButton }).click();
  }
  /** Opens the reset link from the email (once: the link is used up when it is opened). */
  async openResetLink(link: string) {
    await this.page.goto(link);
  }
  /** On the reset link's page: a new password, twice. */
  async choose(password: string) {
    await this.page.getByLabel(this.n.password, { exact: true }).fill(password);
    await this.page.getByLabel(this.n.repeatPassword).fill(password);
    await this.page.getByRole('button', { name: this.n.reset, exact: true }).click();
    // Chosen when the page moves on (to the login page); a refusal stays and fails here.
    await this.page.waitForURL((url) => !url.pathname.startsWith('/reset-password'));
  }
  /** The reset link's page: a new password, twice. */
  async reset(link: string, password: string) {
    await this.openResetLink(link);
    await this.choose(password);
  }
}

export class ResetLoginPage extends Screen {
  async goto() {
    await this.page.goto('/reset-login');
  }
  async requestCode(email: string) {
    await this.page.getByLabel(this.n.emailAddress).fill(email);
    await this.page.getByRole('button', { name: this.n.continue }).click();
  }
  async enterCode(code: string) {
    await this.page.getByLabel(this.n.code).fill(code);
    await this.page.getByRole('button', { name: this.n.continue }).click();
  }
  async chooseTenant(tenantName: string) {
    await this.page.getByRole('button', { name: tenantName }).click();
  }
}

export class TwoStepPage extends Screen {
  async expectShown() {
    await expect(this.page).toHaveURL(/\/two-step/);
  }
  async verify(code: string) {
    await this.page.getByLabel(this.n.code).fill(code);
    await this.page.getByRole('button', { name: this.n.verify }).click();
  }
  async useRecoveryCode() {
    await this.page.getByRole('link', { name: this.n.useRecoveryCode }).click();
  }
}

export class SettingsLoginPage extends Screen {
  async goto() {
    await this.page.goto('/settings/login');
  }
  async logIn(userId: string, password: string) {
    await this.page.getByLabel(this.n.userId).fill(userId);
    await this.page.getByLabel(this.n.password, { exact: true }).fill(password);
    await this.page.getByRole('button', { name: this.n.ok, exact: true }).click();
  }
  get navigation(): Locator {
    return this.page.getByRole('navigation').filter({ has: this.page.getByRole('link', { name: this.n.users }) });
  }
}

/** From the CRM to the Service dashboard: "Service" in the navigator, then "Log in". */
export class ServiceHandoff extends Screen {
  async open() {
    await this.page.getByRole('navigation', { name: this.n.navigator }).getByRole('link', { name: this.n.service }).click();
    await this.page.getByRole('button', { name: this.n.logIn, exact: true }).click();
    await expect(this.page.getByRole('heading', { name: this.n.dashboard })).toBeVisible();
  }
}

/** "Personal settings" and what is in it. */
export class PersonalMenu extends Screen {
  /** Opens the menu (when it is not open already). */
  async open() {
    const button = this.page.getByRole('button', { name: this.n.personalSettings });
    const open = await button.evaluate((summary) => summary.parentElement?.hasAttribute('open') ?? false);
    if (!open) await button.click();
  }
  async go(item: 'changePassword' | 'sessions' | 'twoStep' | 'passkeys') {
    await this.open();
    await this.page.getByRole('link', { name: this.n[item] }).click();
  }
  /** Log out (on a phone it asks "Are you sure?" first, and this says "Yes"). */
  async logOut() {
    await this.open();
    const now = this.page.getByRole('button', { name: this.n.logOut });
    if (await now.isVisible()) {
      await now.click();
      return;
    }
    await this.page.getByRole('link', { name: this.n.logOut }).click();
    await this.page.getByRole('button', { name: this.n.yes }).click();
  }
}
