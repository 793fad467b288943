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
    await expect(this.page.getByRole('heading', { name: this.n.chooseTenant })).toBeVisible();
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
    return this.page.getByRole('navigation', { name: this.n.settingsAndMaintenance });
  }
  /** The Terms of Service amendment, shown once per version at a first login after it. */
  get termsDialog(): Locator {
    return this.page.getByRole('dialog', { name: this.n.termsDialog });
  }
  /** "Accept", then "OK" in the Terms dialog. */
  async acceptTerms() {
    await this.termsDialog.getByRole('checkbox', { name: this.n.accept }).check();
    await this.termsDialog.getByRole('button', { name: this.n.ok, exact: true }).click();
    await expect(this.termsDialog).toHaveCount(0);
  }
  /** Logs in and, when new Terms are shown, accepts them: then the navigation is there. */
  async logInAndAccept(userId: string, password: string) {
    await this.logIn(userId, password);
    await expect(this.termsDialog.or(this.navigation)).toBeVisible();
    if (await this.termsDialog.isVisible()) await this.acceptTerms();
    await expect(this.navigation).toBeVisible();
  }
  async go(item: 'users' | 'roles' | 'auditLog') {
    await this.navigation.getByRole('link', { name: this.n[item] }).click();
  }
}

/** Settings and maintenance → Users: invite, find, and act on a row. */
export class UsersPage extends Screen {
  async goto() {
    await this.page.goto('/settings/users');
  }
  /** "Add user": name, email address (or user name onsite), role, language; "Send invitation". */
  async invite(user: { name: string; email: string; role?: string; language?: string }) {
    await this.page.getByRole('link', { name: this.n.addUser }).click();
    await this.page.getByLabel(this.n.name, { exact: true }).fill(user.name);
    await this.page.getByLabel(this.n.emailAddress).fill(user.email);
    await this.page.getByRole('combobox', { name: this.n.role, exact: true }).selectOption({ label: user.role ?? 'User' });
    if (user.language) await this.page.getByRole('combobox', { name: this.n.language }).selectOption({ label: user.language });
    await this.page.getByRole('button', { name: this.n.sendInvitation }).click();
  }
  async search(text: string) {
    await this.page.getByRole('searchbox', { name: this.n.search }).fill(text);
    await this.page.getByRole('button', { name: this.n.search }).click();
  }
  /** The table row of a user (by login name, email address or name). */
  row(text: string): Locator {
    return this.page.getByRole('table').getByRole('row').filter({ hasText: text });
  }
  async act(text: string, action: 'resendActivation' | 'deactivate' | 'activate' | 'endSessions') {
    await this.row(text).getByRole('button', { name: this.n[action], exact: true }).click();
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

/** Personal settings → Change password. */
export class ChangePasswordPage extends Screen {
  async goto() {
    await this.page.goto('/crm/password');
  }
  get strength(): Locator {
    return this.page.getByRole('meter', { name: this.n.passwordStrength });
  }
  async change(current: string, next: string) {
    await this.page.getByLabel(this.n.currentPassword).fill(current);
    await this.page.getByLabel(this.n.newPassword).fill(next);
    await this.page.getByLabel(this.n.confirmPassword).fill(next);
    await this.page.getByRole('button', { name: this.n.ok, exact: true }).click();
  }
}

/** Personal settings → Sessions: one row per session of the person. */
export class SessionsPage extends Screen {
  async goto() {
    await this.page.goto('/crm/sessions');
  }
  /** The sessions' rows (without the header). */
  get rows(): Locator {
    return this.page.getByRole('row').filter({ has: this.page.getByRole('cell') });
  }
  get thisSession(): Locator {
    return this.rows.filter({ hasText: this.n.thisSession });
  }
  get others(): Locator {
    return this.rows.filter({ hasNotText: this.n.thisSession });
  }
  /** "Log out" on another session's row (the first, or the one whose text matches). */
  async logOutOther(text?: string) {
    const row = text ? this.others.filter({ hasText: text }) : this.others.first();
    await row.getByRole('button', { name: this.n.logOut }).click();
  }
  /** "Log out everywhere else", which asks for the password. */
  async logOutEverywhereElse(password: string) {
    await this.page.getByLabel(this.n.password, { exact: true }).fill(password);
    await this.page.getByRole('button', { name: this.n.logOutEverywhereElse }).click();
  }
}

/** Personal settings → Two-step verification. */
export class TwoStepSettingsPage extends Screen {
  async goto() {
    await this.page.goto('/crm/two-step');
  }
  /** The secret as text (beside the QR code), after "Set up". */
  get secretKey(): Locator {
    return this.page.locator('.secret-key code');
  }
  get recoveryCodes(): Locator {
    return this.page.getByRole('list', { name: this.n.recoveryCodes }).getByRole('listitem');
  }
  /**
   * "Set up", a code of the new authenticator (`code` is given the secret shown), "Confirm":
   * the secret and the ten recovery codes. Leaves the recovery codes on screen.
   */
  async setUp(code: (secret: string) => Promise<string>): Promise<{ secret: string; recoveryCodes: string[] }> {
    await this.page.getByRole('button', { name: this.n.setUp, exact: true }).click();
    const secret = (await this.secretKey.innerText()).trim();
    await this.page.getByLabel(this.n.code).fill(await code(secret));
    await this.page.getByRole('button', { name: this.n.confirm }).click();
    await expect(this.recoveryCodes).toHaveCount(10);
    const recoveryCodes = (await this.recoveryCodes.allInnerTexts()).map((c) => c.trim());
    return { secret, recoveryCodes };
  }
  /** "I have saved them", under the recovery codes. */
  async savedThem() {
    await this.page.getByRole('link', { name: this.n.savedThem }).click();
  }
  /** "Turn off", which asks for the password. */
  async turnOff(password: string) {
    await this.page.getByLabel(this.n.password, { exact: true }).fill(password);
    await this.page.getByRole('button', { name: this.n.turnOff }).click();
  }
}

/** Personal settings → Passkeys (WebAuthn needs a domain such as localhost, not an IP address). */
export class PasskeysPage extends Screen {
  async goto() {
    await this.page.goto('/crm/passkeys');
  }
  /** "Add a passkey" with a name for it and, when it is asked for, the password again. */
  async add(name: string, password: string) {
    const button = this.page.getByRole('button', { name: this.n.addPasskey });
    const form = this.page.locator('form').filter({ has: button });
    await form.getByLabel(this.n.passkeyName).fill(name);
    const asked = form.getByLabel(this.n.password, { exact: true });
    if (await asked.count()) await asked.fill(password);
    await button.click();
  }
  async rename(from: string, to: string) {
    const button = this.page.getByRole('button', { name: this.n.renamePasskey(from) });
    await this.page.locator('form').filter({ has: button }).getByLabel(this.n.passkeyName).fill(to);
    await button.click();
  }
  async remove(name: string) {
    await this.page.getByRole('button', { name: this.n.removePasskey(name) }).click();
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
  /** On a phone: "Log out" (a link there) to the question "Are you sure?", left unanswered. */
  async askToLogOut() {
    await this.open();
    await this.page.getByRole('link', { name: this.n.logOut }).click();
  }
  /** The answer to "Are you sure?": "Yes" logs out, "No" goes back. */
  async answerLogOut(answer: 'yes' | 'no') {
    if (answer === 'yes') await this.page.getByRole('button', { name: this.n.yes }).click();
    else await this.page.getByRole('link', { name: this.n.no }).click();
  }
}

/** An app asking to sign the person in: the consent page of a partner app. */
export class ConsentPage extends Screen {
  async allow() {
    await this.page.getByRole('button', { name: this.n.allow }).click();
  }
  async deny() {
    await this.page.getByRole('button', { name: this.n.deny }).click();
  }
}
