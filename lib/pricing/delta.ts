/**
 * The monthly cost difference of moving a tenant database from one tier to another, line by line, from the same
 * estimate `tenantctl plan` shows for onboarding.
 *
 * @module
 */
import type { TierDefinition } from '../../lambdas/shared/tiers';
import { type CostEstimate, estimateMonthlyCost } from './estimate';

/** One estimate line before and after the change. */
interface CostDeltaLine {
  readonly key: string;
  /** What the line prices, before → after when that changes. */
  readonly description: string;
  readonly fromMonthlyUsd: number;
  readonly toMonthlyUsd: number;
  readonly deltaMonthlyUsd: number;
}

/** The monthly cost before and after a tier change. */
export interface CostDelta {
  readonly region: string;
  /** False when the price table has no prices for the Region: every figure is 0 and `unpricedReason` says why. */
  readonly regionPriced: boolean;
  readonly unpricedReason?: string;
  readonly currency: CostEstimate['currency'];
  readonly pricesAsOf: string;
  readonly fromMonthlyUsd: number;
  readonly toMonthlyUsd: number;
  /** After minus before: negative when the change saves money. */
  readonly deltaMonthlyUsd: number;
  /** Lines whose cost changes, in estimate order. */
  readonly lines: readonly CostDeltaLine[];
  /** Items the table has no price for on either side; not in the totals. */
  readonly unpriced: readonly string[];
  readonly notes: readonly string[];
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/**
 * What a tenant on `from` costs per month before and after it moves to `to`, where `to` is the tier as the instance
 * will have it (with the storage it keeps, not the storage the tier defines).
 *
 * @param now - when the estimate is made, to tell how old the prices are
 */
export function costDelta(from: TierDefinition, to: TierDefinition, region: string, now: Date = new Date()): CostDelta {
  const before = estimateMonthlyCost(from, region, now);
  const after = estimateMonthlyCost(to, region, now);
  const keys = [...new Set([...before.lines, ...after.lines].map((l) => l.key))];
  const lines = keys.flatMap((key): CostDeltaLine[] => {
    const was = before.lines.find((l) => l.key === key);
    const will = after.lines.find((l) => l.key === key);
    const fromMonthlyUsd = was?.monthlyUsd ?? 0;
    const toMonthlyUsd = will?.monthlyUsd ?? 0;
    if (fromMonthlyUsd === toMonthlyUsd) return [];
    return [
      {
        key,
        description:
          was && will && was.description !== will.description
            ? `${was.description} → ${will.description}`
            : ((will ?? was)?.description ?? key),
        fromMonthlyUsd,
        toMonthlyUsd,
        deltaMonthlyUsd: round2(toMonthlyUsd - fromMonthlyUsd),
      },
    ];
  });
  return {
    region,
    regionPriced: after.regionPriced,
    ...(after.unpricedReason === undefined ? {} : { unpricedReason: after.unpricedReason }),
    currency: after.currency,
    pricesAsOf: after.pricesAsOf,
    fromMonthlyUsd: before.totalMonthlyUsd,
    toMonthlyUsd: after.totalMonthlyUsd,
    deltaMonthlyUsd: round2(after.totalMonthlyUsd - before.totalMonthlyUsd),
    lines,
    unpriced: [...new Set([...before.unpriced, ...after.unpriced])],
    notes: after.notes,
  };
}
