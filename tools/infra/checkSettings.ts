/**
 * The cross-check `npm run infra:check` runs on the compiled ARM template (infra/main.bicep built to
 * JSON): every setting the app reads is set by the infra, or documented in the README's settings table
 * as optional (its "In Azure" column says what happens without it); and every Key Vault reference in the
 * app settings names a secret the deployment itself writes, so none resolves to a literal string.
 *   node dist/tools/infra/checkSettings.js <main.json>
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository: the nearest folder up with a package.json (this file runs from tools/ under ts-jest, and from dist/tools/ built). */
function findRoot(from: string): string {
  for (let folder = from; ; folder = path.dirname(folder)) {
    if (existsSync(path.join(folder, 'package.json'))) return folder;
    if (path.dirname(folder) === folder) throw new Error(`No package.json above ${from}.`);
  }
}

const root = findRoot(path.resolve(__dirname, '..', '..'));
const SETTING_NAME = /^[A-Z][A-Z0-9_]*[A-Z0-9](__[a-zA-Z]+)?$/;

/** Names the app reads: string literals of src/config.ts, `*_SETTING` constants, and `%NAME%` binding expressions. */
export function settingsTheAppReads(): Set<string> {
  const names = new Set<string>();
  const config = readFileSync(path.join(root, 'src/config.ts'), 'utf8');
  for (const [, name] of config.matchAll(/'([A-Z][A-Z0-9_]*(?:__[a-zA-Z]+)?)'/g)) if (SETTING_NAME.test(name!)) names.add(name!);
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const [, name] of text.matchAll(/_SETTING\s*=\s*'([A-Z][A-Z0-9_]*)'/g)) names.add(name!);
    for (const [, name] of text.matchAll(/'%([A-Z][A-Z0-9_]*)%'/g)) names.add(name!);
  }
  return names;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every `{ name, value }` of every `appSettings` list in the template, nested deployments included. */
export function appSettingsOf(template: unknown): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'appSettings' && Array.isArray(value)) {
        for (const entry of value) {
          const { name, value: setting } = entry as { name?: unknown; value?: unknown };
          if (typeof name === 'string') found.set(name, typeof setting === 'string' ? setting : JSON.stringify(setting));
        }
      }
      walk(value);
    }
  };
  walk(template);
  return found;
}

/** Names of the Key Vault secrets the template writes (`Microsoft.KeyVault/vaults/secrets`). */
export function secretsWritten(template: unknown): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const resource = node as { type?: unknown; name?: unknown };
    if (resource.type === 'Microsoft.KeyVault/vaults/secrets' && typeof resource.name === 'string') {
      const literal = [...resource.name.matchAll(/'([a-z0-9-]+)'/gi)].map((m) => m[1]!).pop() ?? resource.name.split('/').pop()!;
      names.add(literal);
    }
    Object.values(node).forEach(walk);
  };
  walk(template);
  return names;
}

/**
 * Settings the README's table documents as optional in Azure: every name of a row whose "In Azure" cell
 * begins with "optional", and, in a cell that says "set by infra ...; optional: ...", the names that cell
 * itself names (the others of the row are required).
 */
export function optionalInReadme(readme: string): Set<string> {
  const names = new Set<string>();
  const table = readme.slice(readme.indexOf('## Settings'));
  const namesIn = (text: string) => [...text.matchAll(/`([A-Z][A-Z0-9_]*(?:__[a-zA-Z]+)?)`/g)].map((m) => m[1]!);
  for (const line of table.split('\n').slice(3)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim());
    const inAzure = cells[cells.length - 1] ?? '';
    if (/^optional/i.test(inAzure)) namesIn(line).forEach((name) => names.add(name));
    else if (/optional/i.test(inAzure)) namesIn(inAzure).forEach((name) => names.add(name));
  }
  return names;
}

export function problemsOf(template: unknown, readme: string, read: Set<string>): string[] {
  const settings = appSettingsOf(template);
  const optional = optionalInReadme(readme);
  const problems: string[] = [];
  for (const name of [...read].sort()) {
    const set = settings.has(name) || [...settings.keys()].some((key) => key.startsWith(`${name}__`));
    if (!set && !optional.has(name))
      problems.push(`${name} is read by the app but neither set by infra/ nor documented as optional in the README's settings table ("In Azure" column).`);
  }
  const secrets = secretsWritten(template);
  for (const [name, value] of settings) {
    for (const [, secret] of value.matchAll(/SecretName=([A-Za-z0-9-]+)/g)) {
      if (!secrets.has(secret!))
        problems.push(`${name} is a Key Vault reference to "${secret}", which the deployment never writes: it would resolve to the literal reference text.`);
    }
  }
  return problems;
}

/**
 * azd passes infra/main.parameters.json with the template: each name in it must be a template parameter
 * (ARM refuses an unknown one), and each template parameter without a default must be in it (ARM refuses
 * the deployment without it).
 */
export function parameterProblems(template: unknown, parametersFile: unknown): string[] {
  const declared = (template as { parameters?: Record<string, { defaultValue?: unknown; nullable?: boolean }> }).parameters ?? {};
  const given = (parametersFile as { parameters?: Record<string, unknown> }).parameters ?? {};
  const problems: string[] = [];
  for (const name of Object.keys(given)) {
    if (!(name in declared)) problems.push(`infra/main.parameters.json sets "${name}", which infra/main.bicep does not declare.`);
  }
  for (const [name, parameter] of Object.entries(declared)) {
    if (parameter.defaultValue === undefined && !parameter.nullable && !(name in given)) {
      problems.push(`infra/main.bicep's parameter "${name}" has no default and infra/main.parameters.json does not set it.`);
    }
  }
  return problems;
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error('Usage: checkSettings <compiled main.json>');
  const template = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const parametersFile = JSON.parse(readFileSync(path.join(root, 'infra', 'main.parameters.json'), 'utf8')) as unknown;
  const problems = [
    ...problemsOf(template, readFileSync(path.join(root, 'README.md'), 'utf8'), settingsTheAppReads()),
    ...parameterProblems(template, parametersFile),
  ];
  for (const problem of problems) console.error(`infra: ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log(
    `settings cross-check: every one of ${settingsTheAppReads().size} settings is set by infra/ or documented as optional; every Key Vault reference is written; infra/main.parameters.json sets only declared parameters and every one without a default.`,
  );
}
