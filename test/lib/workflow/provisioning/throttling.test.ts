import { CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';
import { OUTCOME_DETAIL_TYPES } from '../../../../lambdas/shared/contracts';
import { THROTTLE_RETRY_ATTEMPTS } from '../../../../lambdas/shared/throttle-retry';
import type { ServiceName } from '../../../../lib/local/aws';
import { serviceError } from '../../../../lib/local/aws/errors';
import { registryRecord } from '../../../support/workflow-harness';
import { seededRandom } from '../../../support/workflow-harness/timing';
import { useWorkflow } from './fixtures';

/**
 * Throttling is what AWS answers under the bursts this platform exists for. A throttled call (its SDK retries spent)
 * must never leave debris or block a tenant: forward steps keep going, rollback passes stay incomplete rather than
 * failed, and the failure is still recorded.
 */

const workflow = useWorkflow();

/** The in-handler retries of throttled calls, as deployed (unit tests turn them off). */
const DEPLOYED_RETRIES = { [THROTTLE_RETRY_ATTEMPTS.name]: '4' };
/** No in-handler retries: every throttle reaches the step, the hardest case for the workflow's own handling. */
const NO_RETRIES = { [THROTTLE_RETRY_ATTEMPTS.name]: '1' };

/** The calls a rollback pass makes. */
const ROLLBACK_CALLS: readonly { service: ServiceName; command: string }[] = [
  { service: 'rds', command: 'DescribeDBInstances' },
  { service: 'rds', command: 'ModifyDBInstance' },
  { service: 'rds', command: 'DeleteDBInstance' },
  { service: 'rds', command: 'DescribeDBInstanceAutomatedBackups' },
  { service: 'rds', command: 'StopDBInstanceAutomatedBackupsReplication' },
  { service: 'rds', command: 'DeleteDBInstanceAutomatedBackup' },
  { service: 'secretsmanager', command: 'DescribeSecret' },
  { service: 'secretsmanager', command: 'DeleteSecret' },
  { service: 'cloudwatch', command: 'DescribeAlarms' },
  { service: 'cloudwatch', command: 'ListTagsForResource' },
  { service: 'cloudwatch', command: 'DeleteAlarms' },
  { service: 'dynamodb', command: 'GetItem' },
];

describe('a throttled AWS', () => {
  it.each(['starter', 'pro', 'enterprise'])(
    'throttling every third call of every service, %s onboardings complete with one of everything',
    async (tier) => {
      // Prepare
      const double = workflow.double();
      double.faults.chaos({ throttleEvery: 3 });

      // Act
      const runs = [];
      for (const n of [1, 2, 3])
        runs.push(await workflow.provision(`busy-${tier}-${n}`, tier, { environment: DEPLOYED_RETRIES }));

      // Assess
      expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      expect(double.inventory().instances).toHaveLength(3);
      expect(double.calls.filter((c) => c.outcome === 'throttled').length).toBeGreaterThan(10);
      for (const n of [1, 2, 3]) expect((await registryRecord(double, `busy-${tier}-${n}`))?.status).toBe('ACTIVE');
    },
  );

  it.each(['pro', 'enterprise'])(
    'throttling half the %s rollback calls leaves passes incomplete, never the rollback failed',
    async (tier) => {
      // Prepare: a permanent failure at ConfigureAlarms, then a rollback whose calls are throttled half the time
      const double = workflow.double();
      const tenantId = `busy-rollback-${tier}`;
      const failure = double.faults.add({
        service: 'cloudwatch',
        command: 'PutMetricAlarm',
        kind: 'error',
        error: serviceError(CloudWatchServiceException, 'AccessDeniedException', 'not authorized: PutMetricAlarm'),
      });
      const coin = seededRandom(7);
      for (const call of ROLLBACK_CALLS) {
        double.faults.add({
          ...call,
          kind: 'throttle',
          times: 100_000,
          match: () => failure.fired > 0 && coin() < 0.5,
        });
      }

      // Act
      const run = await workflow.provision(tenantId, tier, { environment: NO_RETRIES });

      // Assess: FAILED (not ROLLBACK_FAILED), nothing left, outcome recorded
      expect(run.status).toBe('FAILED');
      expect(double.calls.some((c) => c.outcome === 'throttled')).toBe(true);
      expect(double.leftovers()).toEqual([]);
      expect(await registryRecord(double, tenantId)).toMatchObject({ status: 'FAILED', leftovers: [] });
      expect(run.publishedEvents.filter((e) => e.detailType === OUTCOME_DETAIL_TYPES.failed)).toHaveLength(1);
    },
  );

  it('throttling RecordFailure still records the failure and its event', async () => {
    // Prepare: a failed onboarding whose registry write and publish are each throttled three times
    const double = workflow.double();
    const tenantId = 'busy-record';
    double.faults.add({
      service: 'cloudwatch',
      command: 'PutMetricAlarm',
      kind: 'error',
      error: serviceError(CloudWatchServiceException, 'AccessDeniedException', 'not authorized: PutMetricAlarm'),
    });
    double.faults.add({
      service: 'dynamodb',
      command: 'UpdateItem',
      kind: 'throttle',
      times: 3,
      match: (input) => JSON.stringify(input).includes('"failed"'),
    });
    double.faults.add({ service: 'eventbridge', command: 'PutEvents', kind: 'throttle', times: 3 });

    // Act
    const run = await workflow.provision(tenantId, 'starter', { environment: NO_RETRIES });

    // Assess
    expect(run.status).toBe('FAILED');
    expect(double.faults.pending()).toEqual([]);
    expect(await registryRecord(double, tenantId)).toMatchObject({ status: 'FAILED' });
    expect((await registryRecord(double, tenantId))?.outcomePending).toBeUndefined();
    expect(run.publishedEvents.filter((e) => e.detailType === OUTCOME_DETAIL_TYPES.failed)).toHaveLength(1);
  });
});
