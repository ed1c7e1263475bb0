import type { BrowserContext, Page } from 'playwright-core';

/**
 * Gives `page` a platform passkey authenticator through Chrome DevTools' WebAuthn domain: resident keys, user
 * verification done, presence simulated, so a ceremony completes without a person (the step-up and review tests).
 */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
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
}
