import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { BUILT_DASHBOARD_ASSETS, CORE_MODULE_NAMES, PAGE_ASSET_NAMES, SCRIPT_ADDRESSES } from '../dashboard/dashboardAssets';
import { dashboardHtml } from '../dashboard/dashboardHtml';
import { apiRoute, pathChoice, shown } from './http/requestParameters';
import { problem } from './http/responses';

/**
 * The page may run only its own script and style and talk only to this API; nothing may frame it
 * (clickjacking) and it sends no referrer, because its address carries the function key.
 * https://developer.mozilla.org/docs/Web/HTTP/Headers/Content-Security-Policy
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * `GET /api/dashboard?code=<function key>`: the administrator's page. Its assets are addressed
 * from the path the page was served at, so a different route prefix in host.json still works.
 */
export function getDashboard(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const pagePath = new URL(request.url).pathname.replace(/\/+$/, '');
  return Promise.resolve({
    status: 200,
    headers: { ...COMMON_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: dashboardHtml(pagePath, SCRIPT_ADDRESSES),
  });
}

/**
 * `GET /api/dashboard/{app.js|…|style.css}` and `/api/dashboard/core/{module}`: the page's own
 * script modules and style, from a fixed list (src/dashboard/dashboardAssets.ts). They are the
 * same for everyone and hold no data (all data comes from the key-protected API), and a browser
 * cannot send the function key header on a script or stylesheet request, so they are anonymous.
 * A browser keeps them but asks each time whether they changed (`no-cache` with an ETag: 304 when
 * not), so a new version of the app never runs beside old modules.
 */
export async function getDashboardAsset(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const address = request.params.module !== undefined ? `core/${request.params.module}` : (request.params.asset ?? '');
  let asset;
  try {
    asset = await BUILT_DASHBOARD_ASSETS.get(address);
  } catch (error) {
    context.error(`The dashboard file ${address} could not be read; is the browser code built (npm run build)? ${String(error)}`);
    return problem(500, 'The dashboard file could not be read.', [
      { code: 'AssetUnavailable', message: `The dashboard file ${shown(address)} is missing from this deployment.` },
    ]);
  }
  if (!asset) {
    return problem(404, 'The dashboard has no such file.', [
      { code: 'AssetNotFound', field: 'asset', message: `${shown(address)} is not a dashboard file; use ${PAGE_ASSET_NAMES.join(' or ')}.` },
    ]);
  }
  const caching = { 'cache-control': 'no-cache', etag: asset.etag };
  if (request.headers.get('if-none-match') === asset.etag) return { status: 304, headers: { ...COMMON_HEADERS, ...caching } };
  return { status: 200, headers: { ...COMMON_HEADERS, ...caching, 'content-type': asset.contentType }, body: asset.body };
}

apiRoute('dashboard', { route: 'dashboard', methods: ['GET'], authLevel: 'function' }, [], getDashboard);
apiRoute(
  'dashboardAsset',
  { route: 'dashboard/{asset}', methods: ['GET'], authLevel: 'anonymous' },
  [pathChoice('asset', PAGE_ASSET_NAMES, 'AssetNotFound', 'a dashboard file')],
  getDashboardAsset,
);
apiRoute(
  'dashboardCoreModule',
  { route: 'dashboard/core/{*module}', methods: ['GET'], authLevel: 'anonymous' },
  [pathChoice('module', CORE_MODULE_NAMES, 'AssetNotFound', 'a core module of the dashboard')],
  getDashboardAsset,
);
