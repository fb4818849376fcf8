import { estimateCostUsd, naiveDefinition, simulateProvisioning } from '../../../../bench/simulation';
import { STEPS } from '../../../../lambdas/shared/contracts';
import { STATE_NAMES } from '../../../../lib/workflow/provisioning/definition';
import { startWorkflowDatabase, synthesizedDefinition, type WorkflowDatabase } from '../../../support/workflow-harness';

/** The benchmark's simulation (bench/simulation.ts): its baseline definition, its figures and its price arithmetic. */

let database: WorkflowDatabase;
beforeAll(async () => {
  const starting = startWorkflowDatabase();
  synthesizedDefinition();
  database = await starting;
});
afterAll(() => database?.stop());

describe('the naive baseline definition', () => {
  it('replaces the long poll with a Wait, describe-once, Choice loop and keeps the rest', () => {
    // Act
    const platform = synthesizedDefinition();
    const naive = naiveDefinition(platform);

    // Assess
    expect(naive.States[STEPS.waitForInstance]).toBeUndefined();
    expect(naive.States[STEPS.createInstance]).toMatchObject({ Next: 'WaitBeforeDescribe' });
    expect(naive.States.WaitBeforeDescribe).toEqual({ Type: 'Wait', Seconds: 30, Next: 'DescribeInstanceOnce' });
    expect(naive.States[STATE_NAMES.isAvailable]).toMatchObject({ Default: 'WaitBeforeDescribe' });
    expect(Object.keys(naive.States).length).toBe(Object.keys(platform.States).length + 1);
    expect(platform.States[STEPS.waitForInstance]).toBeDefined();
  });
});

describe('simulateProvisioning', () => {
  it('costs the platform a handful of transitions where the naive loop needs one per 30 s', async () => {
    // Act
    const platform = await simulateProvisioning(
      { creationMinutes: 30, rdsEvent: true, definition: 'platform' },
      database,
    );
    const naive = await simulateProvisioning({ creationMinutes: 30, rdsEvent: true, definition: 'naive' }, database);

    // Assess
    expect(platform.transitions).toBeLessThanOrEqual(17);
    expect(naive.transitions).toBeGreaterThanOrEqual(3 * 60);
    expect(platform.noticeDelaySeconds).toBeLessThanOrEqual(7);
    expect(naive.noticeDelaySeconds).toBeLessThanOrEqual(31);
    expect(platform.virtualMinutes).toBeGreaterThan(30);
    // The long poll is billed as Lambda time: 128 MB for about the 30 minutes of waiting.
    expect(platform.lambdaGbSeconds).toBeGreaterThan(0.125 * 29 * 60);
    expect(naive.lambdaGbSeconds).toBeLessThan(platform.lambdaGbSeconds);
  });
});

describe('estimateCostUsd', () => {
  it.each([
    ['1,000 transitions', { transitions: 1000, lambdaGbSeconds: 0, lambdaInvocations: 0 }, 0.025],
    ['1 GB-s on arm64', { transitions: 0, lambdaGbSeconds: 1, lambdaInvocations: 0 }, 0.0000133334],
    ['1 million requests', { transitions: 0, lambdaGbSeconds: 0, lambdaInvocations: 1_000_000 }, 0.2],
  ])('prices %s', (_what, usage, usd) => {
    // Act
    const cost = estimateCostUsd(usage);

    // Assess
    expect(cost.totalUsd).toBeCloseTo(usd, 12);
    expect(cost.stepFunctionsUsd + cost.lambdaUsd).toBeCloseTo(cost.totalUsd, 12);
  });
});
