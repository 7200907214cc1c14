import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium package; `npm test` installs it (package.json "debianPackages"). */
const CHROMIUM = '/usr/bin/chromium';

/** Loopback only: no QUIC, no updates, no sync, no background calls home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /**
   * Scripts' uncaught exceptions and console errors (a Content-Security-Policy refusal is one),
   * less Chromium's line for each HTTP error answer, which pages under test expect to get.
   */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile in a temporary folder, one page sized like a 1366x768
 * laptop screen (less the browser's own bars). Close it to remove the profile.
 */
export async function openBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1366, height: 680 },
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
  });
  return {
    context,
    page,
    pageErrors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
