import type { RolloutCandidate, RolloutOptions } from '../../../../lambdas/shared/rollout/contracts';
import { behindTarget, planWaves } from '../../../../lambdas/shared/rollout/waves';

const fleet = (n: number, tier = (i: number) => (i % 3 === 0 ? 'pro' : 'starter')): RolloutCandidate[] =>
  Array.from({ length: n }, (_, i) => ({ tenantId: `t${String(i).padStart(3, '0')}`, tier: tier(i) }));
const percent = (steps: number[]): RolloutOptions['waves'] => ({ by: 'percent', steps });

describe('planWaves', () => {
  it.each<[string, number, Pick<RolloutOptions, 'canary' | 'waves'>, number[]]>([
    [
      'a canary of 2, then 10/50/100% of the rest',
      100,
      { canary: { size: 2 }, waves: percent([10, 50, 100]) },
      [2, 10, 39, 49],
    ],
    ['one wave after the canary', 10, { canary: { size: 1 }, waves: percent([100]) }, [1, 9]],
    ['no canary', 4, { canary: { size: 0 }, waves: percent([50, 100]) }, [2, 2]],
    ['empty waves left out', 2, { canary: { size: 2 }, waves: percent([10, 100]) }, [2]],
    ['nobody behind', 0, { canary: { size: 5 }, waves: percent([100]) }, []],
    ['by tier, unlisted tiers last', 9, { canary: { size: 0 }, waves: { by: 'tier', order: ['pro'] } }, [3, 6]],
  ])('%s', (_case, n, options, sizes) => {
    // Act
    const plan = planWaves(fleet(n), options);

    // Assess: the sizes, and every tenant in exactly one wave
    expect(plan.waves.map((w) => w.tenantIds.length)).toEqual(sizes);
    const all = plan.waves.flatMap((w) => w.tenantIds);
    expect(new Set(all).size).toBe(n);
    expect(all).toHaveLength(n);
  });

  it('takes named canary tenants first and reports the names it does not know', () => {
    // Act
    const plan = planWaves(fleet(5), { canary: { tenants: ['t003', 'ghost', 't003'] }, waves: percent([100]) });

    // Assess
    expect(plan.waves.map((w) => w.tenantIds)).toEqual([['t003'], ['t000', 't001', 't002', 't004']]);
    expect(plan.missingCanary).toEqual(['ghost']);
  });

  it('is deterministic whatever the order of the input', () => {
    // Act & Assess
    const options = { canary: { size: 1 }, waves: percent([50, 100]) };
    expect(planWaves(fleet(7).reverse(), options)).toEqual(planWaves(fleet(7), options));
  });
});

describe('behindTarget', () => {
  it('keeps tenants before the target or with no recorded version', () => {
    // Act
    const behind = behindTarget(
      [
        { tenantId: 'a', tier: 'pro', schemaVersion: '20261101000000000_a' },
        { tenantId: 'b', tier: 'pro', schemaVersion: '20261201000000000_b' },
        { tenantId: 'c', tier: 'pro', schemaVersion: '20261215000000000_c' },
        { tenantId: 'd', tier: 'pro' },
      ],
      '20261201000000000_b',
    );

    // Assess
    expect(behind.map((t) => t.tenantId)).toEqual(['a', 'd']);
  });
});
