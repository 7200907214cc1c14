import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DevHostError } from './errors';

/**
 * Loads `local.settings.json` `Values` into `process.env`, as Core Tools does; settings the caller
 * passes explicitly win over the file, and variables already in the environment win over the file too
 * (Core Tools never overwrites an existing environment variable).
 */
export function applyLocalSettings(appRoot: string, overrides: Record<string, string>): void {
  const file = path.join(appRoot, 'local.settings.json');
  let values: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
      values = parsed.Values ?? {};
    } catch (error) {
      throw new DevHostError('DEVHOST_BAD_SETTINGS', `${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  for (const [name, value] of Object.entries(values)) {
    if (process.env[name] === undefined && typeof value === 'string') process.env[name] = value;
  }
  for (const [name, value] of Object.entries(overrides)) process.env[name] = value;
}

/** Replaces every `%NAME%` with the app setting NAME; an unknown name is an error naming it. */
export function resolveSettingReferences(text: string, where: string): string {
  return text.replace(/%([^%]+)%/g, (_match, name: string) => {
    const value = process.env[name];
    if (value === undefined) {
      throw new DevHostError('DEVHOST_UNRESOLVED_SETTING', `${where} refers to %${name}%, but no app setting "${name}" is defined.`);
    }
    return value;
  });
}

/** Resolves `%NAME%` in every string of a JSON-like value (host.json, binding metadata). */
export function resolveDeep<T>(value: T, where: string): T {
  if (typeof value === 'string') return resolveSettingReferences(value, where) as T;
  if (Array.isArray(value)) return value.map((v) => resolveDeep(v as unknown, where)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = resolveDeep(v, where);
    return out as T;
  }
  return value;
}

/** Reads a connection setting by name, as bindings do (`connection: 'X'` means setting X, or `X__...`). */
export function readConnectionSetting(name: string | undefined): string {
  const settingName = name && name.length > 0 ? name : 'AzureWebJobsStorage';
  const value = process.env[settingName] ?? process.env[`AzureWebJobs${settingName}`];
  if (!value) {
    throw new DevHostError('DEVHOST_BAD_SETTINGS', `The connection setting "${settingName}" is not defined in local.settings.json or the environment.`);
  }
  return value;
}
