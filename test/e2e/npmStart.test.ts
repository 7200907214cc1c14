import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';

/**
 * Issue 7: `npm start` as a new user runs it (a fresh data folder, the default demo), until the
 * demo batch is Synced; the statistics it prints must match what Microsoft 365 (the sandbox) holds.
 */
const appRoot = path.resolve(__dirname, '..', '..');
let child: ChildProcess | undefined;
let dataDir: string;

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    // Ctrl+C at a terminal signals the whole process group: npm, its shell and the app.
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

function runUntil(marker: RegExp, timeoutMs: number): Promise<string> {
  dataDir = mkdtempSync(path.join(tmpdir(), 'npm-start-'));
  // As a user at a terminal would: without jest's variables.
  const { JEST_WORKER_ID: _worker, ...env } = process.env;
  child = spawn('npm', ['start'], { cwd: appRoot, env: { ...env, DEMO_DATA_DIR: dataDir, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not get there in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (marker.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
}

describe('npm start', () => {
  it('runs the demo migration to Synced and prints statistics that match Microsoft 365', async () => {
    const output = await runUntil(/Press Ctrl\+C to stop\./, 600_000);
    const synced = JSON.parse(/DEMO_SYNCED (\{.*\})/.exec(output)![1]!) as { sandbox: string; caFile: string; baseUrl: string };
    expect(output).toMatch(/Seeded 36 legacy mailboxes with \d+ messages/);
    expect(output).toMatch(/Batch demo-wave-1 is Synced\./);
    expect(output).toMatch(/Dashboard: +http:\/\/127\.0\.0\.1:\d+\/api\/dashboard\?code=/);

    const rows = [...output.matchAll(/^(\S+@contoso\.com)\s+(\S+)\s+(\d+)%\s+(\d+)\/(\d+)\s/gm)].map((m) => ({ address: m[1]!, status: m[2]!, synced: Number(m[4]), total: Number(m[5]) }));
    expect(rows).toHaveLength(36);
    const dispatcher = new Agent({ connect: { ca: readFileSync(synced.caFile, 'utf8') } });
    for (const row of rows) {
      expect(row.status).toBe('Synced');
      const mailbox = (await (await fetch(`${synced.sandbox}/_sandbox/mailboxes/${row.address}`, { dispatcher })).json()) as { folders: { messages: unknown[] }[] };
      const inCloud = mailbox.folders.reduce((n, f) => n + f.messages.length, 0);
      expect({ address: row.address, printed: row.synced }).toEqual({ address: row.address, printed: inCloud });
      expect(row.synced).toBe(row.total);
    }
  });
});
