import { CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';
import { RDSServiceException } from '@aws-sdk/client-rds';
import { OUTCOME_DETAIL_TYPES, STEPS } from '../../../../lambdas/shared/contracts';
import { ERROR_NAMES } from '../../../../lambdas/shared/error-names';
import { instanceIdentifier } from '../../../../lambdas/shared/naming';
import type { AwsDouble, CallRecord } from '../../../../lib/local/aws';
import { serviceError } from '../../../../lib/local/aws/errors';
import { registryRecord } from '../../../support/workflow-harness';
import { useWorkflow } from './fixtures';

/**
 * Rollback of an instance that cannot be deleted yet: RDS refuses to delete an instance that is still `creating`.
 * Deletion protection (pro and enterprise) is never on while the instance may still fail to be created, since RDS
 * refuses every ModifyDBInstance while it is `creating`, `failed` or `incompatible-*`: ConfigureBackups turns it on,
 * and a rollback after that step turns it off first. The rollback repeats its passes until the instance is gone, or
 * gives up loudly when its pass budget runs out.
 */

const workflow = useWorkflow();
const MINUTE = 60_000;

/** WaitForInstance's first look at the instance is refused for good, while RDS is still creating it. */
function failWhileCreating() {
  workflow.double().faults.add({
    service: 'rds',
    command: 'DescribeDBInstances',
    kind: 'error',
    error: serviceError(RDSServiceException, 'AccessDenied', 'not authorized to perform: rds:DescribeDBInstances'),
  });
}

/** The ModifyDBInstance calls that set deletion protection to `on`. */
function protectionChanges(double: AwsDouble, on: boolean): CallRecord[] {
  return double
    .callsTo('rds', 'ModifyDBInstance')
    .filter((c) => (c.input as { DeletionProtection?: boolean }).DeletionProtection === on);
}

/** Whether the instance was created with deletion protection. */
function createdProtected(double: AwsDouble): boolean[] {
  return double
    .callsTo('rds', 'CreateDBInstance')
    .map((c) => (c.input as { DeletionProtection?: boolean }).DeletionProtection === true);
}

describe('the rollback of an instance that is still creating', () => {
  it.each(['pro', 'enterprise'])(
    'of the %s tier waits until RDS accepts the deletion and removes it: the instance was never protected',
    async (tier) => {
      // Prepare: 20 minutes creating, of which RDS refuses deletion for the first 4
      const double = workflow.double();
      Object.assign(double.rds.timings, { creationMs: 20 * MINUTE, refuseDeletionWhileCreatingMs: 4 * MINUTE });
      failWhileCreating();
      const tenantId = `stuck-${tier}`;

      // Act
      const run = await workflow.provision(tenantId, tier);

      // Assess: refused while creating, accepted after 4 minutes, gone once RDS finished deleting
      expect(run.status).toBe('FAILED');
      const deletes = double.callsTo('rds', 'DeleteDBInstance');
      expect(deletes.slice(0, -1).map((c) => c.error)).toEqual(
        Array(deletes.length - 1).fill('InvalidDBInstanceStateFault'),
      );
      expect(deletes.at(-1)).toMatchObject({ outcome: 'ok' });
      expect((deletes.at(-1)?.at ?? 0) - run.startedAt).toBeGreaterThanOrEqual(4 * MINUTE);
      expect(createdProtected(double)).toEqual([false]);
      expect(double.callsTo('rds', 'ModifyDBInstance')).toEqual([]);
      const passes = run.invocations.filter((i) => i.name === STEPS.rollback);
      expect(passes.length).toBeGreaterThan(8);

      // Assess: nothing left, and the failure recorded
      expect(double.leftovers()).toEqual([]);
      expect(await registryRecord(double, tenantId)).toMatchObject({
        status: 'FAILED',
        failedStep: STEPS.waitForInstance,
      });
      expect(run.publishedEvents.map((e) => e.detailType)).toEqual([OUTCOME_DETAIL_TYPES.failed]);
      expect(run.snsMessages).toEqual([]);
    },
  );

  it.each(['pro', 'enterprise'])(
    'of the %s tier deletes an instance whose creation failed, which RDS would not let it unprotect',
    async (tier) => {
      // Prepare: creation ends `failed`, where RDS accepts DeleteDBInstance but no ModifyDBInstance
      const double = workflow.double();
      double.rds.finalStatus = () => 'failed';
      const tenantId = `failed-${tier}`;

      // Act
      const run = await workflow.provision(tenantId, tier);

      // Assess
      expect(run).toMatchObject({ status: 'FAILED', error: { Error: ERROR_NAMES.instanceFailed } });
      expect(createdProtected(double)).toEqual([false]);
      expect(double.callsTo('rds', 'DeleteDBInstance').map((c) => c.outcome)).toEqual(['ok']);
      expect(double.leftovers()).toEqual([]);
      expect(await registryRecord(double, tenantId)).toMatchObject({
        status: 'FAILED',
        failedStep: STEPS.waitForInstance,
      });
    },
  );

  it('gives up after its pass budget when the instance can never be deleted, and says what is left', async () => {
    // Prepare: the instance never leaves `creating`, and RDS refuses its deletion throughout
    const double = workflow.double();
    Object.assign(double.rds.timings, { creationMs: 24 * 60 * MINUTE });
    failWhileCreating();
    const tenantId = 'undeletable';
    const leftover = `db-instance:${instanceIdentifier(tenantId)}`;

    // Act: the deployed default budget (120 passes, 30 s apart)
    const run = await workflow.provision(tenantId, 'pro');

    // Assess: the execution fails as a failed rollback
    expect(run).toMatchObject({ status: 'FAILED', error: { Error: 'RollbackFailed' } });
    expect(run.invocations.filter((i) => i.name === STEPS.rollback)).toHaveLength(120);
    expect(double.inventory().instances.map((i) => i.status)).toEqual(['creating']);

    // Assess: registry, event and alert all name what is left
    expect(await registryRecord(double, tenantId)).toMatchObject({
      status: 'ROLLBACK_FAILED',
      failedStep: STEPS.waitForInstance,
      leftovers: [leftover],
    });
    const failed = run.publishedEvents.filter((e) => e.detailType === OUTCOME_DETAIL_TYPES.failed);
    expect(failed.map((e) => e.detail)).toEqual([
      expect.objectContaining({ status: 'ROLLBACK_FAILED', leftovers: [leftover] }),
    ]);
    expect(run.snsMessages).toHaveLength(1);
    expect(run.snsMessages[0]?.subject).toContain(`ROLLBACK_FAILED: tenant ${tenantId}`);
    expect(run.snsMessages[0]?.message).toContain(
      `aws rds delete-db-instance --db-instance-identifier ${instanceIdentifier(tenantId)}`,
    );
  });
});

describe('the rollback of an instance ConfigureBackups protected', () => {
  it.each(['pro', 'enterprise'])('of the %s tier turns protection off, then deletes the instance', async (tier) => {
    // Prepare: the step after ConfigureBackups is refused for good
    const double = workflow.double();
    double.faults.add({
      service: 'cloudwatch',
      command: 'PutMetricAlarm',
      kind: 'error',
      error: serviceError(CloudWatchServiceException, 'AccessDeniedException', 'not authorized'),
    });
    const tenantId = `protected-${tier}`;

    // Act
    const run = await workflow.provision(tenantId, tier);

    // Assess: created unprotected, protected by ConfigureBackups, unprotected by the rollback before its deletion
    expect(run.status).toBe('FAILED');
    expect(createdProtected(double)).toEqual([false]);
    const [protectedAt] = protectionChanges(double, true);
    const [unprotectedAt] = protectionChanges(double, false);
    const [deleted] = double.callsTo('rds', 'DeleteDBInstance');
    expect(protectedAt).toMatchObject({ outcome: 'ok' });
    expect(unprotectedAt).toMatchObject({ outcome: 'ok' });
    expect(deleted).toMatchObject({ outcome: 'ok' });
    expect(protectedAt?.seq).toBeLessThan(unprotectedAt?.seq ?? 0);
    expect(unprotectedAt?.seq).toBeLessThan(deleted?.seq ?? 0);
    expect(double.leftovers()).toEqual([]);
    expect(await registryRecord(double, tenantId)).toMatchObject({
      status: 'FAILED',
      failedStep: STEPS.configureAlarms,
    });
  });
});
