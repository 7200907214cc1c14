import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { generateCorpus } from '../tools/corpus/generateCorpus';
import { seedMailbox } from '../tools/corpus/seedMailbox';
import { startAzurite } from '../tools/azurite/startAzurite';
import { startDevHost } from '../tools/devhost';
import { type RunningDovecot, startDovecot } from '../tools/dovecot/startDovecot';
import { connectImap, imapToImapCopy, pageTotals } from '../test/support/copyHarness';

/**
 * Issue 6's figure: a whole batch (8 mailboxes of 2,000 messages, Dovecot to Dovecot) through the
 * full orchestration under the devhost (preflight, sub-orchestrations, copy pages, statistics,
 * reports), beside the copy engine alone on the same corpus. Goal: the orchestration costs less
 * than 15% of the engine's throughput. BENCH_MAILBOXES and BENCH_MESSAGES scale it down.
 */
const MAILBOXES = Number(process.env.BENCH_MAILBOXES ?? 8);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const users = Array.from({ length: MAILBOXES }, (_, i) => `user${i}@bench.example`);

export default async function run(): Promise<void> {
  const azurite = await startAzurite();
  const password = randomBytes(6).toString('hex');
  const accounts = users.map((name) => ({ name, password }));
  const [source, engineTarget, batchTarget] = await Promise.all([
    startDovecot({ users: accounts }),
    startDovecot({ users: accounts }),
    startDovecot({ users: accounts }),
  ]);
  try {
    const seeded = await seed(source, password);
    console.log(`corpus: ${MAILBOXES} mailboxes x ${MESSAGES} messages, ${(seeded / 1e6).toFixed(0)} MB`);
    Object.assign(process.env, {
      AzureWebJobsStorage: azurite.connectionString,
      MIGRATION_STORAGE_PREFIX: `eng${randomBytes(3).toString('hex')}`,
      MIGRATION_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    const engine = await timed(() => copyWithEngine(source, engineTarget, password));
    const engineRate = engine.messages / engine.seconds;
    console.log(`copy engine alone: ${engine.messages} messages in ${engine.seconds.toFixed(1)} s = ${engineRate.toFixed(0)} messages/s`);
    const batch = await copyWithBatch(azurite.connectionString, source, batchTarget);
    const batchRate = batch.messages / batch.seconds;
    console.log(`whole batch through the orchestration: ${batch.messages} messages in ${batch.seconds.toFixed(1)} s = ${batchRate.toFixed(0)} messages/s`);
    console.log(`orchestration cost: ${((1 - batchRate / engineRate) * 100).toFixed(1)}% of the engine's throughput (goal: under 15%)`);
  } finally {
    await Promise.all([source.stop(), engineTarget.stop(), batchTarget.stop(), azurite.stop()]);
  }
}

async function timed(work: () => Promise<number>): Promise<{ messages: number; seconds: number }> {
  const started = process.hrtime.bigint();
  const messages = await work();
  return { messages, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function seed(source: RunningDovecot, password: string): Promise<number> {
  const sizes = await Promise.all(
    users.map(async (user, i) => {
      const client = await connectImap(source, user, password);
      const result = await seedMailbox(client, { messages: generateCorpus({ seed: 500 + i, count: MESSAGES, averageBytes: 70_000 }) });
      await client.logout();
      return result.bytes;
    }),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

async function copyWithEngine(source: RunningDovecot, target: RunningDovecot, password: string): Promise<number> {
  const counts = await Promise.all(
    users.map(async (user) => {
      const copy = await imapToImapCopy({ mailboxKey: user, source, sourceUser: [user, password], target, targetUser: [user, password] });
      const pages = await copy.copyAll();
      await copy.close();
      return pageTotals(pages).created;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Times the batch from its creation to Synced; the host's own start-up is not counted. */
async function copyWithBatch(storage: string, source: RunningDovecot, target: RunningDovecot): Promise<{ messages: number; seconds: number }> {
  const prefix = `bat${randomBytes(3).toString('hex')}`;
  const host = await startDevHost({
    // Benches run compiled, from dist/bench: the app is two folders up.
    appRoot: path.resolve(__dirname, '..', '..'),
    settings: {
      AzureWebJobsStorage: storage,
      TASKHUB_NAME: `hub${prefix}`,
      MIGRATION_STORAGE_PREFIX: prefix,
      MIGRATION_INTAKE_CONTAINER: `${prefix}-intake`,
      MIGRATION_PROCESSED_CONTAINER: `${prefix}-processed`,
      MIGRATION_REPORTS_CONTAINER: `${prefix}-reports`,
      NOTIFICATION_QUEUE: `${prefix}-outbox`,
      MIGRATION_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      MIGRATION_TARGET: 'imap',
      TARGET_IMAP_HOST: '127.0.0.1',
      TARGET_IMAP_PORT: String(target.port),
      TARGET_IMAP_SECURITY: 'none',
      TARGET_IMAP_ALLOW_PLAINTEXT: 'true',
      TARGET_IMAP_ADMIN_USER: target.masterUser.name,
      TARGET_IMAP_ADMIN_PASSWORD: target.masterUser.password,
      GRAPH_TENANT_ID: '',
      GRAPH_CLIENT_ID: '',
      GRAPH_CLIENT_SECRET: '',
      ONPREM_LDAP_URL: '',
      MIGRATION_ALLOW_CLEARTEXT_HOSTS: '127.0.0.1',
    },
  });
  const api = (route: string, init: RequestInit = {}) =>
    fetch(`${host.baseUrl}${route}`, { ...init, headers: { 'x-functions-key': host.functionKey, ...(init.headers ?? {}) } });
  try {
    const endpoint = await api('/api/endpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench',
        host: '127.0.0.1',
        port: source.port,
        security: 'none',
        adminUserName: source.masterUser.name,
        password: source.masterUser.password,
        maxConcurrentMigrations: MAILBOXES,
      }),
    });
    if (endpoint.status !== 201) throw new Error(`endpoint: ${endpoint.status} ${await endpoint.text()}`);
    const started = process.hrtime.bigint();
    const created = await api('/api/batches?name=bench&endpoint=bench', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: ['EmailAddress', ...users].join('\n'),
    });
    if (created.status !== 201) throw new Error(`batch: ${created.status} ${await created.text()}`);
    for (;;) {
      const batch = (await (await api('/api/batches/bench')).json()) as { status: string };
      if (['Synced', 'SyncedWithErrors', 'Failed'].includes(batch.status)) {
        if (batch.status !== 'Synced') throw new Error(`the batch ended ${batch.status}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const mailboxes = (await (await api('/api/batches/bench/mailboxes')).json()) as { value: { syncedItemCount: number }[] };
    return { messages: mailboxes.value.reduce((n, m) => n + m.syncedItemCount, 0), seconds };
  } finally {
    await host.stop();
  }
}
