import { ImapMailSource } from '../../../src/connectors/imap/imapMailSource';
import { toMailError } from '../../../src/connectors/imap/toMailError';
import { startDovecot } from '../../../tools/dovecot/startDovecot';
import { plainServer } from './imapTestClients';

const CONTEXT = { side: 'source' as const, server: 'mail.legacy.example:993', login: 'alice*admin' };

describe('IMAP error mapping', () => {
  it.each<[string, object, string, 'transient' | 'permanent']>([
    ['a refused login', { authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED' }, 'SourceAuthFailed', 'permanent'],
    ['Microsoft 365 throttling', { code: 'ETHROTTLE', throttleReset: 12_500 }, 'Throttled', 'transient'],
    ['a refused TCP connection', { code: 'ECONNREFUSED' }, 'ConnectionFailed', 'transient'],
    ['a greeting that never came', { code: 'GREETING_TIMEOUT' }, 'ConnectionFailed', 'transient'],
    ['a reset connection', { code: 'ECONNRESET' }, 'ConnectionLost', 'transient'],
    ['a closed connection', { code: 'NoConnection' }, 'ConnectionLost', 'transient'],
    ['an untrusted certificate', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'TlsFailed', 'permanent'],
    ['a missing folder', { mailboxMissing: true, responseStatus: 'NO' }, 'FolderNotFound', 'permanent'],
    ['a server asking to retry later (RFC 5530 UNAVAILABLE)', { responseStatus: 'NO', serverResponseCode: 'UNAVAILABLE' }, 'CommandRejected', 'transient'],
    ['a refused command', { responseStatus: 'NO', serverResponseCode: 'OVERQUOTA', responseText: 'Quota exceeded' }, 'CommandRejected', 'permanent'],
  ])('maps %s', (_what, raw, code, errorClass) => {
    const error = toMailError(Object.assign(new Error('Command failed'), raw), CONTEXT);
    expect(error).toMatchObject({ code, errorClass });
  });

  it('takes the retry hint of a throttled connection in seconds', () => {
    expect(toMailError(Object.assign(new Error('x'), { code: 'ETHROTTLE', throttleReset: 12_500 }), CONTEXT).retryAfterSeconds).toBe(13);
  });

  it('never copies the executed command (a LOGIN carries the password) into the message', () => {
    const raw = Object.assign(new Error('Command failed'), {
      responseStatus: 'BAD',
      executedCommand: 'A1 LOGIN alice "s3cret-pw"',
      responseText: 'Unknown command',
    });
    expect(toMailError(raw, CONTEXT).message).not.toContain('s3cret-pw');
  });

  it('turns a server that goes away mid-session into a transient ConnectionLost', async () => {
    const dovecot = await startDovecot({ users: [{ name: 'hank', password: 'hank-pw' }] });
    const source = new ImapMailSource(plainServer(dovecot), { kind: 'password', user: 'hank', password: 'hank-pw' });
    await source.connect();
    await dovecot.stop();
    await expect(source.listFolders()).rejects.toMatchObject({ code: 'ConnectionLost', errorClass: 'transient' });
    await source.close();
  });
});
