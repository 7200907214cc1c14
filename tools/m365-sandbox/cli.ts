import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startM365Sandbox } from './startM365Sandbox';

/**
 * `node dist/tools/m365-sandbox/cli.js [--port N] [--http] [--persist-dir DIR] [--latency-ms N]
 *   [--budget N] [--upload-mb N] [--request-window-ms N] [--upload-window-ms N] [--user upn]... [--ca-file FILE] [--tenant-id ID --client-id ID --client-secret S] [--info-file FILE]`
 * Starts the sandbox, prints its URLs and the sandbox app's credentials (local, generated, not a real
 * secret) as one JSON line (also to --info-file), and writes the CA so another process can trust it with NODE_EXTRA_CA_CERTS.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      http: { type: 'boolean', default: false },
      'persist-dir': { type: 'string' },
      'latency-ms': { type: 'string', default: '0' },
      budget: { type: 'string' },
      'upload-mb': { type: 'string' },
      'request-window-ms': { type: 'string' },
      'upload-window-ms': { type: 'string' },
      user: { type: 'string', multiple: true, default: [] },
      'ca-file': { type: 'string' },
      'tenant-id': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'info-file': { type: 'string' },
    },
  });
  const sandbox = await startM365Sandbox({
    port: Number(values.port),
    https: !values.http,
    persistDir: values['persist-dir'],
    latencyMs: Number(values['latency-ms']),
    ...(values.budget ? { mailboxRequestBudgetPer10Min: Number(values.budget) } : {}),
    ...(values['upload-mb'] ? { mailboxUploadBytesPer5Min: Number(values['upload-mb']) * 1024 * 1024 } : {}),
    ...(values['request-window-ms'] ? { requestWindowMs: Number(values['request-window-ms']) } : {}),
    ...(values['upload-window-ms'] ? { uploadWindowMs: Number(values['upload-window-ms']) } : {}),
    tenant: { tenantId: values['tenant-id'], clientId: values['client-id'], clientSecret: values['client-secret'] },
  });
  for (const upn of values.user ?? []) {
    if (!sandbox.store.tryFindUser(upn)) sandbox.addUser({ userPrincipalName: upn, licensed: true });
  }
  let caFile: string | undefined;
  if (sandbox.caCertificatePem) {
    caFile = path.resolve(values['ca-file'] ?? path.join(values['persist-dir'] ?? '.', 'm365-sandbox-ca.pem'));
    writeFileSync(caFile, sandbox.caCertificatePem);
  }
  const info = {
    graphBaseUrl: sandbox.graphBaseUrl,
    authorityHost: sandbox.authorityHost,
    inspection: `${sandbox.origin}/_sandbox/mailboxes/{userPrincipalName}`,
    tenantId: sandbox.tenantId,
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    caFile,
  };
  if (values['info-file']) writeFileSync(values['info-file'], JSON.stringify(info, null, 2));
  console.log(JSON.stringify({ event: 'm365-sandbox.started', ...info }));
  const stop = (): void => {
    sandbox.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`m365-sandbox failed to start: ${(error as Error).message}`);
  process.exit(1);
});
