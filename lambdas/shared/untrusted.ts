/**
 * Untrusted values on their way into messages, events, logs and records. A rejected value is quoted as a short,
 * escaped prefix: a 100 KB field cannot push the workflow state past Step Functions' 256 KiB limit through an error
 * message, and control or bidirectional-override characters cannot forge lines in a log, an event or a terminal.
 *
 * @module
 */

/** Longest prefix of a rejected value that an error message quotes, in code points. */
export const MAX_QUOTED_LENGTH = 64;

// \p{C}: control, format (bidi overrides, zero-width), surrogate, private-use and unassigned code points.
const UNPRINTABLE = /\p{C}/gu;

/** `text` with every unprintable code point written as `\u{hex}`, so it shows up instead of acting. */
export function escapeUnprintable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

function serialized(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // BigInt, circular structures: what it is matters more than its contents.
    return `(${typeof value})`;
  }
}

/**
 * A rejected value as an error message may quote it: JSON, unprintable code points escaped, at most `max` code points
 * followed by how long the whole was.
 *
 * @example
 * ```ts
 * quoteRejected('x'.repeat(100_000)); // '"xxxxxxxx…" (100002 characters)' (the quote is 64 code points long)
 * quoteRejected('acme\u202e');         // '"acme\\u{202e}"'
 * ```
 */
export function quoteRejected(value: unknown, max = MAX_QUOTED_LENGTH): string {
  const text = escapeUnprintable(serialized(value));
  const points = [...text];
  if (points.length <= max) return text;
  return `${points.slice(0, max - 1).join('')}… (${points.length} characters)`;
}

/**
 * Keys that name `Object.prototype` machinery: as an object key read from input they either replace an object's
 * prototype (`__proto__` through assignment) or shadow a method (`constructor`, `toString`...) that code relies on.
 */
export function isPrototypeKey(key: string): boolean {
  // `__proto__` is among them: Object.prototype holds it as an accessor of its own.
  return key === 'prototype' || Object.hasOwn(Object.prototype, key);
}

/** The first prototype key among the own keys of `value`, searched depth-first, as a dotted path; or undefined. */
export function findPrototypeKey(value: unknown, path = ''): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${key}` : key;
    if (isPrototypeKey(key)) return here;
    const nested = findPrototypeKey((value as Record<string, unknown>)[key], here);
    if (nested) return nested;
  }
  return undefined;
}

/** A record without a prototype: no key of it can reach `Object.prototype`, whatever the input held. */
export function nullPrototypeRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) record[key] = value;
  return record;
}
