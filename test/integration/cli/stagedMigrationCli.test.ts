import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LabMailbox, type MigrationLab, startMigrationLab, waitFor } from '../../support/migrationLab';
import { type CliRun, runBuiltCli } from './runBuiltCli';

/**
 * Issue 7's CLI, the built bin in its own process, scripting the real app under the devhost:
 * Dovecot with a master user as the legacy server, OpenLDAP, and the Microsoft 365 sandbox.
 */
const MAILBOXES: LabMailbox[] = ['ann', 'bob', 'cyd'].map((name) => ({ address: `${name}@contoso.com`, messages: 5 }));

let lab: MigrationLab;
let folder: string;
let env: Record<string, string>;

/** Runs the CLI with the lab's URL and key in the environment; no run may ever print the key. */
async function cli(args: string[], options: { stdin?: string; env?: Record<string, string>; terminal?: boolean } = {}): Promise<CliRun> {
  const run = await runBuiltCli(args, {
    env: options.env ?? env,
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    cwd: folder,
    terminal: options.terminal === true,
  });
  expect(run.stdout + run.stderr).not.toContain(lab.host.functionKey);
  return run;
}

const REDRAW = new RegExp(`${String.fromCharCode(27)}\\[(\\d+)A${String.fromCharCode(27)}\\[0J`);

/** What a terminal shows at the end: each cursor-up-and-clear erases the lines drawn before it. */
function toScreen(output: string): string[] {
  const lines: string[] = [];
  for (const part of output.replace(/\r\n/g, '\n').split(new RegExp(`(?=${REDRAW.source})`))) {
    const redraw = REDRAW.exec(part);
    if (redraw) lines.splice(lines.length - Number(redraw[1]));
    lines.push(
      ...part
        .slice(redraw ? redraw[0].length : 0)
        .split('\n')
        .slice(0, -1),
    );
  }
  return lines;
}

function writeCsv(name: string, lines: string[]): string {
  const file = path.join(folder, name);
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'cli-test-'));
  lab = await startMigrationLab({ mailboxes: MAILBOXES, incrementalSyncMinutes: 60 });
  env = { MIGRATION_API_URL: lab.host.baseUrl, MIGRATION_API_KEY: lab.host.functionKey };
}, 360_000);

afterAll(async () => {
  await lab?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('staged-migration endpoints', () => {
  it('creates an endpoint with the master password from stdin, then lists and shows it without the password', async () => {
    const { masterUser, port } = lab.dovecot;
    const created = await cli(
      [
        'endpoints',
        'create',
        '--name',
        'legacy',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--security',
        'none',
        '--admin-user',
        masterUser.name,
        '--admin-login-format',
        '{user}*{admin}',
        '--password-stdin',
        '--max-concurrent-migrations',
        '2',
      ],
      { stdin: `${masterUser.password}\n` },
    );
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^Endpoint legacy created\.\n/);
    expect(created.stdout).toMatch(/Password: +stored/);
    expect(created.stdout).toMatch(/Moves: +mail\n/);
    expect(created.stdout).not.toContain(masterUser.password);

    const list = await cli(['endpoints', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME +HOST +PORT +SECURITY +ADMIN +MIGRATIONS +INCREMENTAL +PASSWORD$/);
    expect(list.stdout).toMatch(new RegExp(`^legacy +127\\.0\\.0\\.1 +${port} +none +${masterUser.name} +2 +10 +stored$`, 'm'));

    const shown = await cli(['endpoints', 'show', 'legacy', '--json']);
    expect(shown.code).toBe(0);
    const endpoint = JSON.parse(shown.stdout) as Record<string, unknown>;
    expect(endpoint).toMatchObject({ name: 'legacy', port, security: 'none', adminUserName: masterUser.name, hasPassword: true, maxConcurrentMigrations: 2 });
    expect(shown.stdout).not.toContain(masterUser.password);
  });

  it('creates an endpoint that moves contacts and calendars too, with --dav-url', async () => {
    const created = await cli([
      'endpoints',
      'create',
      '--name',
      'groupware',
      '--host',
      'mail.contoso.com',
      '--dav-url',
      'https://mail.contoso.com/dav/{user}/',
    ]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^DAV URL: +https:\/\/mail\.contoso\.com\/dav\/\{user\}\/$/m);
    expect(created.stdout).toMatch(/^Moves: +mail, contacts, calendars$/m);
  });

  it("prints the API's refusal of a duplicate endpoint and of an unknown one, exiting 1", async () => {
    const duplicate = await cli(['endpoints', 'create', '--name', 'legacy', '--host', 'other.example']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/^Error: The endpoint exists\. \(HTTP 409\)\n {2}name: /);
    const missing = await cli(['endpoints', 'show', 'nowhere']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe('Error: The endpoint does not exist. (HTTP 404)\n  name: No migration endpoint is named "nowhere". (EndpointNotFound)\n');
  });
});

describe('staged-migration batches', () => {
  it('prints every error of a bad CSV with its line and column, exits 1 and creates nothing', async () => {
    const file = writeCsv('bad.csv', ['EmailAddress', 'ann@contoso.com', 'not-an-address', 'ann@contoso.com']);
    const run = await cli(['batches', 'create', '--name', 'Wave 1', '--endpoint', 'legacy', '--file', file]);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Error: .+ \(HTTP 400\)$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}line 3, column EmailAddress: .*not-an-address.* \(InvalidEmailAddress\)$/),
      expect.stringMatching(/^ {2}line 4, column EmailAddress: .* \(DuplicateEmailAddress\)$/),
    ]);
    const list = await cli(['batches', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('creates a batch from a good CSV, which starts on its own', async () => {
    const file = writeCsv('wave-1.csv', ['EmailAddress', ...MAILBOXES.map((m) => m.address)]);
    const run = await cli([
      'batches',
      'create',
      '--name',
      'Wave 1',
      '--endpoint',
      'legacy',
      '--file',
      file,
      '--notify',
      'admin@contoso.onmicrosoft.com,ops@contoso.com',
      '--incremental-hours',
      '48',
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^Batch wave-1 created with 3 mailboxes\.\n/);
    expect(run.stdout).toMatch(/^Notify: +admin@contoso\.onmicrosoft\.com, ops@contoso\.com$/m);
    expect(run.stdout).toMatch(/^Incremental sync: +every 48 h$/m);
  });

  it('watches the batch to Synced with plain timestamped lines when stdout is not a terminal', async () => {
    const run = await cli(['batches', 'status', 'wave-1', '--watch', '--interval', '0.5']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(run.stdout).not.toContain('\x1b[');
    expect(lines.at(-1)).toBe('Batch wave-1 is Synced.');
    const batchLines = lines.filter((l) => /^\d{4}-\d\d-\d\dT/.test(l));
    expect(batchLines.length).toBeGreaterThanOrEqual(2);
    expect(batchLines[0]).toMatch(/^\S+Z wave-1 (Validating|Syncing)\S* .*\d+% \d\/3 mailboxes +0\.0 msg\/s$/);
    expect(batchLines.at(-1)).toMatch(/^\S+Z wave-1 Synced 100% 3\/3 mailboxes +\d+\.\d msg\/s$/);
    expect(
      lines.filter((l) => l.startsWith('  ')).every((l) => /^ {2}(ann|bob|cyd)@contoso\.com (Provisioning|Syncing|Completing) \d+% \d+\/\d+ items$/.test(l)),
    ).toBe(true);
  }, 300_000);

  it('shows the batch and every mailbox, paging through nextLink', async () => {
    const run = await cli(['batches', 'show', 'wave-1', '--page-size', '1']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^Status: +Synced$/m);
    expect(run.stdout).toMatch(/^Mailboxes: +3: Synced 3$/m);
    expect(run.stdout).toMatch(/^MAILBOX +STATUS +PERCENT +ITEMS +BYTES +ERROR$/m);
    for (const { address } of MAILBOXES) expect(run.stdout).toMatch(new RegExp(`^${address} +Synced +100% +5/5 +\\d+\\.\\d KB$`, 'm'));
    const json = JSON.parse((await cli(['batches', 'show', 'wave-1', '--page-size', '2', '--json'])).stdout) as {
      status: string;
      mailboxes: { emailAddress: string }[];
    };
    expect(json.status).toBe('Synced');
    expect(json.mailboxes.map((m) => m.emailAddress).sort()).toEqual(MAILBOXES.map((m) => m.address));
  });

  it('downloads both reports into the --out folder', async () => {
    const out = path.join(folder, 'reports');
    const run = await cli(['reports', 'download', 'wave-1', '--out', out]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^Wrote .*MigrationStatistics\.csv \(\d+ B\)\.\nWrote .*MigrationErrors\.csv \(\d+ B\)\.\n$/);
    const statistics = readFileSync(path.join(out, 'MigrationStatistics.csv'), 'utf8');
    expect(statistics).toContain('EmailAddress,Status');
    for (const { address } of MAILBOXES) expect(statistics).toContain(`${address},Synced`);
    expect(readFileSync(path.join(out, 'MigrationErrors.csv')).length).toBeGreaterThan(0);
  });

  it('refuses to start a running batch and to complete it twice, printing the refusal and exiting 1', async () => {
    const start = await cli(['batches', 'start', 'wave-1']);
    expect(start).toMatchObject({ code: 1, stdout: '' });
    expect(start.stderr).toMatch(
      /^Error: The batch cannot do that now\. \(HTTP 409\)\n {2}The batch "Wave 1" is Synced; start is possible only when it is Created\. \(\w+\)\n$/,
    );

    const complete = await cli(['batches', 'complete', 'wave-1']);
    expect(complete).toMatchObject({ code: 0, stderr: '' });
    // The API answers 202 with the batch as it is; the orchestrator moves it on when it takes the event.
    expect(complete.stdout).toMatch(/^Batch wave-1: complete accepted; status (Synced|Completing|Completed)\.\n$/);
    const completing = await waitFor(
      'the batch to leave Synced',
      async () => {
        const line = JSON.parse((await cli(['batches', 'status', 'wave-1', '--json'])).stdout) as { status: string; done: number; mailboxCount: number };
        return line.status === 'Synced' ? undefined : line;
      },
      90_000,
    );
    expect(completing).toMatchObject({ status: expect.stringMatching(/^Complet/), mailboxCount: 3 });
    const again = await cli(['batches', 'complete', 'wave-1', '--json']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^Error: The batch cannot do that now\. \(HTTP 409\)\n {2}The batch "Wave 1" is Complet\w+; complete is possible only when it is Synced, SyncedWithErrors\./,
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 409, title: 'The batch cannot do that now.' });

    // On a terminal: bars redrawn in place instead of timestamped lines.
    const watched = await cli(['batches', 'status', 'wave-1', '--watch', '--interval', '0.5'], { terminal: true });
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/^\[[#-]{20}\] +\d+% {2}wave-1 {2}Complet/);
    expect(toScreen(watched.stdout)).toEqual([
      expect.stringMatching(/^\[#{20}\] 100% {2}wave-1 {2}Completed {2}3\/3 mailboxes {2}\d+\.\d msg\/s$/),
      'Batch wave-1 is Completed.',
    ]);
  }, 240_000);

  it('creates a batch without starting it, lists it and removes it', async () => {
    const file = writeCsv('wave-2.csv', ['EmailAddress', 'dee@contoso.com']);
    const created = await cli(['batches', 'create', '--name', 'Wave 2', '--endpoint', 'legacy', '--file', file, '--no-auto-start']);
    expect(created.stdout).toMatch(/^Batch wave-2 created with 1 mailboxes \(not started\)\.\n/);
    const list = await cli(['batches', 'list']);
    expect(list.stdout).toMatch(/^wave-1 +Wave 1 +legacy +Completed +3 +0 +3 +0 /m);
    expect(list.stdout).toMatch(/^wave-2 +Wave 2 +legacy +Created +1 /m);
    const removed = await cli(['batches', 'remove', 'wave-2']);
    expect(removed).toMatchObject({ code: 0, stdout: 'Batch wave-2 removed.\n' });
    const gone = await cli(['batches', 'show', 'wave-2']);
    expect(gone).toMatchObject({ code: 1, stderr: 'Error: The batch does not exist. (HTTP 404)\n  id: No batch has the id "wave-2". (BatchNotFound)\n' });
  });
});

describe('staged-migration usage and connection errors', () => {
  it.each([
    [['batches', 'show'], 'Error: Missing <id>.\nRun "staged-migration batches show --help" for its options.\n'],
    [['batches', 'show', 'a', 'b'], 'Error: Unexpected argument "b".\nRun "staged-migration batches show --help" for its options.\n'],
    [
      ['batches', 'create', '--name', 'x'],
      'Error: Missing required options --endpoint, --file.\nRun "staged-migration batches create --help" for its options.\n',
    ],
    [
      ['endpoints', 'create', '--name', 'x', '--host', 'h', '--port', 'abc'],
      'Error: --port must be a whole number from 1 to 65535, not "abc".\nRun "staged-migration endpoints create --help" for its options.\n',
    ],
    [
      ['endpoints', 'create', '--name', 'x', '--host', 'h', '--password', 'secret'],
      'Error: Unknown option \'--password\'.\nRun "staged-migration endpoints create --help" for its options.\n',
    ],
    [
      ['reports', 'download', 'wave-1', '--kind', 'all'],
      'Error: --kind must be one of statistics, errors, both, not "all".\nRun "staged-migration reports download --help" for its options.\n',
    ],
  ])('%j exits 2 saying what is wrong', async (args, stderr) => {
    expect(await cli(args)).toEqual({ code: 2, stdout: '', stderr });
  });

  it('names a CSV file that cannot be read, exiting 2 before calling the API', async () => {
    const run = await cli(['batches', 'create', '--name', 'x', '--endpoint', 'legacy', '--file', 'missing.csv']);
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'Error: Cannot read the CSV file missing.csv: it does not exist.\n' });
  });

  it("prints a command's help on stdout and exits 0", async () => {
    const run = await cli(['batches', 'status', '--help']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^Usage: staged-migration batches status <id> \[options\]\n/);
    expect(run.stdout).toMatch(/^ {2}--interval SECONDS +Seconds between polls/m);
  });

  it('says the key is missing, and that a wrong one was refused, without printing it', async () => {
    const noKey = await cli(['batches', 'list'], { env: { MIGRATION_API_URL: lab.host.baseUrl } });
    expect(noKey).toEqual({ code: 2, stdout: '', stderr: 'Error: No function key: set MIGRATION_API_KEY (or pass --key).\n' });
    const wrong = await cli(['batches', 'list', '--key', 'not-the-key-4711'], { env });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('Error: Unauthorized (HTTP 401)\n  The function key was refused: check MIGRATION_API_KEY or --key.\n');
  });

  it('names the URL it could not reach, and --url wins over the environment', async () => {
    const run = await cli(['endpoints', 'list', '--url', 'http://127.0.0.1:59999/']);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe('Error: Cannot reach http://127.0.0.1:59999/api/endpoints: connect ECONNREFUSED 127.0.0.1:59999\n');
  });
});
