import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { seedDav } from '../../tools/radicale/seedDav';
import { openBrowser, type TestBrowser } from '../support/browser';
import { runBuiltCli } from '../integration/cli/runBuiltCli';
import { type LabMailbox, type MigrationLab, createLabEndpoint, startMigrationLab } from '../support/migrationLab';

/**
 * The dashboard splits a mailbox's items by type (mail, contacts, events: synced, skipped, total),
 * as Get-MigrationUserStatistics reports them, once a batch's endpoint moves contacts and calendars;
 * a batch that moves mail only keeps its one set of item columns. One mailbox, Radicale as its
 * CalDAV/CardDAV server, the app under the devhost and headless Chromium; and the CLI's
 * `batches show` of the same batches.
 */
const MAILBOXES: LabMailbox[] = [{ address: 'ann@contoso.com', messages: 3 }];
const ARTIFACTS = path.resolve(__dirname, '../artifacts');

let lab: MigrationLab;
let browser: TestBrowser;
let page: Page;

const vcard = (uid: string, name: string) => `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:${uid}\r\nN:${name};;;;\r\nFN:${name}\r\nEND:VCARD\r\n`;
const EVENT = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Test//Migration//EN',
  'BEGIN:VEVENT',
  'UID:review-ann@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART:20070305T093000Z',
  'DTEND:20070305T100000Z',
  'SUMMARY:Review',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

async function createBatch(name: string, endpoint: string, address: string, autoStart: boolean): Promise<void> {
  const response = await lab.api(`/api/batches?name=${name}&endpoint=${endpoint}&autoStart=${autoStart}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: `EmailAddress\n${address}\n`,
  });
  if (response.status !== 201) throw new Error(`Creating batch ${name} failed: ${response.status} ${await response.text()}`);
}

/** The text of each header row of the mailbox table. */
async function headerRows(): Promise<string[][]> {
  return page.$$eval('#mailboxes thead tr', (rows) => rows.map((row) => [...row.children].map((cell) => (cell.textContent ?? '').trim())));
}

async function firstMailboxRow(): Promise<string[]> {
  return page.$$eval('#mailboxes tbody tr:first-child > *', (cells) => cells.map((cell) => (cell.textContent ?? '').trim()));
}

async function openBatch(id: string, title: string): Promise<void> {
  await page.goto(`${lab.host.baseUrl}/api/dashboard?code=${encodeURIComponent(lab.host.functionKey)}#/batches/${id}`);
  await page.locator('#batch-title', { hasText: new RegExp(`^${title}$`) }).waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [lab, browser] = await Promise.all([startMigrationLab({ mailboxes: MAILBOXES, incrementalSyncMinutes: 60, radicale: true }), openBrowser()]);
  page = browser.page;
  await seedDav(lab.radicale!.account('ann@contoso.com'), {
    addressBooks: [{ name: 'contacts', displayName: 'Contacts', vcards: [vcard('ann-1', 'Dana Diaz'), vcard('ann-2', 'Eli Eze')] }],
    calendars: [{ name: 'calendar', displayName: 'Calendar', events: [EVENT] }],
  });
  await createLabEndpoint(lab, 'zimbra', 1, { davUrl: `${lab.radicale!.url}{user}/` });
  await createLabEndpoint(lab, 'mailonly', 1);
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
});

describe('the dashboard with contacts and calendars', () => {
  it('shows mail, contacts and events each as synced, skipped and total', async () => {
    await createBatch('groupware', 'zimbra', 'ann@contoso.com', true);
    await openBatch('groupware', 'groupware');
    await page.locator('#batch-status .badge', { hasText: /^Synced$/ }).waitFor({ timeout: 300_000 });
    await page.getByRole('columnheader', { name: 'Contacts' }).waitFor({ timeout: 30_000 });
    const synced = ['Synced', 'Skipped', 'Total'];
    expect(await headerRows()).toEqual([
      ['Mailbox', 'Status', 'Detail', 'Progress', 'Mail', 'Contacts', 'Events', 'Bytes', 'Last successful sync', 'Error'],
      [...synced, ...synced, ...synced],
    ]);
    const row = await firstMailboxRow();
    expect(row.slice(0, 2)).toEqual(['ann@contoso.com', 'Synced']);
    // Mail 3/0/3, contacts 2/0/2, events 1/0/1.
    expect(row.slice(4, 13)).toEqual(['3', '0', '3', '2', '0', '2', '1', '0', '1']);
    // Each group's header spans its three figures, so a screen reader names a cell "Events, Total".
    expect(await page.$$eval('#mailboxes > colgroup', (groups) => groups.map((g) => g.getAttribute('span')))).toEqual(['4', '3', '3', '3', '3']);
    expect(await page.getByRole('columnheader', { name: 'Events' }).getAttribute('scope')).toBe('colgroup');
    await page.screenshot({ path: path.join(ARTIFACTS, 'batch-groupware.png'), fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  }, 420_000);

  it('shows a batch that moves mail only with its one set of item columns', async () => {
    await createBatch('mail-only', 'mailonly', 'bob@contoso.com', false);
    await openBatch('mail-only', 'mail-only');
    await page.locator('#mailboxes tbody tr').waitFor({ timeout: 30_000 });
    expect(await headerRows()).toEqual([['Mailbox', 'Status', 'Detail', 'Progress', 'Synced', 'Skipped', 'Total', 'Bytes', 'Last successful sync', 'Error']]);
    expect(await page.locator('#mailboxes > colgroup').count()).toBe(0);
    expect((await firstMailboxRow()).slice(4, 7)).toEqual(['0', '0', '0']);
    expect(browser.pageErrors).toEqual([]);
  });
});

describe('the CLI with contacts and calendars', () => {
  it("splits batches show's items into mail, contacts and events, and keeps ITEMS for mail only", async () => {
    const env = { MIGRATION_API_URL: lab.host.baseUrl, MIGRATION_API_KEY: lab.host.functionKey };
    const groupware = await runBuiltCli(['batches', 'show', 'groupware'], { env });
    expect(groupware).toMatchObject({ code: 0, stderr: '' });
    expect(groupware.stdout).toMatch(/^MAILBOX +STATUS +PERCENT +MAIL +CONTACTS +EVENTS +BYTES +ERROR$/m);
    expect(groupware.stdout).toMatch(/^ann@contoso\.com +Synced +100% +3\/3 +2\/2 +1\/1 +\d+(\.\d)? KB$/m);
    const mailOnly = await runBuiltCli(['batches', 'show', 'mail-only'], { env });
    expect(mailOnly.stdout).toMatch(/^MAILBOX +STATUS +PERCENT +ITEMS +BYTES +ERROR$/m);
  });
});
