#!/usr/bin/env node
// Writes src/core/groupware/windowsZones.ts: CLDR's mapping of Windows time zone IDs to IANA zones
// (supplemental windowsZones), which the groupware mappers use to give Graph a Windows ID for an
// iCalendar TZID. The data is small and changes a few times a year, so it is generated once and
// committed (like tools/m365-sandbox/schema/graphSchemaV1.json).
//
//   node scripts/generate-windows-zones.js path/to/windowsZones.json|windowsZones.xml [--version N] [--out file]
//
// The source is either the CLDR file itself (https://github.com/unicode-org/cldr,
// common/supplemental/windowsZones.xml) or its JSON form in the npm package cldr-core
// (supplemental/windowsZones.json, e.g. from `npm pack cldr-core@48.0.0`). Plain CommonJS, no build step.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const DEFAULT_OUT = path.resolve(__dirname, '..', 'src', 'core', 'groupware', 'windowsZones.ts');

/** [{ windows, territory, ids[] }] from either form, in file order. */
function readMapZones(file) {
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    const data = JSON.parse(text).supplemental;
    return {
      version: data.version && data.version._cldrVersion,
      zones: data.windowsZones.mapTimezones.map(({ mapZone }) => ({
        windows: mapZone._other,
        territory: mapZone._territory,
        ids: mapZone._type.trim().split(/\s+/),
      })),
    };
  }
  const zones = [];
  for (const match of text.matchAll(/<mapZone\s+other="([^"]+)"\s+territory="([^"]+)"\s+type="([^"]*)"\s*\/>/g)) {
    zones.push({ windows: match[1], territory: match[2], ids: match[3].trim().split(/\s+/) });
  }
  return { version: undefined, zones };
}

function generate(mapZones, version) {
  const byWindows = new Map();
  for (const { windows, territory, ids } of mapZones) {
    if (!byWindows.has(windows)) byWindows.set(windows, { golden: undefined, ids: [] });
    const entry = byWindows.get(windows);
    if (territory === '001') entry.golden = ids[0];
    for (const id of ids) if (!entry.ids.includes(id)) entry.ids.push(id);
  }
  const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name.replace(/'/g, "\\'")}'`);
  const lines = [...byWindows.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([windows, { golden, ids }]) => {
      const value = `'${[golden, ...ids.filter((id) => id !== golden)].join(' ')}',`;
      // As Prettier (printWidth 160) lays it out: a value that does not fit goes on its own line.
      const line = `  ${key(windows)}: ${value}`;
      return line.length <= 160 ? line : `  ${key(windows)}:\n    ${value}`;
    });
  return [
    `// Generated from CLDR ${version ?? ''} supplemental/windowsZones (the npm package cldr-core@${version ?? '?'}.0.0, supplemental/windowsZones.json;`.replace(
      'CLDR  ',
      'CLDR ',
    ),
    '// the same data as https://github.com/unicode-org/cldr/blob/main/common/supplemental/windowsZones.xml). Do not edit by hand:',
    '// regenerate with the command in src/core/groupware/README.md ("Time zones").',
    '',
    '/**',
    ' * Windows time zone ID → the IANA zones CLDR maps to it, space-separated as CLDR writes them. The first is the zone CLDR',
    ' * gives for territory 001 (the "golden" zone, whose rules stand for the Windows zone); the others are the zones of',
    " * every territory (and Etc/GMT±N for territory ZZ). IANA names are CLDR's canonical spellings (Europe/Kiev,",
    ' * Asia/Calcutta), which is also what Intl returns as resolvedOptions().timeZone in Node 20.',
    ' */',
    'export const WINDOWS_ZONES: Readonly<Record<string, string>> = {',
    ...lines,
    '};',
    '',
  ].join('\n');
}

function main(argv) {
  const args = [...argv];
  const take = (flag) => {
    const index = args.indexOf(flag);
    return index >= 0 ? args.splice(index, 2)[1] : undefined;
  };
  const out = path.resolve(take('--out') ?? DEFAULT_OUT);
  const versionArg = take('--version');
  const source = args[0];
  if (!source || !fs.existsSync(source)) {
    console.error('Pass the CLDR windowsZones.json (cldr-core) or windowsZones.xml: node scripts/generate-windows-zones.js path/to/windowsZones.json');
    process.exit(1);
  }
  const { version, zones } = readMapZones(source);
  fs.writeFileSync(out, generate(zones, versionArg ?? version));
  console.log(`Wrote ${path.relative(process.cwd(), out)} (${zones.length} mapZone entries) from ${source}.`);
}

main(process.argv.slice(2));
