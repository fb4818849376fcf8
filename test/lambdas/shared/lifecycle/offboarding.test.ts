import type { FinalSnapshot } from '../../../../lambdas/shared/contracts';
import {
  finalSnapshotId,
  finalSnapshotsOf,
  isInstanceGone,
  needsStart,
  type OffboardingState,
  offboardedRecord,
  offboardingFailedStep,
  offboardingFailureReason,
  quotaShortfall,
  snapshotIdFor,
} from '../../../../lambdas/shared/lifecycle/offboarding';

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-workflow-offboarding:x';
const lock = { outcome: 'TAKEN' as const, tenantId: 'acme', operation: 'offboard' as const, executionArn: EXECUTION };
const snapshot = (region: string): FinalSnapshot => ({
  arn: `arn:aws:rds:${region}:123456789012:snapshot:tenant-acme-final-abc`,
  snapshotId: 'tenant-acme-final-abc',
  region,
  takenAt: '2026-12-15T09:00:00.000Z',
});
const plan = (instanceStatus: string, copyRegion?: string) => ({
  instanceStatus,
  ...(copyRegion ? { copyRegion } : {}),
  keepAutomatedBackups: false,
  retentionDays: 30,
  quota: [],
});
const reached = (s: FinalSnapshot) => ({
  status: 'REACHED' as const,
  snapshotStatus: 'available',
  polls: 3,
  snapshot: s,
});

describe('finalSnapshotId', () => {
  it.each([
    ['acme', '0123456789ab', 'tenant-acme-final-0123456789ab'],
    ['a1-b2', 'ffffffffffff', 'tenant-a1-b2-final-ffffffffffff'],
  ])('names the final snapshot of %s after the execution digest', (tenantId, digest, expected) => {
    expect(finalSnapshotId(tenantId, digest)).toBe(expected);
  });

  it.each([
    ['two hyphens in a row', 'acme-', 'abc'],
    ['a trailing hyphen', 'acme', 'abc-'],
    ['characters RDS refuses', 'acme', 'ab_c'],
    ['more than 255 characters', 'a'.repeat(240), 'abc'],
  ])('refuses an identifier with %s', (_why, tenantId, digest) => {
    expect(() => finalSnapshotId(tenantId, digest)).toThrow(/DBSnapshotIdentifier/);
  });

  it('reuses the snapshot an earlier run recorded in the Region, and names a new one elsewhere', () => {
    const recorded = { ...lock, finalSnapshots: [snapshot('us-east-1')] };
    expect(snapshotIdFor(recorded, 'us-east-1', 'fff')).toBe('tenant-acme-final-abc');
    expect(snapshotIdFor(recorded, 'us-west-2', 'fff')).toBe('tenant-acme-final-fff');
  });
});

describe('quotaShortfall', () => {
  it.each<[number, number, number, boolean]>([
    [99, 100, 1, false],
    [100, 100, 0, false],
    [100, 100, 1, true],
    [0, 0, 1, true],
  ])('with %i of %i used and %i needed, refuses: %s', (used, max, needed, refused) => {
    const shortfall = quotaShortfall({ region: 'us-east-1', used, max }, needed);
    expect(shortfall !== undefined).toBe(refused);
    if (refused) expect(shortfall).toMatch(/nothing of the tenant was touched/);
  });
});

describe('the plan', () => {
  it.each<[string, boolean, boolean]>([
    ['available', false, false],
    ['stopped', true, false],
    ['stopping', true, false],
    ['deleting', false, true],
    ['deleted', false, true],
  ])('for an instance %s: start first %s, only clean-up left %s', (status, start, gone) => {
    expect(needsStart(plan(status))).toBe(start);
    expect(isInstanceGone(plan(status))).toBe(gone);
  });
});

describe('offboardingFailedStep', () => {
  it.each<[string, OffboardingState, string]>([
    ['nothing done', {}, 'TakeTenant'],
    ['the tenant taken', { lock }, 'CheckSnapshotQuota'],
    ['a stopped instance planned', { lock, plan: plan('stopped') }, 'StartInstance'],
    ['a running instance planned', { lock, plan: plan('available') }, 'DisableAppLogin'],
    [
      'the snapshot taken, a copy due',
      {
        lock,
        plan: plan('available', 'us-west-2'),
        appLogin: { login: false, sessionsEnded: 0 },
        snapshot: { action: 'requested', snapshotId: 's', arn: 'a', region: 'us-east-1' },
        snapshotWait: reached(snapshot('us-east-1')),
      },
      'CopyFinalSnapshot',
    ],
    ['the instance gone already', { lock, plan: plan('deleted') }, 'WaitForInstanceDeleted'],
    [
      'everything but the clean-up',
      { lock, plan: plan('deleted'), deletedWait: { status: 'REACHED', instanceStatus: 'deleted', polls: 1 } },
      'DeleteTenantResources',
    ],
  ])('is the first step without a result: %s', (_why, state, step) => {
    expect(offboardingFailedStep(state)).toBe(step);
  });

  it('says what remains: nothing deleted before the delete, the secret and alarms after it', () => {
    const error = { Error: 'AwsRequestError', Cause: JSON.stringify({ errorMessage: 'denied' }) };
    const kept = { lock, plan: plan('available'), snapshotWait: reached(snapshot('us-east-1')), error };
    expect(offboardingFailureReason(kept)).toMatch(
      /remains: nothing deleted.*final snapshots tenant-acme-final-abc available/,
    );
    const deleted = { ...kept, deletion: { action: 'requested' as const, instanceStatus: 'deleting' } };
    expect(offboardingFailureReason(deleted)).toMatch(
      /instance is deleted or being deleted; the application secret and alarms remain/,
    );
  });
});

describe('what OFFBOARDED records', () => {
  it.each<[string, OffboardingState, string[]]>([
    [
      'the snapshots this run confirmed, tenant Region first',
      { lock, snapshotWait: reached(snapshot('us-east-1')), copyWait: reached(snapshot('us-west-2')) },
      ['us-east-1', 'us-west-2'],
    ],
    [
      'the snapshots an earlier run recorded',
      { lock: { ...lock, finalSnapshots: [snapshot('us-east-1')] } },
      ['us-east-1'],
    ],
  ])('keeps %s', (_why, state, regions) => {
    expect(finalSnapshotsOf(state).map((s) => s.region)).toEqual(regions);
  });

  it('sets the purge date from the tier retention and removes a pending schedule', () => {
    // Prepare
    const state: OffboardingState = {
      lock,
      plan: { ...plan('available'), retentionDays: 90 },
      snapshotWait: reached(snapshot('us-east-1')),
      deletedWait: { status: 'REACHED', instanceStatus: 'deleted', polls: 2, retainedBackupsArn: 'arn:backup' },
    };

    // Act
    const release = offboardedRecord(state, new Date('2026-12-15T09:00:00.000Z'));

    // Assess
    expect(release).toEqual({
      set: {
        finalSnapshots: [snapshot('us-east-1')],
        offboardedAt: '2026-12-15T09:00:00.000Z',
        purgeAfter: '2027-03-15T09:00:00.000Z',
        retainedBackupsArn: 'arn:backup',
      },
      remove: ['scheduledOffboarding'],
    });
  });

  it('refuses to release without a plan (no retention to apply)', () => {
    expect(() => offboardedRecord({ lock }, new Date())).toThrow(/plan is missing/);
  });
});
