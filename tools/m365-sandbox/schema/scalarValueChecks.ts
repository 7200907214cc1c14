/**
 * Whether a JSON scalar is a valid value of an Edm primitive type or an enum, the way Microsoft's OData
 * library (ODL) reads request bodies for Exchange and Entra ID. ODL converts a JSON string to the
 * expected type (`"true"` is a Boolean, `"5"` an Int32: ODataPayloadValueConverter.ConvertStringValue),
 * which is why the sendMail sample's `"saveToSentItems": "false"` works (microsoftgraph/microsoft-graph-docs#5615),
 * but refuses a number or Boolean where a string is expected (ConvertInt32Value / CannotConvertBoolean).
 */
export type ScalarCheck =
  | { ok: true }
  /** ODL cannot convert the literal (`literal` as .NET prints it: `True`, `1.5`). */
  | { ok: false; problem: 'cannotConvert'; literal: string }
  /** Edm.Int64/Decimal given as a string without `IEEE754Compatible=true`, or as a number with it. */
  | { ok: false; problem: 'ieee754Conflict' }
  /** An object or array where a scalar is expected, or a non-string enum value. */
  | { ok: false; problem: 'wrongKind' }
  | { ok: false; problem: 'unknownMember'; literal: string };

const OK: ScalarCheck = { ok: true };

const INTEGER_RANGES: Record<string, [number, number]> = {
  'Edm.Byte': [0, 255],
  'Edm.SByte': [-128, 127],
  'Edm.Int16': [-32768, 32767],
  'Edm.Int32': [-2147483648, 2147483647],
  'Edm.Int64': [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** .NET's Int32.Parse/Double.Parse with the invariant culture (Convert.ChangeType in ODL). */
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const DECIMAL_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
/** OData's ABNF dateTimeOffsetValue: ODL requires the offset ("The time zone information is missing on the DateTimeOffset value"). */
const DATE_TIME_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,12})?)?(Z|[+-](\d{2}):(\d{2}))$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_OF_DAY = /^(\d{2}):(\d{2})(:(\d{2})(\.\d{1,12})?)?$/;
const DURATION = /^-?P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
/** The formats `new Guid(string)` reads: D, N, B and P (https://learn.microsoft.com/dotnet/api/system.guid.-ctor#system-guid-ctor(system-string)). */
const GUID =
  /^\s*(\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}|\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})\s*$/i;
/** Convert.FromBase64String: the standard alphabet, padded to a multiple of 4, white space ignored. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Edm.Int64 and Edm.Decimal travel as JSON numbers unless the request's Content-Type says
 * `IEEE754Compatible=true`, then as strings (OData JSON Format 4.01, 4.1 "Controlling the
 * Representation of Numbers"); ODL refuses the other form (ODataJsonPropertyAndValueDeserializer).
 */
export function checkPrimitiveValue(edmType: string, value: unknown, ieee754Compatible: boolean): ScalarCheck {
  if (typeof value === 'object' && value !== null) return { ok: false, problem: 'wrongKind' };
  if (edmType === 'Edm.Int64' || edmType === 'Edm.Decimal') {
    if ((typeof value === 'string') !== ieee754Compatible && (typeof value === 'string' || typeof value === 'number'))
      return { ok: false, problem: 'ieee754Conflict' };
  }
  const valid = isValidPrimitive(edmType, value);
  return valid ? OK : { ok: false, problem: 'cannotConvert', literal: dotNetLiteral(value) };
}

function isValidPrimitive(edmType: string, value: unknown): boolean {
  switch (edmType) {
    case 'Edm.String':
      return typeof value === 'string';
    case 'Edm.Boolean':
      return typeof value === 'boolean' || (typeof value === 'string' && /^\s*(true|false)\s*$/i.test(value));
    case 'Edm.Byte':
    case 'Edm.SByte':
    case 'Edm.Int16':
    case 'Edm.Int32':
    case 'Edm.Int64':
      return isInteger(value, INTEGER_RANGES[edmType]!);
    case 'Edm.Double':
    case 'Edm.Single':
    case 'Edm.Decimal':
      return typeof value === 'number' || (typeof value === 'string' && (DECIMAL_TEXT.test(value) || /^(INF|-INF|NaN)$/.test(value)));
    case 'Edm.DateTimeOffset':
      return typeof value === 'string' && isDateTimeOffset(value);
    case 'Edm.Date':
      return typeof value === 'string' && isDate(value);
    case 'Edm.TimeOfDay':
      return typeof value === 'string' && isTimeOfDay(value);
    case 'Edm.Duration':
      return typeof value === 'string' && DURATION.test(value);
    case 'Edm.Guid':
      return typeof value === 'string' && GUID.test(value);
    case 'Edm.Binary':
      return typeof value === 'string' && isBase64(value);
    case 'Edm.Stream':
      // A stream property inline in a JSON body is base64 (OData JSON Format 4.01, 4.5.1 "Stream Property"; guess for Graph).
      return typeof value === 'string' && isBase64(value);
    default:
      // Edm.Untyped, Edm.PrimitiveType and spatial types (none in the subset) take any value.
      return true;
  }
}

function isInteger(value: unknown, [min, max]: [number, number]): boolean {
  const number = typeof value === 'number' ? value : typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value.trim()) : NaN;
  return Number.isInteger(number) && number >= min && number <= max;
}

function isDateTimeOffset(text: string): boolean {
  const match = DATE_TIME_OFFSET.exec(text);
  if (!match) return false;
  const [, year, month, day, hour, minute, , second, , zone, zoneHours, zoneMinutes] = match;
  return (
    isCalendarDate(year!, month!, day!) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second ?? 0) < 60 &&
    (zone!.toUpperCase() === 'Z' || (Number(zoneHours) <= 14 && Number(zoneMinutes) < 60))
  );
}

function isDate(text: string): boolean {
  const match = DATE.exec(text);
  return match !== null && isCalendarDate(match[1]!, match[2]!, match[3]!);
}

function isTimeOfDay(text: string): boolean {
  const match = TIME_OF_DAY.exec(text);
  return match !== null && Number(match[1]) < 24 && Number(match[2]) < 60 && Number(match[4] ?? 0) < 60;
}

function isCalendarDate(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day) && Number(year) > 0;
}

function isBase64(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  return compact.length % 4 === 0 && BASE64.test(compact);
}

/** How .NET's ToString() prints the value in ODL's message: `True`, `5`, `1.5`, text as is. */
function dotNetLiteral(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/**
 * An enum value: a member name, or for IsFlags enums members joined by commas (OData JSON Format 4.01,
 * 7.1 "Primitive Value": "Enumeration values are represented as JSON strings whose content satisfies the
 * rule enumValue"). `ignoreCase` for Exchange, whose own samples send `"contentType": "HTML"` for
 * itemBody.contentType (members `text`, `html`): https://learn.microsoft.com/graph/api/user-post-messages
 * and `"contentType": "Text"` in https://learn.microsoft.com/graph/api/user-sendmail.
 */
export function checkEnumValue(members: readonly string[], isFlags: boolean, value: unknown, ignoreCase: boolean): ScalarCheck {
  if (typeof value !== 'string') return { ok: false, problem: 'wrongKind' };
  const names = isFlags ? value.split(',').map((name) => name.trim()) : [value];
  const known = (name: string): boolean => members.some((member) => (ignoreCase ? member.toLowerCase() === name.toLowerCase() : member === name));
  return names.every(known) ? OK : { ok: false, problem: 'unknownMember', literal: value };
}
