/**
 * Checks several services share. Each takes a `fail` function that builds the service's own error, so a bad tag
 * is an `InvalidParameterValue` from RDS and an `InvalidParameterException` from Secrets Manager.
 *
 * @module
 */

export type Fail = (message: string) => Error;

export const isIntIn = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** `value` as a non-empty string, or the service's missing-parameter error naming `field`. */
export function requireString(value: unknown, field: string, fail: Fail): string {
  if (typeof value !== 'string' || value === '') throw fail(`The request must contain the parameter ${field}.`);
  return value;
}

interface TagLike {
  Key?: string;
  Value?: string;
}

/**
 * The tag rules common to RDS, Secrets Manager and CloudWatch: at most 50 tags, keys of 1–128 characters that do not
 * start with `aws:` (reserved for AWS), values of at most 256 characters, no duplicate keys.
 */
export function validateTags(tags: readonly TagLike[] | undefined, fail: Fail, max = 50): void {
  if (!tags) return;
  if (tags.length > max) throw fail(`Too many tags: ${tags.length} (at most ${max}).`);
  const keys = new Set<string>();
  for (const tag of tags) {
    const key = tag.Key ?? '';
    if (key.length < 1 || key.length > 128) throw fail(`Tag key "${key}" must be 1-128 characters.`);
    if (key.toLowerCase().startsWith('aws:')) throw fail(`Tag key "${key}": the aws: prefix is reserved for AWS use.`);
    if ((tag.Value ?? '').length > 256) throw fail(`Tag value of "${key}" must be at most 256 characters.`);
    if (keys.has(key)) throw fail(`Tag key "${key}" is duplicated.`);
    keys.add(key);
  }
}

/** `existing` with `added` applied: same keys are overwritten, new keys appended. */
export function mergeTags<T extends TagLike>(existing: readonly T[], added: readonly T[]): T[] {
  const merged = existing.filter((t) => !added.some((a) => a.Key === t.Key));
  return [...merged, ...added.map((t) => ({ ...t }))];
}
