import { S3Client } from '@aws-sdk/client-s3';
import { type PlanDeps, planRollout } from '../../../lambdas/plan-rollout/plan';
import type { TenantRecord, TenantStatus } from '../../../lambdas/shared/contracts';
import { registryClient } from '../../../lambdas/shared/registry-client';
import { getRollout } from '../../../lambdas/shared/registry-rollout';
import type { RolloutOptions } from '../../../lambdas/shared/rollout/contracts';
import { AwsDouble, installAwsDouble, registryTable } from '../../../lib/local/aws';

const REGISTRY = 'registry';
const ROLLOUTS = 'rollouts';
const BUCKET = 'rollout-manifests';
const V1 = '20261101000100000_tenant-data-model';
const V2 = '20261201000000000_project-labels';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:schema-rollout:r1';
const options: RolloutOptions = {
  canary: { size: 1 },
  waves: { by: 'percent', steps: [100] },
  maxConcurrency: 25,
  tolerance: { kind: 'percent', value: 10 },
  requestedBy: 'ops',
};

let double: AwsDouble;
let restore: () => void;
let deps: PlanDeps;

const record = (tenantId: string, status: TenantStatus, schemaVersion?: string) =>
  ({
    tenantId,
    tier: 'pro',
    status,
    requestId: tenantId,
    requestedBy: 'ops',
    executionArn: `${EXECUTION}-${tenantId}`,
    attempt: 1,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    ...(schemaVersion ? { schemaVersion } : {}),
  }) as TenantRecord;

beforeEach(async () => {
  double = new AwsDouble();
  double.dynamodb.defineTable(registryTable(REGISTRY));
  double.dynamodb.defineTable({ name: ROLLOUTS, partitionKey: 'lockId' });
  double.s3.createBucket(BUCKET);
  restore = installAwsDouble(double);
  deps = {
    doc: registryClient(),
    s3: new S3Client({ region: 'us-east-1' }),
    registryTable: REGISTRY,
    rolloutTable: ROLLOUTS,
    bucket: BUCKET,
    target: V2,
    leaseSeconds: 3600,
    now: () => Date.parse('2026-12-04T10:00:00.000Z'),
  };
  for (const r of [
    record('a', 'ACTIVE', V1),
    record('b', 'ACTIVE'),
    record('c', 'ACTIVE', V2),
    record('d', 'FAILED', V1),
    record('e', 'ACTIVE', V1),
  ]) {
    await double.dynamodb.seed(REGISTRY, { ...r });
  }
});
afterEach(() => restore());

describe('planRollout', () => {
  it('takes the lock, plans the ACTIVE tenants behind the target, and writes each wave to S3', async () => {
    // Act
    const plan = await planRollout(deps, { rolloutId: 'r1', executionArn: EXECUTION }, options);

    // Assess
    expect(plan).toMatchObject({ rolloutId: 'r1', target: V2, waveCount: 2, atTarget: 1 });
    expect(plan.waves).toEqual([
      {
        index: 0,
        name: 'canary',
        key: 'rollouts/r1/wave-0.json',
        size: 1,
        maxConcurrency: 25,
        toleratedFailureCount: 0,
        toleratedFailurePercentage: 100,
      },
      {
        index: 1,
        name: '100%',
        key: 'rollouts/r1/wave-1.json',
        size: 2,
        maxConcurrency: 25,
        toleratedFailureCount: 2,
        toleratedFailurePercentage: 10,
      },
    ]);
    expect(JSON.parse(double.s3.read(BUCKET, 'rollouts/r1/wave-0.json') ?? '')).toEqual([{ tenantId: 'a' }]);
    expect(JSON.parse(double.s3.read(BUCKET, 'rollouts/r1/wave-1.json') ?? '')).toEqual([
      { tenantId: 'b' },
      { tenantId: 'e' },
    ]);
    expect(await getRollout(deps.doc, ROLLOUTS)).toMatchObject({
      rolloutId: 'r1',
      status: 'RUNNING',
      leaseExpiresAt: '2026-12-04T11:00:00.000Z',
    });
  });

  it('is the same plan when run again by the same execution (a retry)', async () => {
    // Act
    const first = await planRollout(deps, { rolloutId: 'r1', executionArn: EXECUTION }, options);
    const again = await planRollout(deps, { rolloutId: 'r1', executionArn: EXECUTION }, options);

    // Assess
    expect(again).toEqual(first);
  });

  it('releases the lock when planning fails after taking it', async () => {
    // Act
    const error = await planRollout(
      { ...deps, bucket: 'no-such-bucket' },
      { rolloutId: 'r1', executionArn: EXECUTION },
      options,
    ).catch((e: unknown) => e as Error);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(await getRollout(deps.doc, ROLLOUTS)).toMatchObject({
      status: 'HALTED',
      haltReason: expect.stringContaining('planning failed'),
    });
  });
});
