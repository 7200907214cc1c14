import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { dashboardHtml } from '../dashboard/dashboardHtml';
import { DASHBOARD_SCRIPT } from '../dashboard/dashboardScript';
import { DASHBOARD_STYLE } from '../dashboard/dashboardStyle';
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

const ASSETS: Record<string, { contentType: string; body: string }> = {
  'app.js': { contentType: 'text/javascript; charset=utf-8', body: DASHBOARD_SCRIPT },
  'style.css': { contentType: 'text/css; charset=utf-8', body: DASHBOARD_STYLE },
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
    body: dashboardHtml(pagePath),
  });
}

/**
 * `GET /api/dashboard/{app.js|style.css}`: the page's own script and style. They are the same for
 * everyone and hold no data (all data comes from the key-protected API), and a browser cannot send
 * the function key header on a script or stylesheet request, so they are anonymous.
 */
export function getDashboardAsset(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const asset = Object.hasOwn(ASSETS, request.params.asset ?? '') ? ASSETS[request.params.asset!] : undefined;
  if (!asset) {
    return Promise.resolve(
      problem(404, 'The dashboard has no such file.', [
        {
          code: 'AssetNotFound',
          field: 'asset',
          message: `${shown(request.params.asset ?? '')} is not a dashboard file; use ${Object.keys(ASSETS).join(' or ')}.`,
        },
      ]),
    );
  }
  return Promise.resolve({
    status: 200,
    headers: { ...COMMON_HEADERS, 'content-type': asset.contentType, 'cache-control': 'no-cache' },
    body: asset.body,
  });
}

apiRoute('dashboard', { route: 'dashboard', methods: ['GET'], authLevel: 'function' }, [], getDashboard);
apiRoute(
  'dashboardAsset',
  { route: 'dashboard/{asset}', methods: ['GET'], authLevel: 'anonymous' },
  [pathChoice('asset', Object.keys(ASSETS), 'AssetNotFound', 'a dashboard file')],
  getDashboardAsset,
);
