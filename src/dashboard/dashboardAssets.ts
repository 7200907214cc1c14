import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DASHBOARD_STYLE } from './dashboardStyle';

/**
 * The files the dashboard page loads, by their address below `/api/dashboard/`. The script is
 * TypeScript in `browser/`, compiled by `npm run build` (browser/tsconfig.json) into ES modules
 * under `static/` beside this file's compiled form (dist/src/dashboard/static), together with the
 * few core modules it imports, which the browser asks for as `core/...`. A request can name only a
 * key of this list: no path from a request ever reaches the file system.
 */
const PAGE_MODULES = ['app', 'actions', 'api', 'batchList', 'batchView', 'chart', 'dom', 'format', 'navigation', 'notices', 'status', 'upload'];
const CORE_MODULES = ['batch/batchStatusGroups', 'batch/batchTransitions', 'mailbox/mailboxStatusGroups'];

/** The page's own modules, `/api/dashboard/{asset}`, and its style sheet. */
export const PAGE_ASSET_NAMES: readonly string[] = [...PAGE_MODULES.map((name) => `${name}.js`), 'style.css'];
/** Core's modules, `/api/dashboard/core/{*module}`. */
export const CORE_MODULE_NAMES: readonly string[] = CORE_MODULES.map((name) => `${name}.js`);
/** Every script, by its address below `/api/dashboard/`; `app.js` is the one the page names. */
export const SCRIPT_ADDRESSES: readonly string[] = [...PAGE_MODULES.map((name) => `${name}.js`), ...CORE_MODULE_NAMES.map((name) => `core/${name}`)];

const SCRIPT = 'text/javascript; charset=utf-8';

/** Where each address's file is, relative to the compiled browser code's folder. */
const SCRIPT_FILES: ReadonlyMap<string, string> = new Map([
  ...PAGE_MODULES.map((name) => [`${name}.js`, `dashboard/browser/${name}.js`] as const),
  ...CORE_MODULES.map((name) => [`core/${name}.js`, `core/${name}.js`] as const),
]);

export interface DashboardAsset {
  contentType: string;
  body: string;
  /** A strong validator of the body, so a browser revalidating its copy gets a 304. */
  etag: string;
}

function asset(contentType: string, body: string): DashboardAsset {
  return { contentType, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * The dashboard's files from `staticDir` (the build's output), each read once and kept: they
 * change only with a new build, which restarts the app.
 */
export class DashboardAssets {
  private readonly loaded = new Map<string, Promise<DashboardAsset>>();

  constructor(private readonly staticDir: string) {}

  /** The file at `address` (below `/api/dashboard/`), or undefined when the dashboard has none there. */
  async get(address: string): Promise<DashboardAsset | undefined> {
    if (address === 'style.css') return asset('text/css; charset=utf-8', DASHBOARD_STYLE);
    const file = SCRIPT_FILES.get(address);
    if (file === undefined) return undefined;
    let loading = this.loaded.get(address);
    if (!loading) {
      loading = readFile(path.join(this.staticDir, file), 'utf8').then((body) => asset(SCRIPT, body));
      // A file missing now (the browser code not built yet) is looked for again next time.
      void loading.catch(() => this.loaded.delete(address));
      this.loaded.set(address, loading);
    }
    return loading;
  }
}

/** The compiled browser code, as `npm run build` and scripts/package-app.js place it. */
export const BUILT_DASHBOARD_ASSETS = new DashboardAssets(path.join(__dirname, 'static'));
