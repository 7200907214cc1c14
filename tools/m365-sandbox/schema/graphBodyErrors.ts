import { GraphError } from '../graphError';

/**
 * Which service reads the body behind Graph: Exchange Online for mail, contacts and calendars,
 * Microsoft Entra ID for users. They word the same body errors differently.
 */
export type GraphWorkload = 'outlook' | 'directory';

/**
 * Exchange reads bodies with Microsoft's OData library (ODL) against its own model, whose types are
 * `Microsoft.OutlookServices.<Type>` (the name in microsoftgraph/msgraph-sdk-dotnet#270); several texts
 * below are ODL's own resource strings (OData/odata.net, src/Microsoft.OData.Core/SRResources.resx).
 * Where no page or issue shows Graph's answer, the text is marked "guess".
 */
export const graphBodyErrors = {
  /** microsoftgraph/nodejs-connect-rest-sample#53: 400 BadRequest with this text for a body that is not JSON. */
  malformedJson: (): GraphError =>
    new GraphError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.'),

  /**
   * Outlook: microsoftgraph/msgraph-sdk-dotnet#270 (400 RequestBodyRead, ODL's ValidationUtils_PropertyDoesNotExistOnType).
   * Directory: pnp/PnP-Sites-Core#1807 (400 Request_BadRequest "Invalid property 'responseHeaders'.").
   */
  unknownProperty: (workload: GraphWorkload, property: string, typeName: string): GraphError =>
    workload === 'outlook'
      ? new GraphError(
          400,
          'RequestBodyRead',
          `The property '${property}' does not exist on type '${modelTypeName(workload, typeName)}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
        )
      : new GraphError(400, 'Request_BadRequest', `Invalid property '${property}'.`),

  /** ODL's ODataParameterReaderCore_ParameterNameNotInMetadata; the code is a guess by analogy with unknownProperty. */
  unknownParameter: (workload: GraphWorkload, parameter: string, action: string): GraphError =>
    readError(
      workload,
      `The parameter '${parameter}' in the request payload is not a valid parameter for the operation '${modelActionName(workload, action)}'.`,
    ),

  /** ODL's ODataParameterReaderCore_DuplicateParametersInPayload; that Exchange answers a parameter sent twice (in two casings) so is a guess. */
  duplicateParameter: (workload: GraphWorkload, parameter: string): GraphError =>
    readError(workload, `Multiple parameters with the name '${parameter}' were found in the request payload.`),

  /**
   * ODL's ODataParameterReaderCore_ParametersMissingInPayload (non-nullable, non-optional parameters);
   * Graph answered sendMail this way in 2015 ("... The missing parameters are: Message.",
   * https://blog.beecomedigital.com/2015/11/29/be-careful-to-case-sensitivity-in-microsoft-graph-rest-api/).
   */
  missingParameters: (workload: GraphWorkload, action: string, parameters: string[]): GraphError =>
    readError(
      workload,
      `One or more parameters of the operation '${modelActionName(workload, action)}' are missing from the request payload. The missing parameters are: ${parameters.join(',')}.`,
    ),

  /**
   * A value of the wrong JSON kind (a string for a complex type, an object for a string, a scalar for a
   * collection): microsoftgraph/microsoft-graph-docs#138, Graph's answer to `"body": "text"` on a message.
   */
  valueDoesNotMatchSchema: (property: string): GraphError =>
    new GraphError(400, 'BadRequest', `Property ${property} in payload has a value that does not match schema.`),

  /** A scalar ODL cannot convert (`"isRead": "yes"`): ODL's ReaderValidationUtils_CannotConvertPrimitiveValue. */
  cannotConvert: (workload: GraphWorkload, literal: string, edmType: string): GraphError =>
    readError(workload, `Cannot convert the literal '${literal}' to the expected type '${edmType}'.`),

  /** Edm.Int64 as a string without `IEEE754Compatible=true`, or as a number with it: ODL's ODataJsonReaderUtils_ConflictBetweenInputFormatAndParameter. */
  ieee754Conflict: (workload: GraphWorkload, edmType: string): GraphError =>
    readError(
      workload,
      `Cannot convert a value to target type '${edmType}' because of conflict between input format string/number and parameter 'IEEE754Compatible' false/true.`,
    ),

  /**
   * Guess: ODL does not check enum members; the workload parses them as .NET enums, whose failure text
   * is "Requested value '…' was not found." (seen from another Graph workload in microsoftgraph/msgraph-search-connector-sample#5).
   */
  unknownEnumMember: (workload: GraphWorkload, value: string): GraphError => readError(workload, `Requested value '${value}' was not found.`),

  /** ODL's ReaderValidationUtils_NullNamedValueForNonNullableType. */
  nullNotAllowed: (workload: GraphWorkload, property: string, typeRef: string): GraphError =>
    readError(
      workload,
      `A null value was found for the property named '${property}', which has the expected type '${modelTypeName(workload, typeRef)}[Nullable=False]'. The expected type '${modelTypeName(workload, typeRef)}[Nullable=False]' does not allow null values.`,
    ),

  /** ODL's ReaderValidationUtils_NullValueForNonNullableType: a null item in a collection of non-nullable items. */
  nullItemNotAllowed: (workload: GraphWorkload, typeRef: string): GraphError =>
    readError(
      workload,
      `A null value was found with the expected type '${modelTypeName(workload, typeRef)}[Nullable=False]'. The expected type '${modelTypeName(workload, typeRef)}[Nullable=False]' does not allow null values.`,
    ),

  /**
   * ODL's ReaderValidationUtils_NullNamedValueForNullableType: a collection-valued property can hold
   * nulls but is never null itself (OData CSDL 4.01, 7.2.1 Nullable).
   */
  nullCollection: (workload: GraphWorkload, property: string, typeRef: string): GraphError =>
    readError(
      workload,
      `A null value was found for the property named '${property}', which has the expected type '${modelTypeName(workload, typeRef)}[Nullable=True]'. The expected type '${modelTypeName(workload, typeRef)}[Nullable=True]' cannot be null but it can have null values.`,
    ),

  /** ODL's ValidationUtils_UnrecognizedTypeName, for an `@odata.type` the model does not know. */
  unknownTypeName: (workload: GraphWorkload, odataType: string): GraphError =>
    readError(
      workload,
      `A type named '${odataType.replace(/^#/, '')}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.`,
    ),

  /** ODL's ValidationUtils_ResourceTypeNotAssignableToExpectedType, for an `@odata.type` outside the declared type's family. */
  typeNotAssignable: (workload: GraphWorkload, found: string, expected: string): GraphError =>
    readError(
      workload,
      `A resource with type '${modelTypeName(workload, found)}' was found, but it is not assignable to the expected type '${modelTypeName(workload, expected)}'. The type specified in the resource must be equal to either the expected type or a derived type.`,
    ),

  /** ODL's JsonReaderExtensions_UnexpectedNodeDetected, for a body that is JSON but not an object. */
  bodyNotAnObject: (workload: GraphWorkload, found: string): GraphError =>
    readError(workload, `An unexpected '${found}' node was found when reading from the JSON reader. A 'StartObject' node was expected.`),

  /**
   * Guess: a navigation property Graph does not deep-insert (`childFolders` in a folder create,
   * `attachments` in a PATCH). No page shows the answer; the stricter choice is to refuse it.
   */
  navigationNotWritable: (workload: GraphWorkload, property: string, typeName: string): GraphError =>
    readError(workload, `The navigation property '${property}' of type '${modelTypeName(workload, typeName)}' cannot be written in this request body.`),
} as const;

/** ODL reader failures: RequestBodyRead from Exchange (as for unknownProperty), Request_BadRequest from Entra ID (microsoftgraph/microsoft-graph-docs-contrib#6272). */
function readError(workload: GraphWorkload, message: string): GraphError {
  return new GraphError(400, workload === 'outlook' ? 'RequestBodyRead' : 'Request_BadRequest', message);
}

/** `graph.itemBody` → `Microsoft.OutlookServices.ItemBody` for Exchange, `microsoft.graph.itemBody` otherwise; Edm types unchanged. */
function modelTypeName(workload: GraphWorkload, typeRef: string): string {
  const collection = /^Collection\((.+)\)$/.exec(typeRef);
  if (collection) return `Collection(${modelTypeName(workload, collection[1]!)})`;
  if (typeRef.startsWith('Edm.')) return typeRef;
  const name = typeRef.slice(typeRef.lastIndexOf('.') + 1);
  return workload === 'outlook' ? `Microsoft.OutlookServices.${name.charAt(0).toUpperCase()}${name.slice(1)}` : `microsoft.graph.${name}`;
}

/** `sendMail` → `SendMail` for Exchange, as in the 2015 error cited at missingParameters. */
function modelActionName(workload: GraphWorkload, action: string): string {
  return workload === 'outlook' ? `${action.charAt(0).toUpperCase()}${action.slice(1)}` : action;
}
