import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { graphSchemaV1 } from '../../../tools/m365-sandbox/schema/graphSchema';
import { validateGraphBody } from '../../../tools/m365-sandbox/schema/validateGraphBody';
import { contactFromVCard } from '../../../src/core/groupware/contactFromVCard';
import { eventFromICalendar } from '../../../src/core/groupware/eventFromICalendar';

/**
 * Every property name the groupware mappers emit exists on the Graph v1.0 type it is written to, as
 * Microsoft's CSDL declares it (issue 14: "Check each against the Graph v1.0 schema"), and every enum
 * value is a member. Two readings: the CSDL itself (a small reader below, when the file is on this
 * machine) and the sandbox's committed subset of it with the validator the sandbox's contact and event
 * routes use (tools/m365-sandbox/schema), so a body the mappers make passes the sandbox too.
 */
const CSDL = [
  '/work/shared/reference/microsoft-graph/graph-v1.0-csdl.xml',
  path.resolve(__dirname, '../../../../shared/reference/microsoft-graph/graph-v1.0-csdl.xml'),
].find((candidate) => existsSync(candidate));

interface CsdlType {
  baseType?: string;
  properties: Map<string, string>;
  members?: string[];
}

/** EntityType, ComplexType and EnumType of the `microsoft.graph` schema (alias `graph`), by `graph.name`. */
function readCsdl(xml: string): Map<string, CsdlType> {
  const types = new Map<string, CsdlType>();
  const typePattern = /<(EntityType|ComplexType)\s+Name="([^"]+)"([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/g;
  for (const match of xml.matchAll(typePattern)) {
    const baseType = /BaseType="([^"]+)"/.exec(match[3]!)?.[1];
    const properties = new Map<string, string>();
    for (const property of (match[5] ?? '').matchAll(/<(?:Navigation)?Property\s+Name="([^"]+)"\s+Type="([^"]+)"/g)) properties.set(property[1]!, property[2]!);
    if (!types.has(`graph.${match[2]}`)) types.set(`graph.${match[2]}`, { ...(baseType ? { baseType } : {}), properties });
  }
  for (const match of xml.matchAll(/<EnumType\s+Name="([^"]+)"[^>]*>([\s\S]*?)<\/EnumType>/g)) {
    if (!types.has(`graph.${match[1]}`))
      types.set(`graph.${match[1]}`, { properties: new Map(), members: [...match[2]!.matchAll(/<Member\s+Name="([^"]+)"/g)].map((m) => m[1]!) });
  }
  return types;
}

let csdlTypes: Map<string, CsdlType> | undefined;
const csdl = (): Map<string, CsdlType> => (csdlTypes ??= readCsdl(readFileSync(CSDL!, 'utf8')));

/** Problems of one value against a CSDL type: unknown properties, non-member enum values. */
function problemsOf(types: Map<string, CsdlType>, value: unknown, typeName: string, at: string): string[] {
  const collection = /^Collection\((.+)\)$/.exec(typeName);
  if (collection)
    return Array.isArray(value) ? value.flatMap((item, i) => problemsOf(types, item, collection[1]!, `${at}[${i}]`)) : [`${at}: not a collection`];
  if (typeName.startsWith('Edm.')) return [];
  const type = types.get(typeName);
  if (!type) return [`${at}: the CSDL has no type ${typeName}`];
  if (type.members) return type.members.includes(String(value)) ? [] : [`${at}: "${String(value)}" is not a member of ${typeName}`];
  const problems: string[] = [];
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    let propertyType: string | undefined;
    for (let name: string | undefined = typeName; name && !propertyType; name = types.get(name)?.baseType) propertyType = types.get(name)?.properties.get(key);
    if (!propertyType) problems.push(`${at}.${key}: ${typeName} has no property ${key}`);
    else problems.push(...problemsOf(types, item, propertyType, `${at}.${key}`));
  }
  return problems;
}

const samples = path.join(__dirname, 'samples');
const contacts = readdirSync(samples)
  .filter((name) => name.endsWith('.vcf'))
  .map((name) => [name, contactFromVCard(readFileSync(path.join(samples, name), 'utf8')).contact] as const);
const events = readdirSync(samples)
  .filter((name) => name.endsWith('.ics'))
  .flatMap((name) => {
    const mapping = eventFromICalendar(readFileSync(path.join(samples, name), 'utf8'), { floatingTimeZone: 'W. Europe Standard Time' });
    return [
      [`${name} master`, mapping.master, 'create'] as const,
      ...mapping.exceptions.map((exception, i) => [`${name} exception ${i}`, exception.body, 'update'] as const),
    ];
  });
const allDayYearly = eventFromICalendar(
  'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:19800415\r\nRRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=3TU;COUNT=3\r\nSTATUS:CANCELLED\r\nPRIORITY:1\r\nCLASS:CONFIDENTIAL\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
).master;

describe('the bodies the groupware mappers emit, against Graph v1.0', () => {
  const csdlTest = CSDL ? test : test.skip;

  csdlTest.each(contacts)(`%s: every property exists on graph.contact in the CSDL${CSDL ? '' : ' (skipped: no CSDL on this machine)'}`, (_name, contact) => {
    const types = csdl();
    expect(problemsOf(types, contact, 'graph.contact', 'contact')).toEqual([]);
  });

  csdlTest.each([...events.map(([name, body]) => [name, body] as const), ['an all-day relative yearly, cancelled', allDayYearly] as const])(
    `%s: every property exists on graph.event in the CSDL, every enum value is a member${CSDL ? '' : ' (skipped: no CSDL on this machine)'}`,
    (_name, body) => {
      const types = csdl();
      expect(problemsOf(types, body, 'graph.event', 'event')).toEqual([]);
    },
  );

  csdlTest('the reader itself finds what the mappers rely on (a check that would catch a reader that matches nothing)', () => {
    const types = csdl();
    expect(types.get('graph.contact')?.properties.get('emailAddresses')).toBe('Collection(graph.emailAddress)');
    expect(types.get('graph.recurrencePattern')?.properties.get('index')).toBe('graph.weekIndex');
    expect(types.get('graph.freeBusyStatus')?.members).toEqual(['unknown', 'free', 'tentative', 'busy', 'oof', 'workingElsewhere']);
    expect(problemsOf(types, { anniversary: '2010-06-12' }, 'graph.contact', 'contact')).toEqual([
      'contact.anniversary: graph.contact has no property anniversary',
    ]);
    expect(problemsOf(types, { showAs: 'away' }, 'graph.event', 'event')).toEqual(['event.showAs: "away" is not a member of graph.freeBusyStatus']);
  });

  test.each(contacts)('%s: passes the sandbox validator for POST …/contacts', (_name, contact) => {
    expect(validateGraphBody(graphSchemaV1, { type: 'graph.contact', operation: 'create' }, contact, { workload: 'outlook' })).toBeUndefined();
  });

  test.each([...events, ['an all-day relative yearly, cancelled', allDayYearly, 'create'] as const])(
    '%s: passes the sandbox validator for POST/PATCH …/events',
    (_name, body, operation) => {
      expect(validateGraphBody(graphSchemaV1, { type: 'graph.event', operation }, body, { workload: 'outlook' })).toBeUndefined();
    },
  );
});
