/**
 * Runs one mailbox copy in a child process so a test can kill it with SIGKILL part-way through
 * a page. Settings come from the environment (as for the app); Dovecot addresses from argv:
 *   node copyCrashChild.js <sourcePort> <targetPort> <user> <sourcePassword> <targetPassword> <delayMsPerItem>
 */
import type { CopyTarget } from '../../src/services/ports/copyTarget';
import { imapToImapCopy } from './copyHarness';
import type { RunningDovecot } from '../../tools/dovecot/startDovecot';

async function main(): Promise<void> {
  const [sourcePort, targetPort, user, sourcePassword, targetPassword, delay] = process.argv.slice(2);
  const at = (port: string) => ({ host: '127.0.0.1', port: Number(port) }) as RunningDovecot;
  const slow = (inner: CopyTarget): CopyTarget => ({
    preferredBatchSize: inner.preferredBatchSize,
    ensureFolder: (f) => inner.ensureFolder(f),
    createItems: async (id, items) => {
      const outcomes = [];
      for (const item of items) {
        outcomes.push(...(await inner.createItems(id, [item])));
        await new Promise((r) => setTimeout(r, Number(delay)));
      }
      return outcomes;
    },
    findExisting: (id, item) => inner.findExisting(id, item),
    moveItem: (from, id, to, item) => inner.moveItem(from, id, to, item),
    removeItem: (folder, id) => inner.removeItem(folder, id),
    setFlags: (id, changes) => inner.setFlags(id, changes),
    close: () => inner.close(),
  });
  const copy = await imapToImapCopy({
    mailboxKey: user!,
    source: at(sourcePort!),
    sourceUser: [user!, sourcePassword!],
    target: at(targetPort!),
    targetUser: [user!, targetPassword!],
    limits: { pageMaxCount: 1000 },
    wrapTarget: slow,
  });
  await copy.copyAll();
  await copy.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
