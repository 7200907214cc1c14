import path from 'node:path';
import { startDevHost, type DevHostProcess } from '../../../tools/devhost/startDevHost';

export const FIXTURE_APP = path.resolve(__dirname, '..', '..', 'fixtures', 'devhost-app');

let hubCounter = 0;

/** A task hub name of its own per host, so suites sharing the one Azurite never collide. */
export function uniqueHubName(label: string): string {
  hubCounter++;
  return `${label}${process.pid}x${hubCounter}${Date.now().toString(36)}`.replace(/[^A-Za-z0-9]/g, '').slice(0, 44);
}

/** Starts the fixture app under the devhost (child process) on the shared test Azurite. */
export async function startFixtureHost(hubName: string, settings: Record<string, string> = {}): Promise<DevHostProcess> {
  const connection = process.env.TEST_STORAGE_CONNECTION;
  if (!connection) throw new Error('TEST_STORAGE_CONNECTION is not set: run through jest (global setup starts Azurite).');
  return startDevHost({ appRoot: FIXTURE_APP, settings: { AzureWebJobsStorage: connection, TASKHUB_NAME: hubName, ...settings } });
}
