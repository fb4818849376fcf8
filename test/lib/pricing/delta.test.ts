import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';
import { costDelta } from '../../../lib/pricing/delta';
import { estimateMonthlyCost } from '../../../lib/pricing/estimate';

const tier = (name: string): TierDefinition => DEFAULT_TIERS[name] as TierDefinition;
const NOW = new Date('2026-12-01T00:00:00Z');

describe('costDelta', () => {
  it.each([
    ['starter', 'pro'],
    ['pro', 'enterprise'],
    ['enterprise', 'starter'],
  ])('%s → %s: the totals are the two estimates and the lines add up to the difference', (from, to) => {
    // Act
    const delta = costDelta(tier(from), tier(to), 'us-east-1', NOW);

    // Assess
    expect(delta.fromMonthlyUsd).toBe(estimateMonthlyCost(tier(from), 'us-east-1', NOW).totalMonthlyUsd);
    expect(delta.toMonthlyUsd).toBe(estimateMonthlyCost(tier(to), 'us-east-1', NOW).totalMonthlyUsd);
    expect(delta.deltaMonthlyUsd).toBeCloseTo(delta.toMonthlyUsd - delta.fromMonthlyUsd, 2);
    expect(delta.lines.reduce((sum, l) => sum + l.deltaMonthlyUsd, 0)).toBeCloseTo(delta.deltaMonthlyUsd, 2);
    expect(delta.lines.every((l) => l.deltaMonthlyUsd !== 0)).toBe(true);
  });

  it('names a line by what it prices before and after, and counts a line only one side has', () => {
    // Act
    const delta = costDelta(tier('pro'), tier('enterprise'), 'us-east-1', NOW);

    // Assess
    expect(delta.lines.find((l) => l.key === 'instance')?.description).toBe(
      'db.m7g.large Multi-AZ (primary + standby) → db.r7g.xlarge Multi-AZ (primary + standby)',
    );
    expect(delta.lines.find((l) => l.key === 'database-insights')).toMatchObject({
      fromMonthlyUsd: 0,
      toMonthlyUsd: 36.5,
      deltaMonthlyUsd: 36.5,
    });
  });

  it('is unpriced, with the reason, in a Region the price table lacks', () => {
    // Act
    const delta = costDelta(tier('pro'), tier('starter'), 'us-west-2', NOW);

    // Assess
    expect(delta).toMatchObject({ regionPriced: false, deltaMonthlyUsd: 0, lines: [] });
    expect(delta.unpricedReason).toContain('the price table has no prices for us-west-2');
  });

  it('lists an instance class the table does not price instead of pricing it at 0', () => {
    // Act
    const delta = costDelta(tier('pro'), { ...tier('pro'), instanceClass: 'db.m8g.large' }, 'us-east-1', NOW);

    // Assess
    expect(delta.unpriced).toEqual(['instance class db.m8g.large']);
  });
});
