import { DEFAULT_RDS_TIMINGS, type RdsTimings } from '../aws';

/** The environment variable that overrides the local RDS timings: `creation=5,stopping=2` (seconds). */
export const RDS_TIMINGS_ENV = 'TENANT_DB_LOCAL_RDS_SECONDS';

/** Longest timing accepted, in seconds: an hour is already far beyond anything useful on a laptop. */
const MAX_SECONDS = 3600;

/**
 * How long the local RDS spends in each transition, in seconds. Real RDS takes minutes; locally the server is real
 * and starts in about a second, so the transitions are short, long enough that `tenantctl watch` shows each status.
 * The snapshot timings belong to the snapshot model but are set in the same place.
 */
export const LOCAL_RDS_SECONDS = {
  creation: 2,
  backingUp: 1,
  deletion: 1,
  modifying: 1,
  stopping: 1,
  starting: 1,
  replicationPending: 1,
  storageOptimization: 5,
  snapshot: 1,
  snapshotCopy: 1,
} as const;

export type LocalTimingName = keyof typeof LOCAL_RDS_SECONDS;

/** The local timings, in milliseconds, in the shapes the RDS and snapshot models take. */
export interface LocalTimings {
  readonly rds: RdsTimings;
  readonly snapshots: { snapshotMs: number; copyMs: number };
}

/** A bad `TENANT_DB_LOCAL_RDS_SECONDS`: names the entry and the rule it broke. */
export class LocalTimingsError extends Error {
  override readonly name = 'LocalTimingsError';
}

const isTimingName = (name: string): name is LocalTimingName => Object.hasOwn(LOCAL_RDS_SECONDS, name);

/**
 * Parses `creation=5,stopping=2` into seconds per timing; unknown names, repeated names and values outside
 * 0–3600 are refused with the entry named.
 *
 * @example
 * ```ts
 * parseTimingOverrides('creation=5'); // { creation: 5 }
 * ```
 */
export function parseTimingOverrides(text: string): Partial<Record<LocalTimingName, number>> {
  const overrides: Partial<Record<LocalTimingName, number>> = {};
  for (const entry of text.split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    const [name = '', value, ...rest] = entry.split('=').map((p) => p.trim());
    const where = `${RDS_TIMINGS_ENV} entry "${entry}"`;
    if (value === undefined || rest.length > 0) throw new LocalTimingsError(`${where}: expected <timing>=<seconds>`);
    if (!isTimingName(name)) {
      throw new LocalTimingsError(`${where}: unknown timing; known: ${Object.keys(LOCAL_RDS_SECONDS).join(', ')}`);
    }
    if (Object.hasOwn(overrides, name)) throw new LocalTimingsError(`${where}: ${name} is given twice`);
    const seconds = Number(value);
    if (value === '' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_SECONDS) {
      throw new LocalTimingsError(`${where}: seconds must be a number from 0 to ${MAX_SECONDS}`);
    }
    overrides[name] = seconds;
  }
  return overrides;
}

/** The timings the local platform runs with: the defaults above, overridden by `TENANT_DB_LOCAL_RDS_SECONDS`. */
export function localTimings(env: Readonly<Record<string, string | undefined>> = process.env): LocalTimings {
  const seconds = { ...LOCAL_RDS_SECONDS, ...parseTimingOverrides(env[RDS_TIMINGS_ENV] ?? '') };
  const ms = (name: LocalTimingName) => seconds[name] * 1000;
  return {
    rds: {
      ...DEFAULT_RDS_TIMINGS,
      creationMs: ms('creation'),
      backingUpMs: ms('backingUp'),
      deletionMs: ms('deletion'),
      modifyingMs: ms('modifying'),
      // As RDS: a creating instance cannot be deleted; the local creation is short, so this waits seconds.
      refuseDeletionWhileCreatingMs: ms('creation'),
      stoppingMs: ms('stopping'),
      startingMs: ms('starting'),
      replicationPendingMs: ms('replicationPending'),
      storageOptimizationMs: ms('storageOptimization'),
    },
    snapshots: { snapshotMs: ms('snapshot'), copyMs: ms('snapshotCopy') },
  };
}
