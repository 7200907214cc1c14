import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SandboxCertificates {
  /** The sandbox's own CA: clients trust this (and only this) to reach the sandbox over https. */
  caCertificatePem: string;
  serverCertificatePem: string;
  serverKeyPem: string;
}

/**
 * A fresh CA and a server certificate for 127.0.0.1 and localhost, made with the `openssl` CLI
 * (Debian package `openssl`): node:crypto makes keys but cannot issue X.509 certificates.
 * https is not optional for real clients: MSAL refuses an authority that is not https
 * (`authority_uri_insecure`) and the Graph client only attaches the token to https URLs.
 */
export async function createCertificates(): Promise<SandboxCertificates> {
  const dir = await mkdtemp(path.join(tmpdir(), 'm365-sandbox-tls-'));
  const file = (name: string): string => path.join(dir, name);
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await run('openssl', [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
      '-days',
      '30',
      '-subj',
      '/CN=M365 Sandbox Local CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await run('openssl', ['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1']);
    await writeFile(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('server.pem'),
      '-days',
      '30',
      '-extfile',
      file('server.ext'),
    ]);
    const [caCertificatePem, serverCertificatePem, serverKeyPem] = await Promise.all(
      ['ca.pem', 'server.pem', 'server.key'].map(async (name) => readFile(file(name), 'utf8')),
    );
    return { caCertificatePem: caCertificatePem!, serverCertificatePem: serverCertificatePem!, serverKeyPem: serverKeyPem! };
  } catch (error) {
    throw new Error(`M365_SANDBOX_TLS: could not create certificates with the openssl CLI: ${(error as Error).message}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
