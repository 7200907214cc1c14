#!/usr/bin/env node
// Writes tools/m365-sandbox/schema/graphSchemaV1.json: the part of Microsoft Graph v1.0's own schema
// (CSDL, from microsoftgraph/msgraph-metadata) that the sandbox needs to check request bodies.
// The CSDL is 3.5 MB and not in the repository, so the subset is generated once and committed; a
// unit test regenerates it when the CSDL is present and fails if the committed file differs.
//
//   node scripts/generate-graph-schema.js [path/to/graph-v1.0-csdl.xml] [--out file]
//
// Plain CommonJS, no build step; fast-xml-parser is a devDependency.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { XMLParser } = require('fast-xml-parser');

const root = path.resolve(__dirname, '..');
const DEFAULT_CSDL = path.resolve(root, '..', 'shared', 'reference', 'microsoft-graph', 'graph-v1.0-csdl.xml');
const DEFAULT_OUT = path.join(root, 'tools', 'm365-sandbox', 'schema', 'graphSchemaV1.json');

/** Where the CSDL comes from (see the README beside it): the file, its repository, path and commit. */
const SOURCE = {
  repository: 'microsoftgraph/msgraph-metadata',
  path: 'clean_v10_metadata/cleanMetadata.xml',
  commit: 'f54f11b60956ea7b185ca0447b2b80805836ec7b',
};

/** The resources the sandbox serves and the complex types their bodies carry. */
const ROOT_TYPES = [
  'graph.message', 'graph.mailFolder', 'graph.fileAttachment', 'graph.attachment', 'graph.itemAttachment',
  'graph.referenceAttachment', 'graph.contact', 'graph.contactFolder', 'graph.event', 'graph.calendar',
  'graph.user', 'graph.organization', 'graph.outlookItem',
  'graph.passwordProfile', 'graph.assignedLicense', 'graph.attachmentItem', 'graph.uploadSession', 'graph.recipient',
  'graph.emailAddress', 'graph.itemBody', 'graph.followupFlag', 'graph.internetMessageHeader',
  'graph.singleValueLegacyExtendedProperty', 'graph.multiValueLegacyExtendedProperty', 'graph.physicalAddress',
  'graph.dateTimeTimeZone', 'graph.patternedRecurrence', 'graph.attendee', 'graph.location', 'graph.responseStatus',
];

/** The bound actions the service calls, found by name and binding parameter type (actions are overloaded). */
const ROOT_ACTIONS = [
  { key: 'user.assignLicense', name: 'assignLicense', binding: 'graph.user' },
  { key: 'attachment.createUploadSession', name: 'createUploadSession', binding: 'Collection(graph.attachment)' },
  { key: 'user.sendMail', name: 'sendMail', binding: 'graph.user' },
  { key: 'message.move', name: 'move', binding: 'graph.message' },
  { key: 'event.cancel', name: 'cancel', binding: 'graph.event' },
  { key: 'event.accept', name: 'accept', binding: 'graph.event' },
  { key: 'event.tentativelyAccept', name: 'tentativelyAccept', binding: 'graph.event' },
  { key: 'event.decline', name: 'decline', binding: 'graph.event' },
];

/**
 * Navigation properties whose targets travel inside a create body for Outlook items (deep insert):
 * attachments (https://learn.microsoft.com/graph/api/user-post-messages) and an item attachment's
 * `item` (https://learn.microsoft.com/graph/api/message-post-attachments), extended properties
 * (https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-post-singlevalueextendedproperties)
 * and open extensions (https://learn.microsoft.com/graph/api/opentypeextension-post-opentypeextension).
 * Only their target types are followed; other navigation properties are kept by name and type only,
 * or the subset would grow to most of Graph (user alone navigates to drives, teams, devices...).
 */
const DEEP_INSERT_NAVIGATION = new Set(['attachments', 'singleValueExtendedProperties', 'multiValueExtendedProperties', 'extensions', 'item']);

/** Annotation terms recorded on properties: what the CSDL says about read-only values. */
const PROPERTY_TERMS = {
  'Org.OData.Core.V1.Computed': 'computed',
  'Org.OData.Core.V1.Immutable': 'immutable',
  'Org.OData.Core.V1.Permissions': 'permissions',
};

function main(argv) {
  const args = [...argv];
  const outIndex = args.indexOf('--out');
  const outArg = outIndex >= 0 ? args.splice(outIndex, 2)[1] : undefined;
  if (outIndex >= 0 && !outArg) {
    console.error('--out needs a file name.');
    process.exit(1);
  }
  const out = outArg ? path.resolve(outArg) : DEFAULT_OUT;
  const csdlPath = path.resolve(args[0] ?? DEFAULT_CSDL);
  if (!fs.existsSync(csdlPath)) {
    console.error(`The Graph CSDL is not at ${csdlPath}. Pass its path: node scripts/generate-graph-schema.js path/to/graph-v1.0-csdl.xml`);
    process.exit(1);
  }
  const text = generateGraphSchema(fs.readFileSync(csdlPath), path.basename(csdlPath));
  fs.writeFileSync(out, text);
  console.log(`Wrote ${path.relative(process.cwd(), out)} (${text.length} bytes) from ${csdlPath}.`);
}

/** The subset as the committed file's text, from the CSDL's bytes. Deterministic: same input, same bytes. */
function generateGraphSchema(csdlBytes, sourceFileName) {
  const model = readModel(csdlBytes.toString('utf8').replace(/^\uFEFF/, ''));
  const subset = collectSubset(model);
  const document = {
    generated: {
      note: 'Generated by scripts/generate-graph-schema.js from Microsoft Graph v1.0 CSDL; do not edit by hand.',
      sourceFile: sourceFileName,
      sourceRepository: SOURCE.repository,
      sourcePath: SOURCE.path,
      sourceCommit: SOURCE.commit,
      sourceSha256: crypto.createHash('sha256').update(csdlBytes).digest('hex'),
    },
    namespaces: usedAliases(model.aliases, subset.types),
    types: subset.types,
    actions: subset.actions,
  };
  return `${formatJson(document, '', 0)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Reading the CSDL into plain maps keyed by canonical name (`graph.message`: alias when the
// namespace has one, full namespace otherwise).

function readModel(xml) {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    parseAttributeValue: false,
    isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
  });
  const schemas = parser.parse(xml).Edmx[0].DataServices[0].Schema;
  const aliases = {};
  for (const schema of schemas) if (schema.Alias) aliases[schema.Alias] = schema.Namespace;
  const canonical = canonicalNamer(schemas);
  const model = { aliases: sortKeys(aliases), types: new Map(), actions: [], annotations: new Map(), canonical };
  for (const schema of schemas) {
    const qualify = (name) => canonical(`${schema.Namespace}.${name}`);
    for (const kind of ['EntityType', 'ComplexType']) {
      for (const type of schema[kind] ?? []) model.types.set(qualify(type.Name), readStructuredType(type, kind, canonical));
    }
    for (const type of schema.EnumType ?? []) model.types.set(qualify(type.Name), readEnumType(type));
    for (const action of schema.Action ?? []) model.actions.push(readAction(action, canonical));
    for (const group of schema.Annotations ?? []) {
      const target = canonicalTarget(group.Target, canonical);
      model.annotations.set(target, { ...model.annotations.get(target), ...readTerms(group.Annotation) });
    }
  }
  return model;
}

/** `microsoft.graph.message`, `graph.message`, `Collection(self.x)` → canonical spelling. */
function canonicalNamer(schemas) {
  const byNamespace = new Map();
  for (const schema of schemas) {
    byNamespace.set(schema.Namespace, schema.Alias ?? schema.Namespace);
    if (schema.Alias) byNamespace.set(schema.Alias, schema.Alias);
  }
  const namespaces = [...byNamespace.keys()].sort((a, b) => b.length - a.length);
  const one = (name) => {
    if (name.startsWith('Edm.')) return name;
    const namespace = namespaces.find((candidate) => name.startsWith(`${candidate}.`) && !name.slice(candidate.length + 1).includes('.'));
    return namespace === undefined ? name : `${byNamespace.get(namespace)}.${name.slice(namespace.length + 1)}`;
  };
  return (typeRef) => {
    const collection = /^Collection\((.+)\)$/.exec(typeRef);
    return collection ? `Collection(${one(collection[1])})` : one(typeRef);
  };
}

function canonicalTarget(target, canonical) {
  const slash = target.indexOf('/');
  return slash < 0 ? canonical(target) : `${canonical(target.slice(0, slash))}/${target.slice(slash + 1)}`;
}

function readStructuredType(type, kind, canonical) {
  const properties = new Map();
  for (const property of type.Property ?? []) {
    properties.set(property.Name, { type: canonical(property.Type), nullable: property.Nullable !== 'false', terms: readTerms(property.Annotation) });
  }
  for (const navigation of type.NavigationProperty ?? []) {
    properties.set(navigation.Name, {
      type: canonical(navigation.Type),
      nullable: navigation.Nullable !== 'false',
      navigation: true,
      containsTarget: navigation.ContainsTarget === 'true',
      terms: readTerms(navigation.Annotation),
    });
  }
  return {
    kind: kind === 'EntityType' ? 'entity' : 'complex',
    baseType: type.BaseType === undefined ? undefined : canonical(type.BaseType),
    abstract: type.Abstract === 'true',
    openType: type.OpenType === 'true',
    hasStream: type.HasStream === 'true',
    properties,
  };
}

function readEnumType(type) {
  return { kind: 'enum', isFlags: type.IsFlags === 'true', members: (type.Member ?? []).map((member) => member.Name) };
}

function readAction(action, canonical) {
  const parameters = (action.Parameter ?? []).map((parameter) => ({
    name: parameter.Name,
    type: canonical(parameter.Type),
    nullable: parameter.Nullable !== 'false',
    optional: (parameter.Annotation ?? []).some((annotation) => annotation.Term === 'Org.OData.Core.V1.OptionalParameter'),
  }));
  return { name: action.Name, isBound: action.IsBound === 'true', parameters };
}

/** The read-only markers among annotations: `{ computed: true, permissions: 'Read' }`. */
function readTerms(annotations) {
  const terms = {};
  for (const annotation of annotations ?? []) {
    const key = PROPERTY_TERMS[annotation.Term];
    if (key === 'permissions') terms.permissions = (annotation.EnumMember ?? []).map((member) => String(member).replace(/^.*\//, '')).join(' ');
    else if (key !== undefined) terms[key] = annotation.Bool !== 'false';
  }
  return terms;
}

// ---------------------------------------------------------------------------------------------
// The subset: every type reachable from the roots.

function collectSubset(model) {
  const derivedOf = derivedTypeIndex(model.types);
  const types = new Map();
  const pending = [];
  /** `withDerived`: the type is a value's declared type, so a body may name a derived type with `@odata.type`. */
  const reach = (typeRef, withDerived) => {
    const name = elementTypeOf(typeRef);
    if (name.startsWith('Edm.')) return;
    if (!model.types.has(name)) throw new Error(`The CSDL has no type ${name}.`);
    pending.push({ name, withDerived });
  };
  for (const name of ROOT_TYPES) reach(name, false);
  const actions = {};
  for (const wanted of ROOT_ACTIONS) {
    const action = model.actions.find((candidate) => candidate.name === wanted.name && candidate.isBound && candidate.parameters[0]?.type === wanted.binding);
    if (!action) throw new Error(`The CSDL has no action ${wanted.name} bound to ${wanted.binding}.`);
    const [binding, ...parameters] = action.parameters;
    actions[wanted.key] = { name: action.name, bindingParameter: binding.type, parameters: Object.fromEntries(parameters.map((p) => [p.name, compactParameter(p)])) };
    for (const parameter of parameters) reach(parameter.type, true);
  }
  const expanded = new Set();
  while (pending.length > 0) {
    const { name, withDerived } = pending.shift();
    const type = model.types.get(name);
    if (!types.has(name)) {
      types.set(name, type);
      if (type.baseType) reach(type.baseType, false);
      for (const [propertyName, property] of type.properties ?? []) {
        if (!property.navigation) reach(property.type, true);
        else if (DEEP_INSERT_NAVIGATION.has(propertyName)) reach(property.type, true);
      }
    }
    if (withDerived && !expanded.has(name)) {
      expanded.add(name);
      for (const derived of derivedOf.get(name) ?? []) reach(derived, true);
    }
  }
  const sortedTypes = {};
  for (const name of [...types.keys()].sort()) sortedTypes[name] = compactType(name, types.get(name), model.annotations);
  return { types: sortedTypes, actions: sortKeys(actions) };
}

function derivedTypeIndex(types) {
  const index = new Map();
  for (const [name, type] of types) {
    if (type.baseType === undefined) continue;
    index.set(type.baseType, [...(index.get(type.baseType) ?? []), name].sort());
  }
  return index;
}

function elementTypeOf(typeRef) {
  const collection = /^Collection\((.+)\)$/.exec(typeRef);
  return collection ? collection[1] : typeRef;
}

/** Defaults left out to keep the file small: nullable, not navigation, not abstract. */
function compactType(name, type, annotations) {
  if (type.kind === 'enum') return { kind: 'enum', ...(type.isFlags ? { isFlags: true } : {}), members: type.members };
  const properties = {};
  for (const [propertyName, property] of type.properties) {
    const terms = { ...property.terms, ...annotations.get(`${name}/${propertyName}`) };
    properties[propertyName] = {
      type: property.type,
      ...(property.nullable ? {} : { nullable: false }),
      ...(property.navigation ? { navigation: true } : {}),
      ...(property.containsTarget ? { containsTarget: true } : {}),
      ...sortKeys(terms),
    };
  }
  return {
    kind: type.kind,
    ...(type.baseType ? { baseType: type.baseType } : {}),
    ...(type.abstract ? { abstract: true } : {}),
    ...(type.openType ? { openType: true } : {}),
    ...(type.hasStream ? { hasStream: true } : {}),
    properties,
  };
}

function compactParameter(parameter) {
  return { type: parameter.type, ...(parameter.nullable ? {} : { nullable: false }), ...(parameter.optional ? { optional: true } : {}) };
}

/** The aliases the subset's type names use (`graph` → `microsoft.graph`), to turn them into `@odata.type` names. */
function usedAliases(aliases, types) {
  const used = new Set(Object.keys(types).map((name) => name.slice(0, name.lastIndexOf('.'))));
  return Object.fromEntries(Object.entries(aliases).filter(([alias]) => used.has(alias)));
}

function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ---------------------------------------------------------------------------------------------
// Formatting: indented like JSON.stringify(…, null, 2), but below the top two levels an object or
// array holding only scalars (a property, an enum) stays on one line, so a change is one changed line.

function formatJson(value, indent, depth) {
  if (value === null || typeof value !== 'object' || (depth >= 2 && isFlat(value))) return formatFlat(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((item) => inner + formatJson(item, inner, depth + 1)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${formatJson(item, inner, depth + 1)}`).join(',\n')}\n${indent}}`;
}

function isFlat(value) {
  if (value === null || typeof value !== 'object') return true;
  const items = Array.isArray(value) ? value : Object.values(value);
  if (!Array.isArray(value) && items.length === 0) return true;
  return items.every((item) => item === null || typeof item !== 'object' || (Array.isArray(item) && item.every((x) => x === null || typeof x !== 'object')));
}

function formatFlat(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(formatFlat).join(', ')}]`;
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([key, item]) => `${JSON.stringify(key)}: ${formatFlat(item)}`).join(', ')} }`;
}

module.exports = { generateGraphSchema };

if (require.main === module) main(process.argv.slice(2));
