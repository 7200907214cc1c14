import { GraphError } from '../graphError';
import { graphSchemaV1, parseTypeRef } from '../schema/graphSchema';

/**
 * A body value as Graph stores it, once the Router's schema check (schema/checkRouteBody.ts) has accepted
 * it: enum members in the CSDL's spelling (Exchange takes `"Monday"`, `"HTML"`, `"Required"` from its own
 * samples and answers `monday`, `html`, `required`: https://learn.microsoft.com/graph/api/user-post-events),
 * `@odata.*` annotations dropped. Unknown properties cannot reach here: the schema check refused them.
 */
export function canonicalValue(typeRef: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const { collection, elementType } = parseTypeRef(typeRef);
  if (collection) return Array.isArray(value) ? value.map((item) => canonicalValue(elementType, item)) : value;
  if (elementType.startsWith('Edm.')) return value;
  const type = graphSchemaV1.type(elementType);
  if (!type) return value;
  if (type.kind === 'enum') {
    if (typeof value !== 'string') return value;
    const names = value.split(',').map((name) => name.trim());
    return names.map((name) => type.members.find((member) => member.toLowerCase() === name.toLowerCase()) ?? name).join(',');
  }
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  return canonicalObject(elementType, value as Record<string, unknown>);
}

export function canonicalObject(typeName: string, value: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('@')) continue;
    const found = graphSchemaV1.findProperty(typeName, key, false);
    result[key] = found ? canonicalValue(found.descriptor.type, item) : item;
  }
  return result;
}

/** The structural (non-navigation) properties of a type and its base types, with their type references. */
export function structuralProperties(typeName: string): [string, string][] {
  const result: [string, string][] = [];
  for (let name: string | undefined = typeName; name !== undefined; name = graphSchemaV1.structuredType(name)?.baseType) {
    for (const [property, descriptor] of Object.entries(graphSchemaV1.structuredType(name)?.properties ?? {})) {
      if (!descriptor.navigation) result.push([property, descriptor.type]);
    }
  }
  return result;
}

/**
 * Exchange's answer when a value fails its own checks after the body was read (an event that ends before it
 * starts, an all-day event not at midnight, a recurrence without the properties its type needs): 400
 * `ErrorPropertyValidationFailure` "At least one property failed validation." (microsoftgraph/microsoft-graph-docs#7919,
 * microsoftgraph/microsoft-graph-docs-contrib#1609). Graph says no more; the sandbox adds what failed in brackets.
 */
export function propertyValidationFailure(detail: string): GraphError {
  return new GraphError(400, 'ErrorPropertyValidationFailure', `At least one property failed validation. (${detail})`);
}

/**
 * Open extensions (`extensions` in a create body) pass the schema check, as Graph takes them, but the sandbox
 * does not keep them: refused with 501, so a client never believes it stored data it did not.
 */
export function refuseOpenExtensions(body: Record<string, unknown>): void {
  if ('extensions' in body)
    throw new GraphError(501, 'NotImplemented', 'Open extensions are not reproduced by the sandbox (see its README, "Not reproduced").');
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
