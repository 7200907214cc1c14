import type { GraphError } from '../graphError';
import { graphBodyErrors, type GraphWorkload } from './graphBodyErrors';
import { type ActionDescriptor, type GraphSchemaIndex, parseTypeRef, type StructuredTypeDescriptor } from './graphSchema';
import { checkEnumValue, checkPrimitiveValue, type ScalarCheck } from './scalarValueChecks';

/** What a request body holds: an entity to create or update, or the parameters of a bound action. */
export type GraphBodyTarget = { type: string; operation: 'create' | 'update' } | { action: string };

export interface GraphBodyOptions {
  workload: GraphWorkload;
  /** The request's Content-Type carried `IEEE754Compatible=true`: Edm.Int64 values are strings. */
  ieee754Compatible?: boolean;
}

/**
 * Navigation properties Graph reads inside a body (deep insert). On create: attachments
 * (https://learn.microsoft.com/graph/api/user-post-messages, an item attachment's `item`:
 * https://learn.microsoft.com/graph/api/message-post-attachments), extended properties
 * (https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-post-singlevalueextendedproperties)
 * and open extensions (https://learn.microsoft.com/graph/api/opentypeextension-post-opentypeextension).
 * On update only extended properties, which that page sets with PATCH; any other is refused (guess).
 */
const WRITABLE_NAVIGATION: Record<'create' | 'update', ReadonlySet<string>> = {
  create: new Set(['attachments', 'singleValueExtendedProperties', 'multiValueExtendedProperties', 'extensions', 'item']),
  update: new Set(['singleValueExtendedProperties', 'multiValueExtendedProperties']),
};

/**
 * Entra ID's directory extension properties, `extension_{appId without dashes}_{name}`, are the
 * dynamic properties of its open types (https://learn.microsoft.com/graph/extensibility-overview#directory-microsoft-entra-id-extensions).
 */
const DIRECTORY_EXTENSION_PROPERTY = /^extension_[0-9a-f]{32}_\w+$/i;

/** The base of open extensions (`graph.openTypeExtension`), an open type whose custom data are dynamic properties. */
const OPEN_EXTENSION_BASE = 'graph.extension';

/**
 * Checks a parsed JSON body against the Graph schema subset and returns the first problem as the
 * error Graph answers with (see graphBodyErrors for each text and its source), or undefined.
 */
export function validateGraphBody(schema: GraphSchemaIndex, target: GraphBodyTarget, body: unknown, options: GraphBodyOptions): GraphError | undefined {
  if (!isJsonObject(body)) return graphBodyErrors.bodyNotAnObject(options.workload, Array.isArray(body) ? 'StartArray' : 'PrimitiveValue');
  if ('action' in target) {
    const action = schema.action(target.action);
    if (!action) throw new Error(`The Graph schema subset has no action ${target.action}; regenerate it (scripts/generate-graph-schema.js).`);
    return new BodyWalker(schema, options, 'create').checkParameters(action, body);
  }
  if (!schema.structuredType(target.type))
    throw new Error(`The Graph schema subset has no type ${target.type}; regenerate it (scripts/generate-graph-schema.js).`);
  return new BodyWalker(schema, options, target.operation).checkObject(body, target.type);
}

/** Walks one body depth-first, in the order its properties were written, stopping at the first problem. */
class BodyWalker {
  constructor(
    private readonly schema: GraphSchemaIndex,
    private readonly options: GraphBodyOptions,
    private readonly operation: 'create' | 'update',
  ) {}

  private get workload(): GraphWorkload {
    return this.options.workload;
  }

  /**
   * Action parameters. Exchange matches their names case-insensitively: the CSDL names sendMail's
   * parameters `Message`/`SaveToSentItems` and move's `DestinationId`, Microsoft's current SDK sends
   * them so (microsoftgraph/msgraph-sdk-typescript, packages/msgraph-sdk-users/users/item/sendMail/index.ts)
   * while the documentation pages and earlier SDKs send `message`/`destinationId`
   * (https://learn.microsoft.com/graph/api/user-sendmail, https://learn.microsoft.com/graph/api/message-move).
   * Entra ID's assignLicense: no such evidence, so exact names (the stricter choice). Guess: two
   * spellings of one parameter (`destinationId` and `DestinationId`) are the same parameter twice, refused.
   */
  checkParameters(action: ActionDescriptor, body: Record<string, unknown>): GraphError | undefined {
    const ignoreCase = this.workload === 'outlook';
    const seen = new Set<string>();
    for (const [key, value] of Object.entries(body)) {
      if (key.includes('@')) continue;
      const match = Object.entries(action.parameters).find(([name]) => (ignoreCase ? name.toLowerCase() === key.toLowerCase() : name === key));
      if (!match) return graphBodyErrors.unknownParameter(this.workload, key, action.name);
      if (seen.has(match[0])) return graphBodyErrors.duplicateParameter(this.workload, key);
      seen.add(match[0]);
      const problem = this.checkValue(value, match[1].type, match[1].nullable !== false, key);
      if (problem) return problem;
    }
    // ODL requires every parameter that is neither nullable nor optional (ODataParameterReaderCore).
    const missing = Object.entries(action.parameters).filter(([name, parameter]) => !seen.has(name) && parameter.nullable === false && !parameter.optional);
    return missing.length > 0
      ? graphBodyErrors.missingParameters(
          this.workload,
          action.name,
          missing.map(([name]) => name),
        )
      : undefined;
  }

  /**
   * An entity or complex value. Property names are matched exactly: no page shows Graph accepting
   * another casing of a property (ODL is case-sensitive unless told otherwise, OData/odata.net#1801),
   * so the stricter choice. Keys holding `@` are instance or property annotations (`@odata.type`,
   * `@odata.context`, `attachments@odata.nextLink`), which OData JSON allows anywhere.
   */
  checkObject(value: Record<string, unknown>, declaredType: string): GraphError | undefined {
    const actual = this.actualType(value, declaredType);
    if (typeof actual !== 'string') return actual;
    const type = this.schema.structuredType(actual)!;
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('@')) continue;
      const found = this.schema.findProperty(actual, key, false);
      if (!found) {
        if (this.isDynamicProperty(actual, type, key)) continue;
        return graphBodyErrors.unknownProperty(this.workload, key, actual);
      }
      if (found.descriptor.navigation && !WRITABLE_NAVIGATION[this.operation].has(found.name)) {
        return graphBodyErrors.navigationNotWritable(this.workload, found.name, actual);
      }
      const problem = this.checkValue(item, found.descriptor.type, found.descriptor.nullable !== false, found.name);
      if (problem) return problem;
    }
    return undefined;
  }

  /** A property's or parameter's value against its declared type reference. */
  checkValue(value: unknown, typeRef: string, nullable: boolean, name: string): GraphError | undefined {
    const { collection, elementType } = parseTypeRef(typeRef);
    if (value === null) {
      if (collection) return graphBodyErrors.nullCollection(this.workload, name, typeRef);
      return nullable ? undefined : graphBodyErrors.nullNotAllowed(this.workload, name, typeRef);
    }
    if (!collection) return this.checkElement(value, elementType, name);
    if (!Array.isArray(value)) return graphBodyErrors.valueDoesNotMatchSchema(name);
    for (const item of value) {
      // In a collection, Nullable applies to the items (OData CSDL 4.01, 7.2.1).
      const problem =
        item === null ? (nullable ? undefined : graphBodyErrors.nullItemNotAllowed(this.workload, elementType)) : this.checkElement(item, elementType, name);
      if (problem) return problem;
    }
    return undefined;
  }

  private checkElement(value: unknown, typeName: string, name: string): GraphError | undefined {
    if (typeName.startsWith('Edm.')) return this.toError(checkPrimitiveValue(typeName, value, this.options.ieee754Compatible === true), name, typeName);
    const type = this.schema.type(typeName);
    if (!type) throw new Error(`The Graph schema subset has no type ${typeName}; regenerate it (scripts/generate-graph-schema.js).`);
    if (type.kind === 'enum') return this.toError(checkEnumValue(type.members, type.isFlags === true, value, this.workload === 'outlook'), name, typeName);
    if (!isJsonObject(value)) return graphBodyErrors.valueDoesNotMatchSchema(name);
    return this.checkObject(value, typeName);
  }

  /** The declared type, or the derived type the value names with `@odata.type` (`#microsoft.graph.fileAttachment`). */
  private actualType(value: Record<string, unknown>, declaredType: string): string | GraphError {
    const odataType = value['@odata.type'];
    if (odataType === undefined) return declaredType;
    if (typeof odataType !== 'string') return graphBodyErrors.valueDoesNotMatchSchema('@odata.type');
    const named = this.schema.typeOfODataName(odataType);
    if (named === undefined || !this.schema.structuredType(named)) return graphBodyErrors.unknownTypeName(this.workload, odataType);
    if (!this.schema.isSameOrDerived(named, declaredType)) return graphBodyErrors.typeNotAssignable(this.workload, named, declaredType);
    return named;
  }

  /**
   * Dynamic properties of open types. The CSDL marks message, event, contact and user as open, yet
   * Exchange refuses an unknown property on a message (microsoftgraph/msgraph-sdk-dotnet#270); so only
   * open extensions, whose custom data are dynamic properties by design
   * (https://learn.microsoft.com/graph/api/resources/opentypeextension), and Entra ID's directory
   * extension properties are.
   */
  private isDynamicProperty(typeName: string, type: StructuredTypeDescriptor, key: string): boolean {
    if (type.openType !== true) return false;
    if (this.schema.isSameOrDerived(typeName, OPEN_EXTENSION_BASE)) return true;
    return this.workload === 'directory' && DIRECTORY_EXTENSION_PROPERTY.test(key);
  }

  private toError(check: ScalarCheck, name: string, typeName: string): GraphError | undefined {
    if (check.ok) return undefined;
    switch (check.problem) {
      case 'wrongKind':
        return graphBodyErrors.valueDoesNotMatchSchema(name);
      case 'ieee754Conflict':
        return graphBodyErrors.ieee754Conflict(this.workload, typeName);
      case 'cannotConvert':
        return graphBodyErrors.cannotConvert(this.workload, check.literal, typeName);
      case 'unknownMember':
        return graphBodyErrors.unknownEnumMember(this.workload, check.literal);
    }
  }
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
