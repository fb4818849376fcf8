/**
 * Input summaries for the call log: the request with every secret value replaced, so the log can be printed,
 * asserted on and written to benchmark results without becoming a leak of its own.
 *
 * @module
 */

export const REDACTED = '[redacted]';

/** Fields whose value is a secret whatever it contains. */
const SECRET_FIELDS = /password|secretstring|secretbinary/i;

/**
 * A deep copy of `value` where secret-named fields and any string containing a known secret are replaced by
 * {@link REDACTED}. Binary values become a length note.
 */
export function redact(value: unknown, secrets: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return containsSecret(value, secrets) ? REDACTED : value;
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (value instanceof Date) return new Date(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.test(k) ? REDACTED : redact(v, secrets)]),
    );
  }
  return value;
}

function containsSecret(text: string, secrets: ReadonlySet<string>): boolean {
  for (const secret of secrets) if (secret.length > 0 && text.includes(secret)) return true;
  return false;
}
