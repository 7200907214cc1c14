import { GraphError, graphErrors } from '../graphError';
import type { SandboxRequest } from '../http/sandboxRequest';
import { normalisePropertyId } from '../mail/draftState';
import type { ExtendedPropertyRecord, ItemRecord, MultiValueExtendedPropertyRecord } from '../store/types';
import { isJsonObject } from './graphValues';

/**
 * Extended properties of contacts and events (https://learn.microsoft.com/graph/api/resources/extended-properties-overview):
 * created with the item or by PATCH (https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-post-singlevalueextendedproperties,
 * https://learn.microsoft.com/graph/api/multivaluelegacyextendedproperty-post-multivalueextendedproperties),
 * returned only through `$expand` (https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get,
 * https://learn.microsoft.com/graph/api/multivaluelegacyextendedproperty-get). An id is `{type} {proptag}`,
 * `{type} {guid} Name {name}` or `{type} {guid} Id {id}`; single-value types are the MAPI scalar types,
 * multi-value ones their `…Array` forms (the pages' "Supported property types").
 */
const SINGLE_TYPES = 'Binary|Boolean|CLSID|Currency|Double|Float|Integer|Long|Short|SystemTime|String';
const MULTI_TYPES = 'BinaryArray|CLSIDArray|CurrencyArray|DoubleArray|FloatArray|IntegerArray|LongArray|ShortArray|SystemTimeArray|StringArray';
const GUID = '\\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\}?';
const idPattern = (types: string): RegExp => new RegExp(`^\\s*(${types})\\s+(0x[0-9a-f]{1,4}|${GUID}\\s+(Name\\s+\\S.*|Id\\s+(0x[0-9a-f]+|\\d+)))\\s*$`, 'i');
const SINGLE_ID = idPattern(SINGLE_TYPES);
const MULTI_ID = idPattern(MULTI_TYPES);

/** Guess: the code and text of an id in none of the documented forms (no page shows Graph's answer). */
function invalidId(id: string): GraphError {
  return new GraphError(400, 'ErrorInvalidProperty', `The extended property id '${id}' is not valid.`);
}

export function readSingleValueProperties(body: Record<string, unknown>): ExtendedPropertyRecord[] | undefined {
  const raw = body.singleValueExtendedProperties;
  if (!Array.isArray(raw)) return undefined;
  return raw.filter(isJsonObject).map((item) => {
    const id = typeof item.id === 'string' ? item.id : '';
    if (!SINGLE_ID.test(id)) throw invalidId(id);
    return { id, value: typeof item.value === 'string' ? item.value : '' };
  });
}

export function readMultiValueProperties(body: Record<string, unknown>): MultiValueExtendedPropertyRecord[] | undefined {
  const raw = body.multiValueExtendedProperties;
  if (!Array.isArray(raw)) return undefined;
  return raw.filter(isJsonObject).map((item) => {
    const id = typeof item.id === 'string' ? item.id : '';
    if (!MULTI_ID.test(id)) throw invalidId(id);
    return { id, value: Array.isArray(item.value) ? item.value.filter((value): value is string => typeof value === 'string') : [] };
  });
}

/** A PATCH adds new ids and replaces the value of ids the item has (ids match case-insensitively). */
export function mergeProperties<T extends { id: string }>(existing: T[] | undefined, changes: T[] | undefined): T[] {
  const result = [...(existing ?? [])];
  for (const change of changes ?? []) {
    const index = result.findIndex((property) => normalisePropertyId(property.id) === normalisePropertyId(change.id));
    if (index >= 0) result[index] = change;
    else result.push(change);
  }
  return result;
}

/** Takes the extended properties of a create or update body into the item. */
export function applyExtendedProperties(item: ItemRecord, body: Record<string, unknown>): void {
  const single = readSingleValueProperties(body);
  const multi = readMultiValueProperties(body);
  if (single) item.singleValueExtendedProperties = mergeProperties(item.singleValueExtendedProperties, single);
  if (multi) item.multiValueExtendedProperties = mergeProperties(item.multiValueExtendedProperties, multi);
}

/**
 * `$expand=singleValueExtendedProperties($filter=id eq '…')` and the multi-value form, comma-separated;
 * `extraExpandable` names other navigation properties the resource expands itself (an event's attachments).
 * An item without the property gets no such key at all, as the get pages show ("the response doesn't include
 * the extended property" when none matches is a guess: the pages show only the matching case).
 */
export function expandedProperties(req: SandboxRequest, item: ItemRecord, entity: string, extraExpandable: string[] = []): Record<string, unknown> {
  const expand = req.query.get('$expand');
  if (!expand) return {};
  const result: Record<string, unknown> = {};
  for (const clause of splitTopLevel(expand)) {
    const match = /^\s*(\w+)\s*(?:\((.*)\))?\s*$/s.exec(clause);
    const name = match?.[1]?.toLowerCase();
    if (!match || !name) throw graphErrors.badRequest(`Invalid $expand clause: '${clause}'.`);
    const wanted = /id\s+eq\s+'((?:[^']|'')*)'/i.exec(match[2] ?? '')?.[1]?.replace(/''/g, "'");
    const keep = (property: { id: string }): boolean => wanted === undefined || normalisePropertyId(property.id) === normalisePropertyId(wanted);
    if (name === 'singlevalueextendedproperties') {
      const found = (item.singleValueExtendedProperties ?? []).filter(keep);
      if (found.length > 0) result.singleValueExtendedProperties = found;
    } else if (name === 'multivalueextendedproperties') {
      const found = (item.multiValueExtendedProperties ?? []).filter(keep);
      if (found.length > 0) result.multiValueExtendedProperties = found;
    } else if (!extraExpandable.includes(name)) {
      throw graphErrors.badRequest(`Could not find a property named '${match[1]}' on type 'microsoft.graph.${entity}'.`);
    }
  }
  return result;
}

export function expandRequests(req: SandboxRequest, name: string): boolean {
  const expand = req.query.get('$expand');
  return expand !== null && splitTopLevel(expand).some((clause) => clause.trim().toLowerCase().startsWith(name.toLowerCase()));
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === '(') depth += 1;
    else if (!quoted && char === ')') depth -= 1;
    else if (!quoted && depth === 0 && char === ',') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((part) => part.trim() !== '');
}

/** What `$filter` sees of an item: its JSON plus the extended properties (the documented `Any` lookup). */
export function filterView(json: Record<string, unknown>, item: ItemRecord): Record<string, unknown> {
  return {
    ...json,
    singleValueExtendedProperties: item.singleValueExtendedProperties ?? [],
    multiValueExtendedProperties: item.multiValueExtendedProperties ?? [],
  };
}
