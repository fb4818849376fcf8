import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { credentialsConfigured } from '../../../lib/cli/commands/plan';
import { decideOnboarding } from '../../../lib/cli/onboarding';
import { restoreSourceOf } from '../../../lib/cli/restore-source';
import { runTenantctl } from '../../support/cli/run-cli';

/** tenantctl and an offboarded tenant: onboard starts an undelete, plan says which snapshot comes back. */

const SNAPSHOT = {
  arn: 'arn:aws:rds:us-east-1:111122223333:snapshot:tenant-acme-final',
  snapshotId: 'tenant-acme-final',
  region: 'us-east-1',
  takenAt: '2026-11-20T08:55:00.000Z',
};
const COPY = { ...SNAPSHOT, arn: SNAPSHOT.arn.replace('us-east-1', 'us-west-2'), region: 'us-west-2' };

function record(status: TenantRecord['status'], fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme',
    tier: 'pro',
    status,
    attempt: 1,
    requestId: 'acme-pro-1',
    requestedBy: 'jane',
    executionArn: 'arn:aws:states:us-east-1:111122223333:execution:tenant-db-provisioning:acme-pro-1',
    createdAt: '2026-10-01T10:00:00Z',
    updatedAt: '2026-11-20T09:00:00Z',
    region: 'us-east-1',
    ...(status === 'OFFBOARDED' ? { finalSnapshots: [SNAPSHOT, COPY], purgeAfter: '2027-02-18T09:00:00Z' } : {}),
    ...fields,
  };
}

const restore = { snapshotArn: SNAPSHOT.arn, snapshotId: SNAPSHOT.snapshotId, takenAt: SNAPSHOT.takenAt };

describe('decideOnboarding after offboarding', () => {
  it.each([
    [
      'an OFFBOARDED tenant starts an undelete of its snapshot in its Region',
      record('OFFBOARDED'),
      { kind: 'start', attempt: 2, executionName: 'acme-pro-2', restore },
    ],
    [
      'a PURGED tenant starts afresh',
      record('PURGED', { purgedAt: '2027-02-19T00:00:00Z' }),
      { kind: 'start', attempt: 2, executionName: 'acme-pro-2' },
    ],
    [
      'a FAILED restore starts the next restore',
      record('FAILED', { attempt: 2, finalSnapshots: [SNAPSHOT] }),
      { kind: 'start', attempt: 3, executionName: 'acme-pro-3', restore },
    ],
  ])('%s', (_case, existing, expected) => {
    expect(decideOnboarding(existing, 'acme', 'pro')).toEqual(expected);
  });

  it('refuses an OFFBOARDED tenant the purge job holds', () => {
    const held = record('OFFBOARDED', {
      operation: {
        name: 'offboard',
        executionArn: 'arn:aws:states:us-east-1:111122223333:execution:purge:nightly',
        requestedBy: 'schedule',
        startedAt: '2027-02-19T00:00:00Z',
      },
    });
    expect(() => decideOnboarding(held, 'acme', 'pro')).toThrow(/is OFFBOARDED on tier pro/);
  });

  it.each<[string, TenantRecord | undefined]>([
    ['a new tenant', undefined],
    ['an ACTIVE tenant', record('ACTIVE', { finalSnapshots: [SNAPSHOT] })],
    ['an OFFBOARDED tenant with only the backup-Region copy', record('OFFBOARDED', { finalSnapshots: [COPY] })],
  ])('restores nothing for %s', (_case, existing) => {
    expect(restoreSourceOf(existing)).toBeUndefined();
  });
});

describe('credentialsConfigured', () => {
  it.each<[string, { profile?: string; offline?: boolean }, Record<string, string>, boolean]>([
    ['nothing configured', {}, {}, false],
    ['access keys in the environment', {}, { AWS_ACCESS_KEY_ID: 'AKIA' }, true],
    ['a profile in the environment', {}, { AWS_PROFILE: 'platform' }, true],
    ['--profile', { profile: 'platform' }, {}, true],
    ['--offline despite keys', { offline: true }, { AWS_ACCESS_KEY_ID: 'AKIA' }, false],
  ])('%s → %s', (_case, options, env, expected) => {
    expect(credentialsConfigured(options, env)).toBe(expected);
  });
});

describe('tenantctl plan of an offboarded tenant', () => {
  const registry = mockClient(DynamoDBDocumentClient);
  beforeEach(() => registry.reset());
  const args = ['plan', 'acme', '--tier', 'pro', '--registry-table', 'tenant-registry'];

  it('says "restore from snapshot of <date>" when the registry can be read', async () => {
    // Prepare
    registry.on(GetCommand).resolves({ Item: record('OFFBOARDED') });

    // Act
    const run = await runTenantctl(args, { env: { AWS_ACCESS_KEY_ID: 'AKIA' } });

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain('Source: restore from snapshot of 2026-11-20 (tenant-acme-final');
    expect(registry.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'tenant-registry',
      Key: { tenantId: 'acme' },
    });
  });

  it('with --json carries the snapshot', async () => {
    // Prepare
    registry.on(GetCommand).resolves({ Item: record('OFFBOARDED') });

    // Act
    const run = await runTenantctl([...args, '--json'], { env: { AWS_ACCESS_KEY_ID: 'AKIA' } });

    // Assess
    expect(JSON.parse(run.out).restore).toEqual(restore);
  });

  it('without credentials stays offline: no registry call, the plan of a new tenant', async () => {
    // Act
    const run = await runTenantctl(args, { env: {} });

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).not.toContain('restore from snapshot');
    expect(registry.commandCalls(GetCommand)).toEqual([]);
  });

  it('when the registry cannot be read, says so and plans a new tenant', async () => {
    // Prepare
    registry
      .on(GetCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));

    // Act
    const run = await runTenantctl(args, { env: { AWS_ACCESS_KEY_ID: 'AKIA' } });

    // Assess
    expect(run.code).toBe(0);
    expect(run.err).toContain('Registry not read (User is not authorized); planned as a new tenant.');
    expect(run.out).not.toContain('restore from snapshot');
  });
});
