import { haltAlert, haltReason, waveSummary } from '../../../lambdas/record-rollout/report';
import type { TenantRecord } from '../../../lambdas/shared/contracts';
import type { PlannedWave, RolloutPlan } from '../../../lambdas/shared/rollout/contracts';

const wave = (index: number, size: number, tolerance: Partial<PlannedWave> = {}): PlannedWave => ({
  index,
  name: index === 0 ? 'canary' : `wave-${index}`,
  key: `rollouts/r/wave-${index}.json`,
  size,
  maxConcurrency: 10,
  toleratedFailureCount: 0,
  toleratedFailurePercentage: 100,
  ...tolerance,
});
const plan: RolloutPlan = {
  rolloutId: 'r',
  target: '20261201000000000_x',
  waveCount: 3,
  waves: [wave(0, 2), wave(1, 30, { toleratedFailureCount: 30, toleratedFailurePercentage: 5 }), wave(2, 70)],
  atTarget: 0,
  skippedCanary: [],
};
const failed = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      ({
        tenantId: `t${String(n - i).padStart(2, '0')}`,
        rolloutFailure: { rolloutId: 'r', wave: 1, error: 'MigrationFailedError', reason: `reason ${i}`, at: 'x' },
      }) as TenantRecord,
  );

describe('wave reports', () => {
  it('lists at most 25 failures, sorted by tenant, and counts them all', () => {
    // Act
    const summary = waveSummary(plan.waves[1] as PlannedWave, failed(40));

    // Assess
    expect(summary).toMatchObject({ index: 1, size: 30, failed: 40 });
    expect(summary.failures).toHaveLength(25);
    expect(summary.failures[0]).toEqual({ tenantId: 't01', error: 'MigrationFailedError', reason: 'reason 39' });
  });

  it.each([
    [0, 'more than the tolerance (no failure); 100 tenants in later waves were not touched'],
    [1, 'more than the tolerance (5%); 70 tenants in later waves were not touched'],
  ])('says why wave %i halted and what was left untouched', (index, text) => {
    // Act
    const reason = haltReason(
      plan,
      waveSummary(plan.waves[index] as PlannedWave, failed(3)),
      'States.ExceedToleratedFailureThreshold',
    );

    // Assess
    expect(reason).toContain(text);
    expect(reason).toContain('[States.ExceedToleratedFailureThreshold]');
  });

  it('keeps the alert subject within what SNS accepts', () => {
    // Act
    const alert = haltAlert(
      plan,
      { ...waveSummary(plan.waves[1] as PlannedWave, failed(1)), name: 'x'.repeat(200) },
      'r',
    );

    // Assess
    expect(alert.subject.length).toBeLessThanOrEqual(100);
    expect(JSON.parse(alert.message)).toMatchObject({ rolloutId: 'r', reason: 'r', wave: { failed: 1 } });
  });
});
