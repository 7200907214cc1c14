import graphSchemaV1Json from './graphSchemaV1.json';

/**
 * The subset of Microsoft Graph v1.0's CSDL the sandbox checks request bodies against, as written by
 * `scripts/generate-graph-schema.js` (https://github.com/microsoftgraph/msgraph-metadata). Names are
 * canonical CSDL names: `graph.message`, `Collection(graph.recipient)`, `Edm.String`.
 */
export interface GraphSchema {
  generated: { note: string; sourceFile: string; sourceRepository: string; sourcePath: string; sourceCommit: string; sourceSha256: string };
  /** Alias → namespace (`graph` → `microsoft.graph`), to read and write `@odata.type` names. */
  namespaces: Record<string, string>;
  types: Record<string, TypeDescriptor>;
  /** Keyed `<binding type>.<action>`: `user.sendMail`, `attachment.createUploadSession`. */
  actions: Record<string, ActionDescriptor>;
}

/** A property as the CSDL declares it; `nullable` is written only when false (CSDL's default is true). */
export interface PropertyDescriptor {
  type: string;
  nullable?: false;
  navigation?: true;
  containsTarget?: true;
  /** `Org.OData.Core.V1.Computed` / `Immutable` / `Permissions`, where the CSDL marks them. */
  computed?: boolean;
  immutable?: boolean;
  permissions?: string;
}

export interface StructuredTypeDescriptor {
  kind: 'entity' | 'complex';
  baseType?: string;
  abstract?: true;
  openType?: true;
  hasStream?: true;
  properties: Record<string, PropertyDescriptor>;
}

export interface EnumTypeDescriptor {
  kind: 'enum';
  isFlags?: true;
  members: string[];
}

export type TypeDescriptor = StructuredTypeDescriptor | EnumTypeDescriptor;

export interface ParameterDescriptor {
  type: string;
  nullable?: false;
  /** `Org.OData.Core.V1.OptionalParameter`. */
  optional?: true;
}

export interface ActionDescriptor {
  name: string;
  bindingParameter: string;
  parameters: Record<string, ParameterDescriptor>;
}

/** A property found on a type or one of its base types. */
export interface FoundProperty {
  name: string;
  descriptor: PropertyDescriptor;
}

/** `Collection(graph.recipient)` → `{ collection: true, elementType: 'graph.recipient' }`. */
export function parseTypeRef(typeRef: string): { collection: boolean; elementType: string } {
  const collection = /^Collection\((.+)\)$/.exec(typeRef);
  return collection ? { collection: true, elementType: collection[1]! } : { collection: false, elementType: typeRef };
}

/** Look-ups over the subset: properties through base types, derived types, `@odata.type` names. */
export class GraphSchemaIndex {
  constructor(readonly schema: GraphSchema) {}

  type(name: string): TypeDescriptor | undefined {
    return this.schema.types[name];
  }

  structuredType(name: string): StructuredTypeDescriptor | undefined {
    const type = this.type(name);
    return type && type.kind !== 'enum' ? type : undefined;
  }

  action(key: string): ActionDescriptor | undefined {
    return this.schema.actions[key];
  }

  /** The property on the type or a base type; `ignoreCase` matches `Subject` to `subject`. */
  findProperty(typeName: string, propertyName: string, ignoreCase: boolean): FoundProperty | undefined {
    for (let name: string | undefined = typeName; name !== undefined; name = this.structuredType(name)?.baseType) {
      const properties = this.structuredType(name)?.properties ?? {};
      const exact = properties[propertyName];
      if (exact) return { name: propertyName, descriptor: exact };
      if (!ignoreCase) continue;
      const wanted = propertyName.toLowerCase();
      const match = Object.entries(properties).find(([candidate]) => candidate.toLowerCase() === wanted);
      if (match) return { name: match[0], descriptor: match[1] };
    }
    return undefined;
  }

  /** True when `typeName` is `baseName` or derives from it. */
  isSameOrDerived(typeName: string, baseName: string): boolean {
    for (let name: string | undefined = typeName; name !== undefined; name = this.structuredType(name)?.baseType) {
      if (name === baseName) return true;
    }
    return false;
  }

  /** `#microsoft.graph.fileAttachment` (or without `#`) → `graph.fileAttachment`; undefined outside the subset. */
  typeOfODataName(odataType: string): string | undefined {
    const qualified = odataType.startsWith('#') ? odataType.slice(1) : odataType;
    for (const [alias, namespace] of Object.entries(this.schema.namespaces)) {
      if (!qualified.startsWith(`${namespace}.`)) continue;
      const name = `${alias}.${qualified.slice(namespace.length + 1)}`;
      if (this.type(name)) return name;
    }
    return undefined;
  }

  /** `graph.fileAttachment` → `microsoft.graph.fileAttachment`. */
  odataNameOf(typeName: string): string {
    const dot = typeName.lastIndexOf('.');
    const namespace = this.schema.namespaces[typeName.slice(0, dot)];
    return namespace === undefined ? typeName : `${namespace}${typeName.slice(dot)}`;
  }
}

/**
 * The committed subset. Imported (not read from disk) so that `tsc` copies it next to the compiled
 * code; the JSON's inferred type has `kind: string`, hence the cast through `unknown`.
 */
export const graphSchemaV1 = new GraphSchemaIndex(graphSchemaV1Json as unknown as GraphSchema);
