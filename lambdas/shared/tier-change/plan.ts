/**
 * The plan of moving a live tenant from one tier to another: every difference as it would be applied, with its
 * disruption, and what RDS cannot do in place. Pure: the same plan feeds `tenantctl plan --from` and the request
 * builder.
 *
 * @module
 */
import type { TierDefinition } from '../tiers';
import { engineVersionBlock } from './blocked';
import { diffTiers } from './diff';
import { FIELD_RULES, type FieldRule, takesEffect, VOLUME_FIELDS } from './disruption';
import { targetStorage } from './storage';
import type { BlockedChange, ChangeTiming, TierChange } from './types';

/** A planned tier change. */
export interface TierChangePlan {
  readonly when: ChangeTiming;
  /** The tier the instance has before the change (with its real allocation when known). */
  readonly from: TierDefinition;
  /** The new tier as the instance will have it: the requested tier, less what RDS cannot apply in place. */
  readonly target: TierDefinition;
  readonly changes: readonly TierChange[];
  readonly blocked: readonly BlockedChange[];
  /** True when the change modifies storage: RDS then refuses further storage changes for at least 6 hours. */
  readonly storageCooldown: boolean;
}

/** Options of {@link planTierChange}. */
export interface PlanOptions {
  /** @default 'now' */
  readonly when?: ChangeTiming;
  /**
   * The allocation the instance really has, when known (storage autoscaling may have grown it past its tier's).
   * @default the allocation of `from`
   */
  readonly currentAllocatedGiB?: number;
}

/**
 * The plan of moving a tenant on `from` to `to`.
 *
 * @example
 * ```ts
 * const plan = planTierChange(DEFAULT_TIERS.pro, DEFAULT_TIERS.starter, { when: 'maintenance-window' });
 * plan.blocked; // [{ field: 'storage.allocatedGiB', requested: 20, applied: 100, ... }, ...]
 * ```
 */
export function planTierChange(from: TierDefinition, to: TierDefinition, options: PlanOptions = {}): TierChangePlan {
  const when = options.when ?? 'now';
  const current: TierDefinition = {
    ...from,
    storage: { ...from.storage, allocatedGiB: options.currentAllocatedGiB ?? from.storage.allocatedGiB },
  };
  const storage = targetStorage(current.storage, to.storage);
  const target: TierDefinition = { ...to, engineVersion: from.engineVersion, storage: storage.storage };
  const changes = diffTiers(current, target).map(({ field, from: before, to: after }): TierChange => {
    // diffTiers only returns fields of the table.
    const rule = FIELD_RULES[field] as FieldRule;
    const effect = rule.effect({ from: current, to: target, when });
    return {
      field,
      from: before,
      to: after,
      disruption: effect.disruption,
      reason: effect.reason,
      appliedBy: rule.appliedBy,
      ...(rule.parameter === undefined ? {} : { parameter: rule.parameter }),
      takesEffect: takesEffect(rule.timing, when),
    };
  });
  return {
    when,
    from: current,
    target,
    changes,
    blocked: [...storage.blocked, ...engineVersionBlock(from, to)],
    storageCooldown: changes.some((c) => VOLUME_FIELDS.includes(c.field)),
  };
}
