import { randomBytes } from 'node:crypto';
import { HttpRequest, InvocationContext, type HttpRequestInit } from '@azure/functions';

export interface AppTestEnvironment {
  prefix: string;
  connection: string;
  /** Every line the handlers logged, for the "no secret in any log line" checks. */
  logs: string[];
}

/**
 * Points the app's settings at the shared test Azurite, under a storage prefix of its own, so
 * suites do not see each other's tables and containers.
 */
export function useAppTestEnvironment(): AppTestEnvironment {
  const prefix = `t${randomBytes(5).toString('hex')}`;
  const connection = process.env.TEST_STORAGE_CONNECTION;
  if (!connection) throw new Error('TEST_STORAGE_CONNECTION is not set: run the tests through jest (its global setup starts Azurite).');
  process.env.AzureWebJobsStorage = connection;
  process.env.MIGRATION_STORAGE_PREFIX = prefix;
  process.env.MIGRATION_ENCRYPTION_KEY = randomBytes(32).toString('base64');
  process.env.MIGRATION_INTAKE_CONTAINER = `${prefix}-migration-batches`;
  process.env.MIGRATION_PROCESSED_CONTAINER = `${prefix}-migration-batches-processed`;
  process.env.MIGRATION_REPORTS_CONTAINER = `${prefix}-migration-reports`;
  process.env.NOTIFICATION_QUEUE = `${prefix}-notification-outbox`;
  process.env.SECRETS_PROVIDER = 'local';
  return { prefix, connection, logs: [] };
}

export function newContext(env: AppTestEnvironment, functionName: string, triggerMetadata?: Record<string, unknown>): InvocationContext {
  return new InvocationContext({
    functionName,
    invocationId: randomBytes(8).toString('hex'),
    logHandler: (level, ...args) => env.logs.push(`${level}: ${args.map(String).join(' ')}`),
    ...(triggerMetadata ? { triggerMetadata } : {}),
  });
}

export function newRequest(init: HttpRequestInit & { path: string }): HttpRequest {
  const { path, ...rest } = init;
  return new HttpRequest({ ...rest, url: `http://localhost:7071${path}` });
}
