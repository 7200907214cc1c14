import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveDeep } from './appSettings';
import { DevHostError } from './errors';

/** The parts of `host.json` the devhost honours, with the defaults of the real host. */
export interface HostConfig {
  routePrefix: string;
  hubName: string;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  partitionCount: number;
  queues: { maxDequeueCount: number; batchSize: number; visibilityTimeoutMs: number; messageEncoding: string };
  blobs: { poisonBlobThreshold: number; maxDegreeOfParallelism: number };
}

type Json = Record<string, unknown>;

function section(value: unknown, key: string): Json {
  const inner = value && typeof value === 'object' ? (value as Json)[key] : undefined;
  return inner && typeof inner === 'object' ? (inner as Json) : {};
}

/** A .NET TimeSpan setting (`hh:mm:ss`, as host.json writes them) in milliseconds. */
export function timeSpanMs(value: unknown, fallback: number): number {
  if (typeof value !== 'string') return fallback;
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new DevHostError('DEVHOST_BAD_HOST_JSON', `"${value}" in host.json is not a TimeSpan (hh:mm:ss).`);
  const [, days, hours, minutes, seconds] = match;
  return (((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Reads `host.json` from the app root after resolving `%SETTING%` references against process.env. */
export function readHostConfig(appRoot: string): HostConfig {
  const file = path.join(appRoot, 'host.json');
  let raw: Json = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as Json;
    } catch (error) {
      throw new DevHostError('DEVHOST_BAD_HOST_JSON', `${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const ext = resolveDeep(section(raw, 'extensions'), 'host.json');
  const durable = section(ext, 'durableTask');
  const http = section(ext, 'http');
  const queues = section(ext, 'queues');
  const blobs = section(ext, 'blobs');
  const hubName = typeof durable.hubName === 'string' && durable.hubName ? durable.hubName : 'TestHubName';
  if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(hubName)) {
    throw new DevHostError('DEVHOST_BAD_HOST_JSON', `Task hub name "${hubName}" must start with a letter and hold 3 to 45 letters or digits.`);
  }
  return {
    routePrefix: typeof http.routePrefix === 'string' ? http.routePrefix.replace(/^\/+|\/+$/g, '') : 'api',
    hubName,
    maxConcurrentActivityFunctions: num(durable.maxConcurrentActivityFunctions, 10),
    maxConcurrentOrchestratorFunctions: num(durable.maxConcurrentOrchestratorFunctions, 10),
    partitionCount: num(section(durable, 'storageProvider').partitionCount, 4),
    queues: {
      maxDequeueCount: num(queues.maxDequeueCount, 5),
      batchSize: Math.min(32, num(queues.batchSize, 16)),
      visibilityTimeoutMs: timeSpanMs(queues.visibilityTimeout, 0),
      messageEncoding: typeof queues.messageEncoding === 'string' ? queues.messageEncoding.toLowerCase() : 'base64',
    },
    blobs: { poisonBlobThreshold: num(blobs.poisonBlobThreshold, 5), maxDegreeOfParallelism: num(blobs.maxDegreeOfParallelism, 4) },
  };
}
