import { CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';
import { RDSServiceException } from '@aws-sdk/client-rds';
import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { OUTCOME_DETAIL_TYPES } from '../../../../lambdas/shared/contracts';
import { ERROR_NAMES } from '../../../../lambdas/shared/error-names';
import { APP_USERNAME } from '../../../../lambdas/shared/naming';
import { serviceError } from '../../../../lib/local/aws/errors';
import type { FaultSpec } from '../../../../lib/local/aws/faults';
import { runWorkflow } from '../../../support/workflow-harness';
import { useWorkflow } from '../provisioning/fixtures';
import { appPassword, instanceStatus, runSuspension } from '../suspension/fixtures';
import { deletionsBeforeSnapshots, recordOf, runOffboarding } from './fixtures';

/**
 * Faults at every step of an offboarding: transient ones are retried away; permanent ones stop in OFFBOARD_FAILED
 * with the step, the reason and what remains, never with data deleted before its final snapshot is available, and
 * running the offboarding again continues from there.
 */

const workflow = useWorkflow();

type Call = Pick<FaultSpec, 'service' | 'command'>;

async function provisioned(tenantId: string, tier = 'starter'): Promise<void> {
  expect((await workflow.provision(tenantId, tier)).status).toBe('SUCCEEDED');
}

describe('a transient fault', () => {
  it.each<[string, string, Call, FaultSpec['kind']]>([
    ['TakeTenant', 'starter', { service: 'dynamodb', command: 'UpdateItem' }, 'throttle'],
    ['CheckSnapshotQuota', 'starter', { service: 'rds', command: 'DescribeAccountAttributes' }, 'throttle'],
    ['DisableAppLogin', 'starter', { service: 'secretsmanager', command: 'GetSecretValue' }, 'throttle'],
    [
      'CreateFinalSnapshot (crash after RDS accepted it)',
      'starter',
      { service: 'rds', command: 'CreateDBSnapshot' },
      'crashAfter',
    ],
    ['WaitForFinalSnapshot', 'starter', { service: 'rds', command: 'DescribeDBSnapshots' }, 'throttle'],
    [
      'CopyFinalSnapshot (crash after RDS accepted it)',
      'enterprise',
      { service: 'rds', command: 'CopyDBSnapshot' },
      'crashAfter',
    ],
    [
      'DeleteInstance (crash after RDS accepted it)',
      'starter',
      { service: 'rds', command: 'DeleteDBInstance' },
      'crashAfter',
    ],
    [
      'DeleteInstance (protection off, then a crash)',
      'pro',
      { service: 'rds', command: 'ModifyDBInstance' },
      'crashAfter',
    ],
    ['DeleteTenantResources (the alarms)', 'starter', { service: 'cloudwatch', command: 'DeleteAlarms' }, 'throttle'],
    [
      'DeleteTenantResources (crash after the secret was scheduled)',
      'starter',
      { service: 'secretsmanager', command: 'DeleteSecret' },
      'crashAfter',
    ],
    ['ReleaseTenant (the outcome event)', 'starter', { service: 'eventbridge', command: 'PutEvents' }, 'throttle'],
    ['ReleaseTenant (the registry)', 'starter', { service: 'dynamodb', command: 'UpdateItem' }, 'crashAfter'],
  ])('at %s (%s) is retried and the offboarding completes', async (_step, tier, call, kind) => {
    // Prepare
    const tenantId = `flaky-${tier}`;
    await provisioned(tenantId, tier);
    const double = workflow.double();
    const before = double.calls.length;
    double.faults.add({ ...call, kind, times: kind === 'throttle' ? 6 : 1 });

    // Act
    const run = await runOffboarding(workflow, tenantId);

    // Assess: done once: one snapshot per Region, nothing deleted early, one event
    expect(run.status).toBe('SUCCEEDED');
    expect(double.faults.pending()).toEqual([]);
    const record = await recordOf(double, tenantId);
    expect(record.status).toBe('OFFBOARDED');
    const expected = tier === 'enterprise' ? 2 : 1;
    expect(record.finalSnapshots).toHaveLength(expected);
    expect(double.inventory().manualSnapshots).toHaveLength(expected);
    expect(deletionsBeforeSnapshots(double, expected, before)).toEqual([]);
    expect(run.publishedEvents.map((e) => e.detailType)).toEqual([OUTCOME_DETAIL_TYPES.offboarded]);
    expect(double.violations).toEqual([]);
  });
});

describe('a permanent fault', () => {
  const denied = (service: 'rds' | 'secretsmanager' | 'cloudwatch', action: string) => () =>
    service === 'rds'
      ? serviceError(RDSServiceException, 'AccessDenied', `not authorized to perform: rds:${action}`, 403)
      : service === 'cloudwatch'
        ? serviceError(CloudWatchServiceException, 'AccessDenied', `not authorized to perform: ${action}`, 403)
        : serviceError(
            SecretsManagerServiceException,
            'AccessDeniedException',
            `not authorized to perform: ${action}`,
            400,
          );

  it.each<[string, 'ACTIVE' | 'SUSPENDED', string, Call, () => Error, string, RegExp]>([
    [
      'CheckSnapshotQuota',
      'ACTIVE',
      'starter',
      { service: 'rds', command: 'DescribeAccountAttributes' },
      denied('rds', 'DescribeAccountAttributes'),
      'available',
      /nothing deleted/,
    ],
    [
      'StartInstance',
      'SUSPENDED',
      'starter',
      { service: 'rds', command: 'StartDBInstance' },
      denied('rds', 'StartDBInstance'),
      'stopped',
      /nothing deleted/,
    ],
    [
      'DisableAppLogin',
      'ACTIVE',
      'starter',
      { service: 'secretsmanager', command: 'GetSecretValue' },
      denied('secretsmanager', 'GetSecretValue'),
      'available',
      /nothing deleted/,
    ],
    [
      'CreateFinalSnapshot',
      'ACTIVE',
      'starter',
      { service: 'rds', command: 'CreateDBSnapshot' },
      denied('rds', 'CreateDBSnapshot'),
      'available',
      /nothing deleted/,
    ],
    [
      'CopyFinalSnapshot',
      'ACTIVE',
      'enterprise',
      { service: 'rds', command: 'CopyDBSnapshot' },
      denied('rds', 'CopyDBSnapshot'),
      'available',
      /nothing deleted.*final snapshots tenant-/,
    ],
    [
      'DeleteInstance',
      'ACTIVE',
      'pro',
      { service: 'rds', command: 'DeleteDBInstance' },
      denied('rds', 'DeleteDBInstance'),
      'available',
      /nothing deleted.*final snapshots tenant-stuck-deleteinstance-final-[0-9a-f]{12} available/,
    ],
    [
      'DeleteTenantResources',
      'ACTIVE',
      'starter',
      { service: 'secretsmanager', command: 'DeleteSecret' },
      denied('secretsmanager', 'DeleteSecret'),
      'gone',
      /application secret and alarms remain/,
    ],
  ])(
    'at %s (from %s) stops in OFFBOARD_FAILED with the step, the reason and what remains, and a second run continues',
    async (step, from, tier, call, error, instanceAfter, remains) => {
      // Prepare
      const tenantId = `stuck-${step.toLowerCase()}`;
      await provisioned(tenantId, tier);
      if (from === 'SUSPENDED') expect((await runSuspension(workflow, tenantId, 'suspend')).status).toBe('SUCCEEDED');
      const double = workflow.double();
      const before = double.calls.length;
      double.faults.add({ ...call, kind: 'error', error: error() });

      // Act
      const failed = await runOffboarding(workflow, tenantId);

      // Assess: the execution, the registry, the event and the alert name the step; nothing lost
      expect(failed.status).toBe('FAILED');
      expect(failed.error?.Error).toBe(ERROR_NAMES.awsRequest);
      // The step's own function names it (`<step> failed: ...`).
      expect(failed.error?.Cause).toMatch(new RegExp(`^${step}( failed)?: `));
      expect(failed.error?.Cause).toMatch(remains);
      const record = await recordOf(double, tenantId);
      expect(record.status).toBe('OFFBOARD_FAILED');
      expect(record.operation).toBeUndefined();
      expect(record.lifecycleHistory?.at(-1)).toMatchObject({
        operation: 'offboard',
        outcome: 'failed',
        failedStep: step,
      });
      expect(failed.publishedEvents.map((e) => [e.detailType, e.detail])).toEqual([
        [
          OUTCOME_DETAIL_TYPES.offboardFailed,
          expect.objectContaining({ status: 'OFFBOARD_FAILED', outcome: 'failed', failedStep: step }),
        ],
      ]);
      expect(failed.snsMessages).toEqual([
        expect.objectContaining({ message: expect.stringContaining(`stopped at ${step}`) }),
      ]);
      expect((await instanceStatus(`tenant-${tenantId}`).catch(() => undefined)) ?? 'gone').toBe(instanceAfter);
      expect(deletionsBeforeSnapshots(double, tier === 'enterprise' ? 2 : 1, before)).toEqual([]);

      // Act: the fault is gone; running the offboarding again continues from where it stopped
      const snapshotsBefore = double.inventory().manualSnapshots.filter((s) => s.status === 'available').length;
      const again = await runOffboarding(workflow, tenantId);

      // Assess: OFFBOARDED; once the instance is gone, the recorded snapshots are kept rather than new ones taken
      expect(again.status).toBe('SUCCEEDED');
      const done = await recordOf(double, tenantId);
      expect(done.status).toBe('OFFBOARDED');
      expect(done.finalSnapshots).toHaveLength(tier === 'enterprise' ? 2 : 1);
      if (instanceAfter === 'gone' || step === 'DeleteInstance') {
        expect(double.inventory().manualSnapshots).toHaveLength(snapshotsBefore);
      }
      expect(double.violations).toEqual([]);
    },
  );

  it('refuses to start when the manual-snapshot quota is full, with the tenant untouched', async () => {
    // Prepare
    const tenantId = 'quota-full';
    await provisioned(tenantId);
    const double = workflow.double();
    double.rdsSnapshots.foreignSnapshots[double.region] = double.rdsSnapshots.manualSnapshotQuota;
    const before = double.calls.length;

    // Act
    const failed = await runOffboarding(workflow, tenantId);

    // Assess: OFFBOARD_FAILED at the quota check; the application still logs in; no RDS write was made
    expect(failed.status).toBe('FAILED');
    expect(failed.error?.Error).toBe(ERROR_NAMES.snapshotQuota);
    expect(failed.error?.Cause).toMatch(
      /^CheckSnapshotQuota( failed)?: .*manual-snapshot quota of us-east-1 is full \(100 of 100 used, 1 needed\)/,
    );
    expect(await recordOf(double, tenantId)).toMatchObject({ status: 'OFFBOARD_FAILED' });
    await expect(workflow.database().logIn(APP_USERNAME, appPassword(workflow, tenantId))).resolves.toBe(APP_USERNAME);
    const writes = double.calls.slice(before).filter((c) => c.service === 'rds' && !/^Describe/.test(c.command));
    expect(writes).toEqual([]);
    expect(await instanceStatus(`tenant-${tenantId}`)).toBe('available');
  });
});

describe('one operation at a time', () => {
  it('lets one of an offboarding and a suspension racing on one tenant run, and refuses the other naming it', async () => {
    // Prepare
    const tenantId = 'race-offboard';
    await provisioned(tenantId);

    // Act
    const [offboard, suspend] = await Promise.all([
      runOffboarding(workflow, tenantId, { executionName: `${tenantId}-a` }),
      runSuspension(workflow, tenantId, 'suspend', { executionName: `${tenantId}-b` }),
    ]);

    // Assess: exactly one ran; the other was refused as busy (naming the one in progress) or as in another status
    const runs = [offboard, suspend];
    expect(runs.filter((r) => r.status === 'SUCCEEDED')).toHaveLength(1);
    const refused = runs.find((r) => r.status === 'FAILED');
    expect(refused?.error?.Error).toBe(ERROR_NAMES.tenantConflict);
    expect(refused?.error?.Cause).toMatch(
      /is busy: (offboard|suspend) by workflow-tests since|is (OFFBOARDED|SUSPENDED|OFFBOARDING)/,
    );
    const record = await recordOf(workflow.double(), tenantId);
    expect(record.status).toBe(offboard.status === 'SUCCEEDED' ? 'OFFBOARDED' : 'SUSPENDED');
  });

  it('ends a redelivered request (same request id) without doing anything twice', async () => {
    // Prepare
    const tenantId = 'offboard-twice';
    await provisioned(tenantId);
    const first = await runOffboarding(workflow, tenantId, { requestId: 'evt-9' });
    const calls = workflow.double().calls.length;

    // Act
    const again = await runOffboarding(workflow, tenantId, { requestId: 'evt-9' });

    // Assess
    expect(first.status).toBe('SUCCEEDED');
    expect(again.endState).toBe('AlreadyHandled');
    expect(
      workflow
        .double()
        .calls.slice(calls)
        .filter((c) => c.service === 'rds'),
    ).toEqual([]);
  });
});

describe('bad input', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a prototype-named tenant id', { tenantId: '__proto__', operation: 'offboard' }, /tenantId/],
    ['a tenant id of 10,000 characters', { tenantId: 'a'.repeat(10_000), operation: 'offboard' }, /tenantId/],
    ['a prototype-named field', { tenantId: 'acme', operation: 'offboard', constructor: 'x' }, /has no field/],
    ["another workflow's operation", { tenantId: 'acme', operation: 'suspend' }, /operation: must be one of offboard/],
  ])('refuses %s before the registry or RDS is touched', async (_case, input, message) => {
    // Prepare
    const tenantId = 'acme';
    await provisioned(tenantId);
    const double = workflow.double();
    const before = double.calls.length;

    // Act
    const run = await runWorkflow(input, { machine: 'offboarding', double, database: workflow.database() });

    // Assess: a rejection, never a failure of the tenant; nothing written
    expect(run.status).toBe('FAILED');
    expect(run.error?.Error).toBe(ERROR_NAMES.validation);
    expect(run.error?.Cause).toMatch(message);
    expect(run.publishedEvents.map((e) => e.detailType)).toEqual([OUTCOME_DETAIL_TYPES.rejected]);
    expect(double.calls.slice(before).filter((c) => c.service === 'rds' || c.command === 'UpdateItem')).toEqual([]);
    expect(await recordOf(double, tenantId)).toMatchObject({ status: 'ACTIVE' });
  });
});
