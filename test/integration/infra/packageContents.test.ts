import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DashboardAssets, SCRIPT_ADDRESSES } from '../../../src/dashboard/dashboardAssets';

/**
 * Issue 12: what `azd deploy` ships. azd zips the api service's `dist:` folder, which its prepackage hook
 * (scripts/package-app.js) fills; this builds the package with that same hook command into a temporary
 * folder (the npm registry is the only thing it reaches) and checks what is inside: the app compiled from
 * src/, host.json, package.json, the lock and the production dependencies, and nothing else.
 */
const root = path.resolve(__dirname, '..', '..', '..');
const azureYaml = readFileSync(path.join(root, 'azure.yaml'), 'utf8');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; devDependencies: Record<string, string> };
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; dependencies?: Record<string, string> }>;
};

let work: string;
let pkg: string;
let built: Ran;

interface Ran {
  status: number | null;
  output: string;
}

/** Runs a command in its own process group, and ends the whole group when it is done or too slow. */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const endGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group has already ended
      }
    };
    const timer = setTimeout(() => {
      output += `\n[killed after ${options.timeoutMs} ms]`;
      endGroup();
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      endGroup();
      resolve({ status, output });
    });
  });
}

/** The api service's settings in azure.yaml (read as text: the project has no YAML parser of its own). */
function apiService(): { dist: string | undefined; remoteBuild: string | undefined; posixHook: string | undefined; windowsHook: string | undefined } {
  const block = azureYaml.slice(azureYaml.indexOf('\n  api:'), azureYaml.indexOf('\nhooks:'));
  const hook = (shell: string) => new RegExp(`prepackage:[\\s\\S]*?shell: ${shell}\\s*\\n\\s*run: (.+)`).exec(block)?.[1]?.trim();
  return {
    dist: /\n {4}dist: (\S+)/.exec(block)?.[1],
    remoteBuild: /\n {4}remoteBuild: (\S+)/.exec(block)?.[1],
    posixHook: hook('sh'),
    windowsHook: hook('pwsh'),
  };
}

/** Every path under `folder`, relative to it, folders with a trailing slash; node_modules is not entered. */
function pathsOutsideNodeModules(folder: string, prefix = ''): string[] {
  return readdirSync(path.join(folder, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${prefix}${entry.name}`;
    if (!entry.isDirectory()) return [relative];
    if (relative === 'node_modules') return [`${relative}/`];
    return [`${relative}/`, ...pathsOutsideNodeModules(folder, `${relative}/`)];
  });
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'app-package-'));
  pkg = path.join(work, 'package');
  const hook = apiService().posixHook ?? 'node scripts/package-app.js';
  built = await run('sh', ['-c', `${hook} --out "${pkg}"`], { cwd: root, timeoutMs: 160_000 });
}, 170_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the deployment package (azd package / azd deploy)', () => {
  it('is the folder azure.yaml zips, filled by its prepackage hook, with node_modules kept', async () => {
    const service = apiService();
    expect(service).toEqual({
      dist: 'dist/azure-functions',
      remoteBuild: 'false',
      posixHook: 'node scripts/package-app.js',
      windowsHook: 'node scripts/package-app.js',
    });
    // Run as the hook runs (no --out), the script fills exactly the folder azd zips.
    const dry = await run('sh', ['-c', service.posixHook!], { cwd: root, env: { ...process.env, DRY_RUN: '1' }, timeoutMs: 30_000 });
    expect(dry.status).toBe(0);
    expect(dry.output).toContain(`dry run: would package into ${path.join(root, service.dist!)}\n`);
    // azd applies a .funcignore found in the zipped folder, and refuses remoteBuild: false when the
    // project's .funcignore leaves out node_modules: neither may be there.
    expect(existsSync(path.join(pkg, '.funcignore'))).toBe(false);
    const projectIgnore = path.join(root, '.funcignore');
    if (existsSync(projectIgnore)) expect(readFileSync(projectIgnore, 'utf8')).not.toMatch(/^(\*\*\/|\/)?node_modules(\/(\*\*)?)?\s*$/m);
  });

  it('holds dist/src, host.json, package.json, package-lock.json and node_modules, and nothing else', () => {
    expect(built.output).not.toContain('[killed after');
    expect(built.status).toBe(0);
    expect(readdirSync(pkg).sort()).toEqual(['dist', 'host.json', 'node_modules', 'package-lock.json', 'package.json']);
    expect(readdirSync(path.join(pkg, 'dist'))).toEqual(['src']);
    for (const file of ['host.json', 'package.json', 'package-lock.json']) {
      expect(readFileSync(path.join(pkg, file), 'utf8')).toBe(readFileSync(path.join(root, file), 'utf8'));
    }
    const paths = pathsOutsideNodeModules(pkg);
    const stray = paths.filter(
      (p) =>
        /^(dist\/)?(tools|test|bench|scripts|infra|coverage)\//.test(p) ||
        /\.(ts|map)$/.test(p) ||
        /(^|\/)(local\.settings\.json|\.funcignore|\.tsbuildinfo)$/.test(p),
    );
    expect(stray).toEqual([]);
    expect(paths).toContain('dist/src/index.js');
  });

  it("holds the dashboard's browser code, compiled by its own tsconfig, where the dashboard function reads it", async () => {
    expect(built.status).toBe(0);
    const packaged = new DashboardAssets(path.join(pkg, 'dist', 'src', 'dashboard', 'static'));
    for (const address of SCRIPT_ADDRESSES) {
      expect({ address, packaged: (await packaged.get(address).catch(() => undefined)) !== undefined }).toEqual({ address, packaged: true });
    }
  });

  it('holds no development package: only what a production dependency needs, exactly as locked', () => {
    expect(built.status).toBe(0);
    const modules = path.join(pkg, 'node_modules');
    for (const name of ['azurite', 'playwright-core', 'typescript', 'jest', 'ts-jest', 'eslint', '@types/node']) {
      expect(existsSync(path.join(modules, name))).toBe(false);
    }
    // A devDependency may be there only when the lock says a production package needs it too
    // (fast-xml-parser: @azure/core-xml, under @azure/data-tables and @azure/storage-blob, loads it).
    for (const name of Object.keys(manifest.devDependencies)) {
      if (!existsSync(path.join(modules, name))) continue;
      const entry = lock.packages[`node_modules/${name}`];
      expect({ name, dev: entry?.dev ?? false }).toEqual({ name, dev: false });
      const neededBy = Object.entries(lock.packages).filter(([at, info]) => at !== '' && !info.dev && info.dependencies?.[name]);
      expect({ name, neededBy: neededBy.length > 0 }).toEqual({ name, neededBy: true });
    }
    const devInstalled = Object.entries(lock.packages)
      .filter(([at, info]) => info.dev && existsSync(path.join(pkg, at)))
      .map(([at]) => at);
    expect(devInstalled).toEqual([]);
    const installed = readdirSync(modules).flatMap((name) =>
      name.startsWith('@') ? readdirSync(path.join(modules, name)).map((inner) => `${name}/${inner}`) : name.startsWith('.') ? [] : [name],
    );
    const unlocked = installed.filter((name) => {
      const entry = lock.packages[`node_modules/${name}`];
      return !entry || entry.dev;
    });
    expect(unlocked).toEqual([]);
    expect(installed.length).toBeGreaterThan(100);
  });

  it('resolves package.json "main" inside the package, and the app loads from the package alone', async () => {
    expect(built.status).toBe(0);
    const main = path.resolve(pkg, manifest.main);
    expect(main.startsWith(pkg + path.sep)).toBe(true);
    expect(existsSync(main)).toBe(true);
    // Outside the Functions host the library skips registration ("test mode"); every module the app
    // loads must come from the package, none from this repository's node_modules.
    const probe = `require(${JSON.stringify(main)}); process.stdout.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)));`;
    const loaded = await run(process.execPath, ['-e', probe], { cwd: pkg, env: { PATH: process.env.PATH }, timeoutMs: 60_000 });
    expect(loaded.status).toBe(0);
    const files = JSON.parse(/\nLOADED (.*)$/m.exec(loaded.output)?.[1] ?? '[]') as string[];
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((file) => !file.startsWith(pkg + path.sep))).toEqual([]);
  });
});
