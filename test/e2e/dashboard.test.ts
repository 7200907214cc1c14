import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openBrowser, type TestBrowser } from '../support/browser';
import { type LabMailbox, type MigrationLab, createLabEndpoint, startMigrationLab } from '../support/migrationLab';

/**
 * Issue 7's dashboard in headless Chromium against the real app under the devhost: an administrator
 * uploads a bad CSV and a good one, watches the batch sync without reloading, and completes it.
 */
const MAILBOXES: LabMailbox[] = Array.from({ length: 4 }, (_, i) => ({ address: `user${i}@contoso.com`, messages: 6 }));
const GOOD_CSV = ['EmailAddress', ...MAILBOXES.map((m) => m.address)].join('\r\n');
const BAD_CSV = 'EmailAddress\r\nuser0@contoso.com\r\nnot-an-address\r\n';
const ARTIFACTS = path.resolve(__dirname, '../artifacts');

let lab: MigrationLab;
let browser: TestBrowser;
let page: Page;

function dashboardUrl(): string {
  return `${lab.host.baseUrl}/api/dashboard?code=${encodeURIComponent(lab.host.functionKey)}`;
}

/** The cells' text of each row of a table body. */
async function tableRows(selector: string): Promise<string[][]> {
  return page.$$eval(`${selector} tbody tr`, (rows) => rows.map((row) => [...row.children].map((cell) => (cell.textContent ?? '').trim())));
}

async function waitForBatchStatus(status: string, timeout: number): Promise<void> {
  await page.locator('#batch-status .badge', { hasText: new RegExp(`^${status}$`) }).waitFor({ timeout });
}

/** The batch view's action buttons that are enabled (not `aria-disabled`), by name. */
async function enabledActions(): Promise<string[]> {
  const enabled: string[] = [];
  for (const name of ['Start', 'Stop', 'Resume', 'Complete', 'Retry failed']) {
    if (await page.getByRole('button', { name, exact: true }).isEnabled()) enabled.push(name);
  }
  return enabled;
}

/** The text of one entry of the batch view's summary (`Created`, `Started`…). */
async function summaryValue(term: string): Promise<string | undefined> {
  const entries = await page.$$eval('#batch-summary div', (groups) => groups.map((g) => [g.children[0]?.textContent ?? '', g.children[1]?.textContent ?? '']));
  return entries.find(([t]) => t === term)?.[1];
}

/**
 * How the browser (its locale and time zone) writes the instant `iso` as a time of day, and with its
 * date when seen on the day `nowMs` (with the year when that is another year); and whether that is
 * the same day.
 */
async function timeForms(iso: string, nowMs: number): Promise<{ sameDay: boolean; year: string; timeOfDay: string; withDate: string }> {
  return page.evaluate(
    ([at, now]) => {
      const date = new Date(at);
      const today = new Date(now);
      const clock = { hour: 'numeric', minute: '2-digit' } as const;
      const year = date.getFullYear() === today.getFullYear() ? {} : ({ year: 'numeric' } as const);
      return {
        sameDay: date.toDateString() === today.toDateString(),
        year: String(date.getFullYear()),
        timeOfDay: new Intl.DateTimeFormat(undefined, clock).format(date),
        withDate: new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', ...year, ...clock }).format(date),
      };
    },
    [iso, nowMs] as const,
  );
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [lab, browser] = await Promise.all([startMigrationLab({ mailboxes: MAILBOXES, incrementalSyncMinutes: 60 }), openBrowser()]);
  page = browser.page;
  await createLabEndpoint(lab, 'ex2007', 4);
}, 360_000);

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
});

describe('the dashboard', () => {
  it('is served only with the function key, and may run only its own script and style', async () => {
    expect((await fetch(`${lab.host.baseUrl}/api/dashboard`)).status).toBe(401);
    const response = await page.goto(dashboardUrl());
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headers['content-security-policy']).toContain("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'");
    expect(headers['referrer-policy']).toBe('no-referrer');
    const script = await fetch(`${lab.host.baseUrl}/api/dashboard/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // A module the script imports from core; a browser's copy is revalidated, and no path reaches a file.
    const core = await fetch(`${lab.host.baseUrl}/api/dashboard/core/batch/batchTransitions.js`);
    expect([core.status, core.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(script.headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${lab.host.baseUrl}/api/dashboard/app.js`, { headers: { 'if-none-match': script.headers.get('etag')! } })).status).toBe(304);
    expect((await fetch(`${lab.host.baseUrl}/api/dashboard/core/batch%2F..%2F..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${lab.host.baseUrl}/api/dashboard/secrets.txt`)).status).toBe(404);
    await page.locator('#batch-endpoint option[value="ex2007"]').waitFor({ state: 'attached' });
    expect(await page.textContent('#no-batches')).toBe('No batches yet. Upload a CSV below to create one.');
  });

  it('shows every error of a dropped CSV inline, with its line, and creates nothing', async () => {
    await page.evaluate('window.sameDocument = true');
    // What Chromium hands a page when a file is dropped on it (tsconfig has no DOM types, hence text).
    const dataTransfer = await page.evaluateHandle(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([${JSON.stringify(BAD_CSV)}], 'Wave 1.csv', { type: 'text/csv' }));
      return transfer;
    })()`);
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
    expect(await page.inputValue('#batch-name')).toBe('Wave 1');
    expect(await page.textContent('#chosen-file')).toBe(`Chosen: Wave 1.csv (${BAD_CSV.length} B)`);
    await page.getByRole('button', { name: 'Create batch' }).click();
    await page.locator('#upload-errors').waitFor();
    const rows = await tableRows('#csv-errors');
    expect(rows).toEqual([['3', 'EmailAddress', 'InvalidEmailAddress', expect.stringContaining('"not-an-address"')]]);
    expect(await page.textContent('#csv-errors caption')).toMatch(/nothing was created/i);
    await page.screenshot({ path: path.join(ARTIFACTS, 'upload-errors.png') });
    expect(((await (await lab.api('/api/batches')).json()) as { value: unknown[] }).value).toEqual([]);
  });

  it('creates the batch from a chosen file and shows it reach Synced without a reload', async () => {
    await page.setInputFiles('#csv-file', { name: 'Wave 1.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD_CSV) });
    await page.getByRole('button', { name: 'Create batch' }).click();
    await page.locator('#batch-view:not([hidden]), #upload-errors:not([hidden])').waitFor({ timeout: 45_000 });
    expect((await page.isVisible('#upload-errors')) ? await page.textContent('#upload-errors') : 'no errors').toBe('no errors');
    expect(new URL(page.url()).hash).toBe('#/batches/wave-1');
    await page.locator('#batch-title', { hasText: /^Wave 1$/ }).waitFor({ timeout: 30_000 });
    await waitForBatchStatus('Synced', 180_000);
    // Synced allows Stop and Complete only, as the API's transition table says (core/batch/batchTransitions.ts).
    expect(await enabledActions()).toEqual(['Stop', 'Complete']);
    expect(await page.getByRole('button', { name: 'Start', exact: true }).getAttribute('title')).toBe(
      'The batch "Wave 1" is Synced; start is possible only when it is Created.',
    );
    const rows = await tableRows('#mailboxes');
    expect(rows.map((cells) => cells.slice(0, 2))).toEqual(MAILBOXES.map((m) => [m.address, 'Synced']));
    for (const cells of rows) expect(cells.slice(3, 6)).toEqual(['100 %', '6', '0']);
    // Mail only (the endpoint has no davUrl): one set of item columns, no contacts or events.
    expect(await page.$$eval('#mailboxes thead th', (cells) => cells.map((cell) => cell.textContent))).toEqual([
      'Mailbox',
      'Status',
      'Detail',
      'Progress',
      'Synced',
      'Skipped',
      'Total',
      'Bytes',
      'Last successful sync',
      'Error',
    ]);
    expect(await page.$$eval('#mailboxes progress', (bars) => bars.map((bar) => Number(bar.getAttribute('value'))))).toEqual([100, 100, 100, 100]);
    await page.locator('#chart-summary', { hasText: '24 items' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('#chart svg rect.bar').count()).toBeGreaterThan(0);
    expect(await page.evaluate('window.sameDocument')).toBe(true);
  }, 360_000);

  it('downloads the statistics report with the key', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Statistics report' }).click()]);
    expect(download.suggestedFilename()).toBe('wave-1-MigrationStatistics.csv');
    const report = readFileSync(await download.path(), 'utf8');
    expect(report).toContain('user0@contoso.com,Synced');
  });

  it('completes the batch from the keyboard, announces Completed, and shows why a second Complete is refused', async () => {
    await page.getByRole('button', { name: 'Complete', exact: true }).focus();
    await page.keyboard.press('Enter');
    await waitForBatchStatus('Completed', 180_000);
    await page.locator('#status', { hasText: 'Batch "Wave 1" is now Completed.' }).waitFor({ timeout: 30_000 });
    expect((await tableRows('#mailboxes')).map((cells) => cells[1])).toEqual(['Completed', 'Completed', 'Completed', 'Completed']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'batch-page.png'), fullPage: true });

    expect(await enabledActions()).toEqual([]);

    const refused = await lab.api('/api/batches/wave-1/complete', { method: 'POST' });
    expect(refused.status).toBe(409);
    const { detail } = (await refused.json()) as { detail: string };
    // Disabled, the button says why in the API's own words, and again when pressed anyway
    // (aria-disabled keeps it focusable and clickable, which Playwright's click would wait out).
    expect(await page.getByRole('button', { name: 'Complete', exact: true }).getAttribute('title')).toBe(detail);
    await page.getByRole('button', { name: 'Complete', exact: true }).click({ force: true });
    await page.locator('#alert', { hasText: `Complete: ${detail}` }).waitFor({ timeout: 30_000 });
  }, 360_000);

  it('lists the batch with its status and counts, back on the first page', async () => {
    await page.getByRole('link', { name: 'All batches' }).click();
    await page.locator('#batches tbody tr').waitFor();
    expect(await tableRows('#batches')).toEqual([['Wave 1', 'Completed', 'ex2007', '4', '0', '0', '4', '0', expect.any(String)]]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'batch-list.png') });
    await page.getByRole('link', { name: 'Wave 1' }).click();
    await page.locator('#batch-title', { hasText: /^Wave 1$/ }).waitFor({ timeout: 30_000 });
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    expect(browser.pageErrors).toEqual([]);
  });

  it('shows a time of today as the time of day, and one of another day with its date', async () => {
    const { createdAt } = (await (await lab.api('/api/batches/wave-1')).json()) as { createdAt: string };
    const created = Date.parse(createdAt);
    await page.getByRole('link', { name: 'All batches' }).click();
    const today = await timeForms(createdAt, Date.now());
    const listed = (await tableRows('#batches'))[0]![8];
    expect(listed).toBe(today.sameDay ? today.timeOfDay : today.withDate);
    expect(listed).not.toMatch(/\d:\d\d:\d\d/);

    // Three days later, the same instant shows its day and month; the next year, its year too.
    for (const later of [3 * 24 * 3600_000, 400 * 24 * 3600_000]) {
      await page.clock.setFixedTime(created + later);
      const { withDate, year } = await timeForms(createdAt, created + later);
      await page.getByRole('link', { name: 'Wave 1' }).click();
      await page.locator('#batch-summary dd time').first().waitFor();
      expect(await summaryValue('Created')).toBe(withDate);
      await page.getByRole('link', { name: 'All batches' }).click();
      await page.locator('#batches tbody td:last-child', { hasText: withDate }).waitFor({ timeout: 30_000 });
      expect((await tableRows('#batches'))[0]![8]).toBe(withDate);
      expect(withDate).not.toBe(today.timeOfDay);
      if (later > 366 * 24 * 3600_000) expect(withDate).toContain(year);
    }
    expect(browser.pageErrors).toEqual([]);
  });
});
