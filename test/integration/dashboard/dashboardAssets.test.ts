import { readdirSync } from 'node:fs';
import path from 'node:path';
import { CORE_MODULE_NAMES, DashboardAssets, PAGE_ASSET_NAMES, SCRIPT_ADDRESSES } from '../../../src/dashboard/dashboardAssets';

/**
 * Issue 13: the dashboard's browser code is TypeScript compiled by `npm run build` into
 * dist/src/dashboard/static and served from a fixed list. This reads what the build made: every
 * listed file is there, the modules that app.js imports (and they in turn) are exactly the listed
 * ones, and no other name reaches a file.
 */
const STATIC_DIR = path.resolve(__dirname, '..', '..', '..', 'dist', 'src', 'dashboard', 'static');
const assets = new DashboardAssets(STATIC_DIR);

/** The specifiers of a module's static imports and re-exports. */
function importsOf(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

/** Where a specifier written in the module at `address` points, as an address below /api/dashboard/. */
function resolve(address: string, specifier: string): string {
  return new URL(specifier, `https://host/api/dashboard/${address}`).pathname.replace(/^\/api\/dashboard\//, '');
}

describe('the dashboard files', () => {
  it('are built, and served as JavaScript modules (the style sheet as CSS) with a validator', async () => {
    expect(readdirSync(STATIC_DIR).sort()).toEqual(['core', 'dashboard']);
    for (const address of SCRIPT_ADDRESSES) {
      const asset = await assets.get(address);
      expect({ address, contentType: asset?.contentType }).toEqual({ address, contentType: 'text/javascript; charset=utf-8' });
      expect(asset!.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    }
    expect((await assets.get('style.css'))?.contentType).toBe('text/css; charset=utf-8');
    expect(new Set(await Promise.all(SCRIPT_ADDRESSES.map(async (a) => (await assets.get(a))!.etag))).size).toBe(SCRIPT_ADDRESSES.length);
  });

  it('are exactly the modules app.js loads, at the addresses the browser asks for', async () => {
    const reached = new Set<string>();
    const pending = ['app.js'];
    while (pending.length > 0) {
      const address = pending.pop()!;
      if (reached.has(address)) continue;
      reached.add(address);
      const asset = await assets.get(address);
      expect({ address, served: asset !== undefined }).toEqual({ address, served: true });
      for (const specifier of importsOf(asset!.body)) {
        expect({ address, specifier }).toEqual({ address, specifier: expect.stringMatching(/^\.\/.*\.js$/) });
        pending.push(resolve(address, specifier));
      }
    }
    expect([...reached].sort()).toEqual([...SCRIPT_ADDRESSES].sort());
    expect(reached).toContain('core/batch/batchTransitions.js');
    expect(reached).toContain('core/batch/batchStatusGroups.js');
    expect(reached).toContain('core/mailbox/mailboxStatusGroups.js');
  });

  it('answers only the listed names: no path, prototype key or compiled file name reaches a file', async () => {
    expect([...PAGE_ASSET_NAMES, ...CORE_MODULE_NAMES.map((m) => `core/${m}`)].sort()).toEqual([...SCRIPT_ADDRESSES, 'style.css'].sort());
    for (const name of [
      '',
      '.',
      '..',
      '../package.json',
      'core/../../../package.json',
      'core/batch/../batch/batchTransitions.js',
      'dashboard/browser/app.js',
      'core/batch/batchStatus.js',
      'apiTypes.js',
      'app.ts',
      'App.js',
      '__proto__',
      'constructor',
      'toString',
      '/etc/passwd',
      'app.js/',
    ]) {
      expect({ name, asset: await assets.get(name) }).toEqual({ name, asset: undefined });
    }
  });
});
