import { ERROR_NAMES } from '../../../lambdas/shared/error-names';
import { registryClient } from '../../../lambdas/shared/registry-client';
import {
  claimRollout,
  decideRolloutClaim,
  endRollout,
  getRollout,
  type RolloutClaim,
  recordWaveSummary,
} from '../../../lambdas/shared/registry-rollout';
import type { RolloutRecord } from '../../../lambdas/shared/rollout/contracts';
import { AwsDouble, installAwsDouble } from '../../../lib/local/aws';

const TABLE = 'rollouts';
const ME = 'arn:aws:states:us-east-1:123456789012:execution:rollout:r2';
const OTHER = 'arn:aws:states:us-east-1:123456789012:execution:rollout:r1';
const claim: RolloutClaim = {
  rolloutId: 'r2',
  executionArn: ME,
  target: '20261201000000000_x',
  requestedBy: 'ops',
  at: '2026-12-01T12:00:00.000Z',
  leaseExpiresAt: '2026-12-02T00:00:00.000Z',
};
const held = (fields: Partial<RolloutRecord>): RolloutRecord => ({
  lockId: 'schema',
  rolloutId: 'r1',
  executionArn: OTHER,
  status: 'RUNNING',
  target: claim.target,
  requestedBy: 'ops',
  startedAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  leaseExpiresAt: '2026-12-01T22:00:00.000Z',
  waves: {},
  ...fields,
});

describe('decideRolloutClaim', () => {
  it.each<[string, RolloutRecord | undefined, string]>([
    ['no rollout ever', undefined, 'claim'],
    ['the last one completed', held({ status: 'COMPLETED' }), 'claim'],
    ['the last one halted', held({ status: 'HALTED' }), 'claim'],
    ['this execution holds it (a retry or a redrive)', held({ executionArn: ME }), 'resume'],
    ['another one runs', held({}), 'reject'],
    ['another one ran past its lease', held({ leaseExpiresAt: '2026-12-01T11:00:00.000Z' }), 'claim'],
  ])('%s: %s', (_case, record, action) => {
    // Act & Assess
    expect(decideRolloutClaim(record, claim).action).toBe(action);
  });
});

describe('the rollout table', () => {
  let double: AwsDouble;
  let restore: () => void;
  const doc = registryClient();
  beforeEach(() => {
    double = new AwsDouble();
    double.dynamodb.defineTable({ name: TABLE, partitionKey: 'lockId' });
    restore = installAwsDouble(double);
  });
  afterEach(() => restore());

  it('lets exactly one of two rollouts starting together take the lock', async () => {
    // Act
    const results = await Promise.allSettled([
      claimRollout(doc, TABLE, claim),
      claimRollout(doc, TABLE, { ...claim, rolloutId: 'r3', executionArn: `${ME}-3` }),
    ]);

    // Assess
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { name: ERROR_NAMES.rolloutConflict },
    });
  });

  it('records waves and ends only the rollout that holds it, once', async () => {
    // Prepare
    await claimRollout(doc, TABLE, claim);
    const summary = { index: 0, name: 'canary', size: 2, failed: 0, failures: [] };

    // Act & Assess
    expect(await recordWaveSummary(doc, TABLE, 'r2', summary)).toBe(true);
    expect(await recordWaveSummary(doc, TABLE, 'someone-else', summary)).toBe(false);
    expect(await endRollout(doc, TABLE, 'r2', { status: 'HALTED', reason: 'wave 1 failed' })).toBe(true);
    expect(await endRollout(doc, TABLE, 'r2', { status: 'COMPLETED' })).toBe(false);
    expect(await recordWaveSummary(doc, TABLE, 'r2', { ...summary, index: 1 })).toBe(false);
    expect(await getRollout(doc, TABLE)).toMatchObject({
      status: 'HALTED',
      haltReason: 'wave 1 failed',
      waves: { 0: summary },
    });
    await expect(
      claimRollout(doc, TABLE, { ...claim, rolloutId: 'r4', executionArn: `${ME}-4` }),
    ).resolves.toBeUndefined();
  });
});
