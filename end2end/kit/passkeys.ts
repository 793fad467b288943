/**
 * Passkeys in tests: Chromium's virtual authenticator (through CDP) stands in for a phone's
 * fingerprint or a laptop's platform authenticator: internal, with resident keys and user
 * verification, and the person always says yes. Frontdoor must be reached at a name
 * (`localhost`), not an IP address: WebAuthn ties a passkey to a domain.
 */
import { CDPSession, Page } from '@playwright/test';

export async function addVirtualAuthenticator(page: Page): Promise<CDPSession> {
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
