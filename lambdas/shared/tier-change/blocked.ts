/**
 * What RDS cannot apply in place, as {@link BlockedChange}s: the one way every blocked item is made, and the blocks
 * that do not come from the storage rules (see storage.ts for those).
 *
 * @module
 */
import type { TierDefinition } from '../tiers';
import type { BlockedChange } from './types';

/** A part of the new tier the instance does not get as defined: `applied` instead of `requested`, and why. */
export function blocked(field: string, requested: unknown, applied: unknown, reason: string): BlockedChange {
  return { field, requested, applied, disruption: 'not applicable in place', reason };
}

/**
 * The engine version is never changed by a tier change: an engine upgrade restarts the database and a major one
 * cannot be undone, so it is an operation of its own, never the side effect of a plan change.
 */
export function engineVersionBlock(from: TierDefinition, to: TierDefinition): BlockedChange[] {
  if (from.engineVersion === to.engineVersion) return [];
  return [
    blocked(
      'engineVersion',
      to.engineVersion,
      from.engineVersion,
      'a tier change never changes the PostgreSQL version: an engine upgrade restarts the database and a major one cannot be undone, so it is never a side effect of a plan change',
    ),
  ];
}
