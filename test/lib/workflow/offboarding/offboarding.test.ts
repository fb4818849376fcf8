import { OUTCOME_DETAIL_TYPES } from '../../../../lambdas/shared/contracts';
import { DEFAULT_TIERS } from '../../../../lambdas/shared/tiers';
import { findLeaks } from '../../../support/workflow-harness';
import { useWorkflow } from '../provisioning/fixtures';
import { runSuspension } from '../suspension/fixtures';
import { deletionsBeforeSnapshots, recordOf, runOffboarding } from './fixtures';

/** Offboarding from the synthesized template, against the AWS double and a real PostgreSQL. */

const workflow = useWorkflow();
const DAY_MS = 24 * 3600_000;

describe('offboarding a tenant', () => {
  it.each<[string, 'ACTIVE' | 'SUSPENDED']>([
    ['starter', 'ACTIVE'],
    ['pro', 'ACTIVE'],
    ['enterprise', 'ACTIVE'],
    ['starter', 'SUSPENDED'],
    ['enterprise', 'SUSPENDED'],
  ])('keeps a final snapshot of a %s tenant that was %s, then deletes the rest', async (tier, from) => {
    // Prepare
    const tenantId = `leave-${tier}-${from.toLowerCase()}`;
    expect((await workflow.provision(tenantId, tier)).status).toBe('SUCCEEDED');
    if (from === 'SUSPENDED') expect((await runSuspension(workflow, tenantId, 'suspend')).status).toBe('SUCCEEDED');
    const double = workflow.double();
    const before = double.calls.length;
    const policy = DEFAULT_TIERS[tier]?.offboarding;
    const copies = DEFAULT_TIERS[tier]?.backup.crossRegionReplication === true;

    // Act
    const run = await runOffboarding(workflow, tenantId);

    // Assess: the registry says OFFBOARDED with the snapshots and the purge date
    expect(run.status).toBe('SUCCEEDED');
    const record = await recordOf(double, tenantId);
    expect(record.status).toBe('OFFBOARDED');
    expect(record.operation).toBeUndefined();
    const snapshots = record.finalSnapshots ?? [];
    expect(snapshots.map((s) => s.region)).toEqual(copies ? [double.region, 'us-west-2'] : [double.region]);
    const offboardedAt = Date.parse(record.offboardedAt ?? '');
    expect(Date.parse(record.purgeAfter ?? '') - offboardedAt).toBe((policy?.finalSnapshotRetentionDays ?? 0) * DAY_MS);
    expect(record.retainedBackupsArn !== undefined).toBe(policy?.keepAutomatedBackups);
    // The snapshots exist, available and tagged for the purge job; the instance, secret and alarms are gone
    const inventory = double.inventory();
    for (const snapshot of snapshots) {
      expect(inventory.manualSnapshots).toContainEqual(
        expect.objectContaining({
          identifier: snapshot.snapshotId,
          region: snapshot.region,
          status: 'available',
          tags: expect.arrayContaining([
            { Key: 'tenant-db:tenant-id', Value: tenantId },
            { Key: 'tenant-db:managed-by', Value: 'tenant-db-platform' },
            { Key: 'tenant-db:purpose', Value: 'final-snapshot' },
          ]),
        }),
      );
    }
    expect(inventory.instances.filter((i) => i.identifier === `tenant-${tenantId}`)).toEqual([]);
    expect(inventory.alarms.filter((a) => a.name.includes(tenantId))).toEqual([]);
    expect(inventory.secrets.filter((s) => s.name.includes(`/${tenantId}/`))).toEqual([
      expect.objectContaining({ scheduledDeletion: expect.any(Date) }),
    ]);
    expect(inventory.managedSecrets.filter((s) => s.name.includes(tenantId))).toEqual([]);
    // Nothing deleted before the snapshots were available; the event carries what is kept and until when
    expect(deletionsBeforeSnapshots(double, snapshots.length, before)).toEqual([]);
    expect(run.publishedEvents.map((e) => [e.detailType, e.detail])).toEqual([
      [
        OUTCOME_DETAIL_TYPES.offboarded,
        expect.objectContaining({
          outcomeId: `offboarded:${run.executionArn}`,
          tenantId,
          tier,
          operation: 'offboard',
          status: 'OFFBOARDED',
          outcome: 'succeeded',
          finalSnapshotArns: snapshots.map((s) => s.arn),
          purgeAfter: record.purgeAfter,
        }),
      ],
    ]);
    // Long polls: an hour of snapshots and deletes costs a few dozen transitions, not one per describe.
    expect(run.transitions).toBeLessThanOrEqual(40);
    expect(double.violations).toEqual([]);
    expect(findLeaks([run], workflow.database().passwords)).toEqual([]);
  });

  it('waits out a snapshot RDS does not list yet (eventual consistency) instead of failing', async () => {
    // Prepare
    const tenantId = 'not-listed-yet';
    expect((await workflow.provision(tenantId, 'enterprise')).status).toBe('SUCCEEDED');
    workflow.double().rdsSnapshots.visibilityDelayMs = 90_000;

    // Act
    const run = await runOffboarding(workflow, tenantId);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect((await recordOf(workflow.double(), tenantId)).finalSnapshots).toHaveLength(2);
  });
});

describe('offboarding, then onboarding the tenant again', () => {
  it('restores the final snapshot the offboarding took, on the tier named at onboarding', async () => {
    // Prepare: a pro tenant offboarded by the workflow (its snapshot taken, copied and recorded by it)
    const tenantId = 'comes-back';
    expect((await workflow.provision(tenantId, 'pro')).status).toBe('SUCCEEDED');
    expect((await runOffboarding(workflow, tenantId)).status).toBe('SUCCEEDED');
    const double = workflow.double();
    const [kept] = (await recordOf(double, tenantId)).finalSnapshots ?? [];

    // Act
    const run = await workflow.provision(tenantId, 'starter');

    // Assess: restored from that snapshot (not created empty), ACTIVE on the tier asked for, and announced
    expect(run.status).toBe('SUCCEEDED');
    expect(double.callsTo('rds', 'CreateDBInstance')).toHaveLength(1);
    expect(double.callsTo('rds', 'RestoreDBInstanceFromDBSnapshot')).toEqual([
      expect.objectContaining({ input: expect.objectContaining({ DBSnapshotIdentifier: kept?.snapshotId }) }),
    ]);
    const record = await recordOf(double, tenantId);
    expect(record).toMatchObject({ status: 'ACTIVE', tier: 'starter', restoredFrom: expect.objectContaining({}) });
    expect(run.publishedEvents.map((e) => e.detailType)).toEqual([OUTCOME_DETAIL_TYPES.restored]);
  });
});
