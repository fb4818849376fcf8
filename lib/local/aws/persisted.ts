/**
 * The AWS double's state as it survives a restart of the local platform: what each service double holds, in a form
 * JSON keeps (dates and bytes tagged), with a version so a file written by another release is refused rather than
 * misread. Published events, SNS messages, the call log and faults are not part of it: they describe a run, not
 * the resources.
 *
 * @module
 */
import { types } from 'node:util';
import type { PersistedCloudWatch } from './cloudwatch';
import type { PersistedKms } from './kms';
import type { PersistedLogs } from './logs';
import type { PersistedRds } from './rds';
import type { PersistedSnapshots } from './rds-snapshots';
import type { PersistedS3 } from './s3';
import type { PersistedScheduler } from './scheduler';
import type { PersistedSecrets } from './secrets-manager';

/** The version {@link AwsDouble.exportState} writes and {@link AwsDouble.importState} reads. */
export const PERSISTED_STATE_VERSION = 1;

/** What each service double saves, with dates and bytes as the double holds them. */
export interface DoubleState {
  version: typeof PERSISTED_STATE_VERSION;
  /** Virtual time of the export, epoch ms. */
  savedAt: number;
  account: string;
  /** Where the id sequence stands: ids, ARN suffixes and passwords never repeat after a restart. */
  idsPosition: number;
  /** Every secret value generated or stored, so the secret scans keep finding them after a restart. */
  secretValues: string[];
  rds: PersistedRds;
  rdsSnapshots: PersistedSnapshots;
  secretsManager: PersistedSecrets;
  cloudWatch: PersistedCloudWatch;
  kms: PersistedKms;
  logs: PersistedLogs;
  scheduler: PersistedScheduler;
  s3: PersistedS3;
}

/** `T` as {@link toJsonSafe} makes it: dates and bytes tagged. */
type JsonSafe<T> = T extends Date
  ? { $date: string }
  : T extends Uint8Array
    ? { $bytes: string }
    : T extends readonly (infer U)[]
      ? JsonSafe<U>[]
      : T extends object
        ? { [K in keyof T]: JsonSafe<T[K]> }
        : T;

/**
 * Everything the double holds that the platform created or reads later, in the form JSON keeps. It contains secret
 * values: whoever writes it to disk keeps it private (see store.ts).
 */
export type PersistedAwsState = JsonSafe<DoubleState>;

const DATE_TAG = '$date';
const BYTES_TAG = '$bytes';

/**
 * `value` with every Date and Uint8Array replaced by a tagged object JSON keeps (`{ $date: ISO }`,
 * `{ $bytes: base64 }`), and `undefined` members dropped. A copy: the double's own objects stay as they are.
 */
export function toJsonSafe<T>(value: T): JsonSafe<T>;
export function toJsonSafe(value: unknown): unknown {
  // util.types, not instanceof: a structuredClone'd Date or Uint8Array may come from another realm.
  if (types.isDate(value)) return { [DATE_TAG]: value.toISOString() };
  if (types.isUint8Array(value)) {
    return { [BYTES_TAG]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .map(([key, member]) => [key, toJsonSafe(member)]),
  );
}

/**
 * The inverse of {@link toJsonSafe}. Members are defined, never assigned, so a `__proto__` key read from a file
 * stays a plain member instead of replacing an object's prototype.
 */
export function fromJsonSafe(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonSafe);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [[key, member]] = entries as [[string, unknown]];
    if (key === DATE_TAG && typeof member === 'string') return new Date(member);
    if (key === BYTES_TAG && typeof member === 'string') return new Uint8Array(Buffer.from(member, 'base64'));
  }
  return Object.fromEntries(entries.map(([key, member]) => [key, fromJsonSafe(member)]));
}

/** The pending timer due first among `timers`, as the epoch ms a restored double schedules it again at. */
export function firstDue(timers: readonly { readonly at: number; readonly pending: boolean }[]): number | undefined {
  const due = timers.filter((t) => t.pending).map((t) => t.at);
  return due.length > 0 ? Math.min(...due) : undefined;
}
