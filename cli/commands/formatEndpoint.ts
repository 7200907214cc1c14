import type { EndpointView } from '../apiTypes';

/** An endpoint as `Field: value` lines, for `endpoints show` and `endpoints create`. */
export function formatEndpoint(endpoint: EndpointView): string[] {
  const fields: [string, string | undefined][] = [
    ['Name', endpoint.name],
    ['Source', endpoint.sourceKind],
    ['Host', `${endpoint.host}:${endpoint.port}`],
    ['Security', endpoint.security],
    ['Admin user', endpoint.adminUserName],
    ['Admin login format', endpoint.adminLoginFormat],
    ['DAV URL', endpoint.davUrl],
    ['Moves', endpoint.itemTypes?.join(', ')],
    ['Password', endpoint.hasPassword ? 'stored' : 'none'],
    ['Max concurrent migrations', String(endpoint.maxConcurrentMigrations)],
    ['Max concurrent incremental syncs', String(endpoint.maxConcurrentIncrementalSyncs)],
    ['Created', endpoint.createdAt],
  ];
  const shown = fields.filter((f): f is [string, string] => f[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length)) + 1;
  return shown.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`);
}
