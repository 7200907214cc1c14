import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { findFreePort } from '../net/findFreePort';
import { PortTakenError, retryWhenPortTaken } from '../net/retryWhenPortTaken';
import { waitUntilServing } from '../net/waitUntilServing';
import { spawnServer } from '../process/spawnServer';
import type { DavAccount } from './seedDav';

export interface RadicaleUser {
  name: string;
  password: string;
}

export interface StartRadicaleOptions {
  users: RadicaleUser[];
  /**
   * Who may reach whose collections: `owner_only` (default; each user `/<user>/` only), or `authenticated`
   * (any logged-in user everything), which stands in for a groupware server's admin account reading every
   * user's address books and calendars, as the migration's admin login does at the source.
   */
  rights?: 'owner_only' | 'authenticated';
}

export interface RunningRadicale {
  /** `http://127.0.0.1:<port>/`: every user's principal, calendar home and address book home is `<url><user>/`. */
  url: string;
  host: string;
  port: number;
  /** The users as they are now (addUser() adds to them). */
  users: RadicaleUser[];
  /** A user's login and URL, for seedDav() and the DAV source. */
  account(name: string): DavAccount;
  /** Adds or replaces a user; Radicale reads the htpasswd file on every login, so it counts at once. */
  addUser(name: string, password: string): Promise<void>;
  /** The server's process id and temporary folder, so tests can check that stop() leaves nothing behind. */
  pid: number;
  dataDir: string;
  /** What Radicale printed so far (its log, at level warning). */
  output(): string;
  /** Kills Radicale and removes its folder; calling it again does nothing more. */
  stop(): Promise<void>;
}

export const RADICALE_BINARY = '/usr/bin/radicale';
/** The interpreter Debian's /usr/bin/radicale runs (its `#!` line). */
const SYSTEM_PYTHON = '/usr/bin/python3';
/**
 * Runs Debian's Radicale as /usr/bin/radicale does, with one change: items are not fsynced.
 * `_filesystem_fsync` is an internal option that Radicale refuses in a config file and on the
 * command line; its own test suite turns it off the same way, through the option's default.
 * Test data is disposable (as with Dovecot's `mail_fsync = never`), and on a busy disk the fsyncs
 * double the time a PUT takes. Should a later Radicale drop the option, it just runs with fsync.
 */
const RUN_RADICALE_WITHOUT_FSYNC = [
  'import sys',
  'from radicale import config',
  'option = config.DEFAULT_CONFIG_SCHEMA.get("storage", {}).get("_filesystem_fsync")',
  'if option is not None: option["value"] = "False"',
  'from radicale.__main__ import run',
  'sys.argv[0] = "radicale"',
  'run()',
].join('\n');
/** Radicale (Python) starts in about 0.3 s; generous for a loaded 2-core machine. A bad config is reported at once. */
const START_TIMEOUT_MS = 60_000;

/**
 * Starts a private Radicale (Debian `radicale`, 3.1.x), a real CalDAV (RFC 4791) and CardDAV
 * (RFC 6352) server with sync-collection (RFC 6578), on 127.0.0.1 and a free port, plain HTTP.
 * Its config, htpasswd file and collections live in one temporary folder. It runs as a child of
 * this process, in a process group of its own and tethered to it (spawnServer): stop(), or this
 * process dying by any means, ends it; stop() (or the tether) also removes the folder.
 *
 * Users log in with Basic auth against an htpasswd file with plain passwords (`htpasswd_encryption
 * = plain`): Radicale 3.1.8 also reads MD5-APR1 (through python3-passlib), and bcrypt only with
 * python3-bcrypt, which the Debian package does not pull in. Each user may only reach `/<user>/`
 * (`rights = owner_only`); Radicale creates that principal collection at the user's first request.
 * Failed logins are answered at once (`delay = 0`) so wrong-password tests stay fast.
 */
export async function startRadicale(options: StartRadicaleOptions): Promise<RunningRadicale> {
  if (!existsSync(RADICALE_BINARY)) throw new Error('Radicale is not installed: apt-get install -y --no-install-recommends radicale');
  for (const user of options.users) checkUser(user);
  return retryWhenPortTaken(() => startOnce(options));
}

async function startOnce(options: StartRadicaleOptions): Promise<RunningRadicale> {
  const root = await mkdtemp(join(tmpdir(), 'radicale-'));
  await chmod(root, 0o700);
  await mkdir(join(root, 'collections'));
  const htpasswdPath = join(root, 'users');
  let users = [...options.users];
  await writeHtpasswd(htpasswdPath, users);

  const port = await findFreePort();
  const configPath = join(root, 'config');
  await writeFile(configPath, renderRadicaleConfig({ root, port, htpasswdPath, ...(options.rights ? { rights: options.rights } : {}) }));

  const server = spawnServer(SYSTEM_PYTHON, ['-c', RUN_RADICALE_WITHOUT_FSYNC, '--config', configPath], {
    env: radicaleEnvironment(root),
    removeFolderOnDeath: root,
  });
  let output = '';
  server.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close' comes after the last of its output has been read ('exit' may come before).
  const outputComplete = new Promise<void>((resolve) => server.child.once('close', () => resolve()));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    // SIGKILL to the group: nothing in this throwaway server is worth a graceful stop (its folder goes next).
    stopping ??= server.kill().then(() => rm(root, { recursive: true, force: true }));
    return stopping;
  };

  try {
    await waitUntilServing(() => answersHttp(port), server.exited, START_TIMEOUT_MS, `HTTP answer on port ${port}`);
  } catch (error) {
    await stop();
    await Promise.race([outputComplete, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    if (/Address already in use|Errno 98/.test(output)) throw new PortTakenError(output);
    throw new Error(`Radicale did not start: ${(error as Error).message}\n${output}`.trim());
  }

  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    host: '127.0.0.1',
    port,
    get users() {
      return [...users];
    },
    account: (name) => {
      const user = users.find((u) => u.name === name);
      if (!user) throw new Error(`Radicale has no user "${name}"`);
      return { url, username: user.name, password: user.password };
    },
    addUser: async (name, password) => {
      checkUser({ name, password });
      users = [...users.filter((u) => u.name !== name), { name, password }];
      await writeHtpasswd(htpasswdPath, users);
    },
    pid: server.pid,
    dataDir: root,
    output: () => output,
    stop,
  };
}

interface RadicaleConfigInput {
  root: string;
  port: number;
  htpasswdPath: string;
  rights?: 'owner_only' | 'authenticated';
}

/**
 * Radicale also reads /etc/radicale/config (Debian's sets `auth = remote_user` and `rights =
 * from_file`) and ~/.config/radicale/config before the file given with --config, so every setting
 * those may hold is set here again; HOME points into the temporary folder. Radicale refuses its
 * internal options in a config file; `_filesystem_fsync` is turned off by RUN_RADICALE_WITHOUT_FSYNC.
 */
export function renderRadicaleConfig(input: RadicaleConfigInput): string {
  return `# Generated by tools/radicale/startRadicale.ts
[server]
hosts = 127.0.0.1:${input.port}
ssl = False
max_connections = 20
timeout = 30

[encoding]
request = utf-8
stock = utf-8

[auth]
type = htpasswd
htpasswd_filename = ${input.htpasswdPath}
htpasswd_encryption = plain
delay = 0

[rights]
type = ${input.rights ?? 'owner_only'}

[storage]
type = multifilesystem
filesystem_folder = ${input.root}/collections
hook =

[web]
type = none

[logging]
level = warning
mask_passwords = True
`;
}

/** The user name becomes a path segment and an htpasswd field: no `:`, `/`, white space or line break. */
function checkUser(user: RadicaleUser): void {
  if (!/^[^\s:/\\]+$/.test(user.name) || user.name.startsWith('.')) throw new Error(`invalid test user name "${user.name}"`);
  if (/[\r\n]/.test(user.password)) throw new Error(`password of ${user.name} contains a line break`);
}

/** `name:password` lines; written to a side file and renamed, so a login never reads half of it. */
async function writeHtpasswd(path: string, users: readonly RadicaleUser[]): Promise<void> {
  const temporary = `${path}.new`;
  await writeFile(temporary, users.map((u) => `${u.name}:${u.password}\n`).join(''), { mode: 0o600 });
  await rename(temporary, path);
}

/** Debian's /usr/bin/radicale runs /usr/bin/python3: keep a pyenv's or virtualenv's Python settings away from it. */
function radicaleEnvironment(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(PYTHON|VIRTUAL_ENV|PYENV)/.test(key)) env[key] = value;
  return { ...env, HOME: root, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' };
}

/** True once Radicale answers HTTP at all (its root redirects to the web interface, or 404 with `web = none`). */
function answersHttp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'OPTIONS', path: '/', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
