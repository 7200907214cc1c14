import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SelfSignedCert {
  certPath: string;
  keyPath: string;
  /** PEM text: pass it as `tls.ca` so clients verify the server instead of disabling checks. */
  certPem: string;
}

/**
 * A one-day certificate for 127.0.0.1 and localhost, made with the openssl CLI (Debian package
 * `openssl`). EC P-256 keeps generation in the tens of milliseconds.
 */
export async function createSelfSignedCert(folder: string): Promise<SelfSignedCert> {
  const certPath = join(folder, 'server.crt');
  const keyPath = join(folder, 'server.key');
  await run('openssl', [
    'req',
    '-x509',
    '-nodes',
    '-days',
    '1',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  return { certPath, keyPath, certPem: await readFile(certPath, 'utf8') };
}
