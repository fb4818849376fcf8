import { CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';
import { RDSServiceException } from '@aws-sdk/client-rds';
import { OUTCOME_DETAIL_TYPES } from '../../../../lambdas/shared/contracts';
import { ERROR_NAMES } from '../../../../lambdas/shared/error-names';
import { serviceError } from '../../../../lib/local/aws/errors';
import { registryRecord } from '../../../support/workflow-harness';
import { runOffboarding } from '../offboarding/fixtures';
import { useWorkflow } from '../provisioning/fixtures';
import { runSuspension } from '../suspension/fixtures';
import { describedInstance, runTierChange } from './fixtures';

/** Tier changes that wait, are refused, crash or race: the registry never claims a tier the instance lacks. */

const workflow = useWorkflow();

async function provisioned(tenantId: string, tier = 'starter'): Promise<void> {
  expect((await workflow.provision(tenantId, tier)).status).toBe('SUCCEEDED');
}

describe('a change at the maintenance window', () => {
  it('keeps the values pending until the window, the tenant MODIFYING, then completes in few transitions', async () => {
    // Prepare
    const tenantId = 'at-window';
    await provisioned(tenantId);
    const double = workflow.double();

    // Act
    const run = await runTierChange(workflow, tenantId, 'pro', { when: 'maintenance-window' });

    // Assess: the first check found the class pending and waited for the window (sun 04:00 UTC) before applying
    expect(run.status).toBe('SUCCEEDED');
    const checks = run.stateData.flatMap((d) => {
      const progress = (d as { progress?: { status: string; pending: string[]; waitSeconds: number } })?.progress;
      return progress ? [progress] : [];
    });
    expect(checks[0]).toMatchObject({ status: 'WAITING', pending: expect.arrayContaining(['DBInstanceClass']) });
    const modify = run.awsCalls.find((c) => c.command === 'ModifyDBInstance');
    expect(modify?.input).toMatchObject({ ApplyImmediately: false, DBInstanceClass: 'db.m7g.large' });
    const appliedAt = new Date(run.endedAt);
    expect(appliedAt.getUTCDay()).toBe(0);
    expect(run.virtualMs).toBeGreaterThan(0);
    expect(run.transitions).toBeLessThanOrEqual(20);
    expect((await describedInstance(`tenant-${tenantId}`))?.DBInstanceClass).toBe('db.m7g.large');
    expect(await registryRecord(double, tenantId)).toMatchObject({ status: 'ACTIVE', tier: 'pro' });
  });

  it('uses the new tier default timing when --when is not given', async () => {
    // Prepare
    const tenantId = 'default-timing';
    await provisioned(tenantId);

    // Act
    const run = await runTierChange(workflow, tenantId, 'pro');

    // Assess: pro's tierChangeTiming is maintenance-window
    expect(run.status).toBe('SUCCEEDED');
    const modify = run.awsCalls.find((c) => c.command === 'ModifyDBInstance');
    expect(modify?.input).toMatchObject({ ApplyImmediately: false });
  });
});

describe('a refused modification', () => {
  it.each([
    ['InsufficientDBInstanceCapacity', 'There is not enough capacity for db.m7g.large in us-east-1a.'],
    ['InvalidParameterCombination', 'RDS does not support the requested combination.'],
    ['StorageQuotaExceeded', 'The request exceeds the allowed amount of storage available across all DB instances.'],
    ['InvalidDBInstanceState', 'Database instance is not in available state.'],
  ])(
    '(%s) leaves the tenant ACTIVE on its old tier with the reason and a tier change failed event',
    async (code, message) => {
      // Prepare
      const tenantId = `refused-${code.slice(0, 12).toLowerCase()}`;
      await provisioned(tenantId);
      const double = workflow.double();
      double.faults.add({
        service: 'rds',
        command: 'ModifyDBInstance',
        kind: 'error',
        error: serviceError(RDSServiceException, code, message),
      });

      // Act
      const run = await runTierChange(workflow, tenantId, 'pro', { when: 'now' });

      // Assess
      expect(run.status).toBe('FAILED');
      expect(run.error?.Error).toBe(ERROR_NAMES.tierChangeRefused);
      expect(run.error?.Cause).toContain(code);
      const record = await registryRecord(double, tenantId);
      expect(record).toMatchObject({ status: 'ACTIVE', tier: 'starter' });
      expect(record?.lifecycleHistory?.at(-1)).toMatchObject({
        operation: 'change-tier',
        outcome: 'refused',
        failedStep: 'ApplyTierChange',
        reason: expect.stringContaining(message),
      });
      expect(run.publishedEvents.map((e) => [e.detailType, e.detail])).toEqual([
        [
          OUTCOME_DETAIL_TYPES.tierChangeFailed,
          expect.objectContaining({
            status: 'ACTIVE',
            tier: 'starter',
            outcome: 'refused',
            tierChange: { from: 'starter', to: 'pro', when: 'now', applied: [] },
          }),
        ],
      ]);
      expect((await describedInstance(`tenant-${tenantId}`))?.DBInstanceClass).toBe('db.t4g.micro');
    },
  );

  it('refuses a storage change inside the 6-hour cool-down before any ModifyDBInstance', async () => {
    // Prepare: starter → pro grows the volume from 20 to 100 GiB
    const tenantId = 'cool-down';
    await provisioned(tenantId);
    expect((await runTierChange(workflow, tenantId, 'pro', { when: 'now' })).status).toBe('SUCCEEDED');

    // Act: pro → enterprise grows it again at once
    const run = await runTierChange(workflow, tenantId, 'enterprise', { when: 'now' });

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.error?.Cause).toMatch(/refuses another storage change for 6 hours, until /);
    expect(run.awsCalls.filter((c) => c.service === 'rds')).toEqual([]);
    expect(await registryRecord(workflow.double(), tenantId)).toMatchObject({ status: 'ACTIVE', tier: 'pro' });
  });
});

describe('a failure after RDS accepted the modification', () => {
  it('is carried forward when the step crashed after ModifyDBInstance: the retry sends nothing twice', async () => {
    // Prepare
    const tenantId = 'crash-after-modify';
    await provisioned(tenantId);
    workflow.double().faults.add({ service: 'rds', command: 'ModifyDBInstance', kind: 'crashAfter' });

    // Act
    const run = await runTierChange(workflow, tenantId, 'pro', { when: 'now' });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.awsCalls.filter((c) => c.command === 'ModifyDBInstance')).toHaveLength(1);
    expect(await registryRecord(workflow.double(), tenantId)).toMatchObject({ status: 'ACTIVE', tier: 'pro' });
  });

  it('stops MODIFY_FAILED on the old tier name, and a re-run completes the follow-ups', async () => {
    // Prepare: the alarms cannot be written
    const tenantId = 'follow-up-fails';
    await provisioned(tenantId);
    const double = workflow.double();
    double.faults.add({
      service: 'cloudwatch',
      command: 'PutMetricAlarm',
      kind: 'error',
      error: serviceError(CloudWatchServiceException, 'AccessDenied', 'not authorized to perform PutMetricAlarm', 403),
    });

    // Act
    const failed = await runTierChange(workflow, tenantId, 'pro', { when: 'now' });

    // Assess: RDS applied the class, the registry says MODIFY_FAILED, not pro
    expect(failed.status).toBe('FAILED');
    expect(await registryRecord(double, tenantId)).toMatchObject({ status: 'MODIFY_FAILED', tier: 'starter' });
    expect(failed.publishedEvents.map((e) => e.detailType)).toEqual([OUTCOME_DETAIL_TYPES.tierChangeFailed]);
    expect(failed.snsMessages).toEqual([
      expect.objectContaining({ message: expect.stringContaining('stopped at ApplyFollowUps') }),
    ]);

    // Act: the fault is gone
    const again = await runTierChange(workflow, tenantId, 'pro', { when: 'now' });

    // Assess: nothing sent to RDS twice, the follow-ups done, the tier recorded
    expect(again.status).toBe('SUCCEEDED');
    expect(again.awsCalls.filter((c) => c.command === 'ModifyDBInstance')).toEqual([]);
    expect(again.awsCalls.filter((c) => c.command === 'PutMetricAlarm').length).toBeGreaterThan(0);
    expect(await registryRecord(double, tenantId)).toMatchObject({ status: 'ACTIVE', tier: 'pro' });
  });
});

describe('requests refused before the tenant is taken', () => {
  it.each([
    ['an unknown tier', 'platinum', /to: must be a tier of the deployed catalog/],
    ['a prototype name', '__proto__', /to: must be a tier of the deployed catalog/],
    ['the tier it is on', 'starter', /already on tier "starter"/],
  ])('refuses %s as a rejected request and leaves the tenant alone', async (_case, to, cause) => {
    // Prepare
    const tenantId = `reject-${to.replace(/_/g, 'x')}`;
    await provisioned(tenantId);

    // Act
    const run = await runTierChange(workflow, tenantId, to);

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.error?.Error).toBe(ERROR_NAMES.validation);
    expect(run.error?.Cause).toMatch(cause);
    expect(run.publishedEvents.map((e) => e.detailType)).toEqual([OUTCOME_DETAIL_TYPES.rejected]);
    expect(run.awsCalls.filter((c) => c.service === 'rds')).toEqual([]);
    expect(await registryRecord(workflow.double(), tenantId)).toMatchObject({ status: 'ACTIVE', tier: 'starter' });
  });

  it('lets one of a tier change and a suspend racing on one tenant run, and refuses the other naming it', async () => {
    // Prepare
    const tenantId = 'race-change-suspend';
    await provisioned(tenantId);

    // Act
    const [change, suspend] = await Promise.all([
      runTierChange(workflow, tenantId, 'pro', { when: 'now', executionName: `${tenantId}-a` }),
      runSuspension(workflow, tenantId, 'suspend', { executionName: `${tenantId}-b` }),
    ]);

    // Assess: exactly one ran; the other was refused naming the one in progress
    const runs = [change, suspend];
    expect(runs.filter((r) => r.status === 'SUCCEEDED')).toHaveLength(1);
    const refused = runs.find((r) => r.status === 'FAILED');
    expect(refused?.error?.Error).toBe(ERROR_NAMES.tenantConflict);
    expect(refused?.error?.Cause).toMatch(/is busy: (change-tier|suspend) by workflow-tests/);
    const record = await registryRecord(workflow.double(), tenantId);
    expect(record?.operation).toBeUndefined();
    expect(record?.status === 'SUSPENDED' ? record.tier : record?.tier).toBe(
      change.status === 'SUCCEEDED' ? 'pro' : 'starter',
    );
  });

  it('lets one of a tier change and an offboarding racing on one tenant run, and refuses the other naming it', async () => {
    // Prepare
    const tenantId = 'race-change-offboard';
    await provisioned(tenantId);

    // Act
    const [change, offboard] = await Promise.all([
      runTierChange(workflow, tenantId, 'pro', { when: 'now', executionName: `${tenantId}-a` }),
      runOffboarding(workflow, tenantId, { executionName: `${tenantId}-b` }),
    ]);

    // Assess: exactly one ran; the other was refused naming the one in progress, and the record names no tier the
    // instance did not have
    const runs = [change, offboard];
    expect(runs.filter((r) => r.status === 'SUCCEEDED')).toHaveLength(1);
    const refused = runs.find((r) => r.status === 'FAILED');
    expect(refused?.error?.Error).toBe(ERROR_NAMES.tenantConflict);
    expect(refused?.error?.Cause).toMatch(/is busy: (change-tier|offboard) by workflow-tests/);
    const record = await registryRecord(workflow.double(), tenantId);
    expect(record?.operation).toBeUndefined();
    expect(record?.status).toBe(change.status === 'SUCCEEDED' ? 'ACTIVE' : 'OFFBOARDED');
    expect(record?.tier).toBe(change.status === 'SUCCEEDED' ? 'pro' : 'starter');
  });
});
