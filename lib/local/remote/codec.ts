/**
 * JSON that keeps what AWS inputs and outputs carry beyond JSON: Dates (timestamps) and Uint8Arrays (blobs, binary
 * attribute values). Tagged values are objects with one `$t` key and a `v`; a data object that happens to have a
 * `$t` key is wrapped the same way, so no input can pass for a tag. Keys are copied as own data properties, so
 * `__proto__` or `constructor` in an input stay data and never reach a prototype.
 *
 * @module
 */

type Tagged = { $t: 'date'; v: string } | { $t: 'bytes'; v: string } | { $t: 'object'; v: Record<string, unknown> };

const TAG = '$t';

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function encodeObject(value: object, seen: Set<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined || typeof member === 'function') continue;
    setOwn(out, key, encodeValue(member, seen));
  }
  return out;
}

function encodeValue(value: unknown, seen: Set<object>): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError(`cannot encode the number ${value}: AWS inputs and outputs carry finite numbers only`);
    }
    return value;
  }
  if (value instanceof Date) return { [TAG]: 'date', v: value.toISOString() } satisfies Tagged;
  if (value instanceof Uint8Array) return { [TAG]: 'bytes', v: Buffer.from(value).toString('base64') } satisfies Tagged;
  if (seen.has(value)) throw new TypeError('cannot encode a value that contains itself');
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : encodeValue(item, seen)));
    if (value instanceof Set) return [...value].map((item) => encodeValue(item, seen));
    const encoded = encodeObject(value, seen);
    return Object.hasOwn(encoded, TAG) ? ({ [TAG]: 'object', v: encoded } satisfies Tagged) : encoded;
  } finally {
    seen.delete(value);
  }
}

/** `value` as JSON-safe data; Dates and Uint8Arrays become tagged objects. */
export function encode(value: unknown): unknown {
  return encodeValue(value, new Set());
}

function decodeObject(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(out, key, decode(value[key]));
  return out;
}

/** The value `encode` was given (Sets come back as arrays, undefined members are absent). */
export function decode(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decode);
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, TAG)) {
    const { $t: tag, v } = record as Tagged;
    if (tag === 'date' && typeof v === 'string') return new Date(v);
    if (tag === 'bytes' && typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
    if (tag === 'object' && typeof v === 'object' && v !== null) return decodeObject(v as Record<string, unknown>);
    throw new TypeError(`unknown tagged value ${JSON.stringify(tag)} in a local platform message`);
  }
  return decodeObject(record);
}

/** An AWS error as it travels: its code, message, fault and HTTP status, and its modeled fields. */
export interface EncodedError {
  name: string;
  message: string;
  $fault: 'client' | 'server';
  httpStatusCode: number;
  /** Modeled fields (CancellationReasons, Item...) and `$retryable`, encoded. */
  fields: Record<string, unknown>;
}

/** What never travels: how the error was raised here, and transport objects. */
const NOT_FIELDS = new Set(['name', 'message', 'stack', '$fault', '$metadata', '$response', '$responseBodyText']);

/** `error` as it travels back to the caller; an error that is not an AWS one is a server fault named as raised. */
export function encodeError(error: unknown): EncodedError {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as Record<
    string,
    unknown
  > & { $metadata?: { httpStatusCode?: number } };
  const fault = e.$fault === 'client' ? 'client' : 'server';
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(e)) {
    if (!NOT_FIELDS.has(key)) setOwn(fields, key, e[key]);
  }
  return {
    name: typeof e.name === 'string' && e.name !== '' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(e.message ?? ''),
    $fault: fault,
    httpStatusCode: e.$metadata?.httpStatusCode ?? (fault === 'client' ? 400 : 500),
    fields: encode(fields) as Record<string, unknown>,
  };
}

/** Whether `value` has the shape of an {@link EncodedError}. */
export function isEncodedError(value: unknown): value is EncodedError {
  const v = value as Partial<EncodedError> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.message === 'string' &&
    (v.$fault === 'client' || v.$fault === 'server') &&
    typeof v.httpStatusCode === 'number' &&
    typeof v.fields === 'object' &&
    v.fields !== null
  );
}
