/**
 * Passkeys in tests: Chromium's virtual authenticator (through CDP) stands in for a phone's
 * fingerprint or a laptop's platform authenticator: internal, with resident keys and user
 * verification, and the person always says yes. Frontdoor must be reached at a name
 * (`localhost`), not an IP address: WebAuthn ties a passkey to a domain.
 */
import { CDPSession, Page } from '@playwright/test';

export async function addVirtualAuthenticator(page: Page, options: { autofill?: boolean } = {}): Promise<CDPSession> {
  if (options.autofill === false) await withoutPasskeyAutofill(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return cdp;
}

/**
 * A browser that offers no passkeys in autofill (no conditional mediation), so only "Log in with
 * a passkey" asks for one. With autofill, the always-present virtual authenticator answers the
 * login page's waiting request at once: the page signs in by itself as soon as it loads.
 */
export async function withoutPasskeyAutofill(page: Page) {
  await page.addInitScript(() => {
    PublicKeyCredential.isConditionalMediationAvailable = async () => false;
  });
}
