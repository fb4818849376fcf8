import { RDSServiceException } from '@aws-sdk/client-rds';
import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { OUTCOME_DETAIL_TYPES } from '../../../../lambdas/shared/contracts';
import { ERROR_NAMES } from '../../../../lambdas/shared/error-names';
import { serviceError } from '../../../../lib/local/aws/errors';
import type { FaultSpec } from '../../../../lib/local/aws/faults';
import { registryRecord } from '../../../support/workflow-harness';
import { useWorkflow } from '../provisioning/fixtures';
import { instanceStatus, runSuspension } from './fixtures';

/** Faults at every step of suspend and resume: transient ones are retried away, permanent ones stop in *_FAILED. */

const workflow = useWorkflow();

type Call = Pick<FaultSpec, 'service' | 'command'>;

async function provisioned(tenantId: string): Promise<void> {
  expect((await workflow.provision(tenantId, 'starter')).status).toBe('SUCCEEDED');
}

describe('a transient fault', () => {
  it.each<[string, 'suspend' | 'resume', Call, FaultSpec['kind']]>([
    ['TakeTenant', 'suspend', { service: 'dynamodb', command: 'UpdateItem' }, 'throttle'],
    ['DisableAppLogin', 'suspend', { service: 'secretsmanager', command: 'GetSecretValue' }, 'throttle'],
    ['StopInstance', 'suspend', { service: 'rds', command: 'StopDBInstance' }, 'throttle'],
    [
      'StopInstance (crash after the stop was accepted)',
      'suspend',
      { service: 'rds', command: 'StopDBInstance' },
      'crashAfter',
    ],
    ['ReleaseTenant (the outcome event)', 'suspend', { service: 'eventbridge', command: 'PutEvents' }, 'throttle'],
    ['ReleaseTenant (the registry)', 'suspend', { service: 'dynamodb', command: 'UpdateItem' }, 'crashAfter'],
    ['StartInstance', 'resume', { service: 'rds', command: 'StartDBInstance' }, 'throttle'],
    [
      'StartInstance (crash after the start was accepted)',
      'resume',
      { service: 'rds', command: 'StartDBInstance' },
      'crashAfter',
    ],
    ['EnableAppLogin', 'resume', { service: 'secretsmanager', command: 'GetSecretValue' }, 'crashAfter'],
  ])('at %s (%s) is retried and the operation completes', async (_step, operation, call, kind) => {
    // Prepare
    const tenantId = `flaky-${operation}`;
    await provisioned(tenantId);
    if (operation === 'resume') expect((await runSuspension(workflow, tenantId, 'suspend')).status).toBe('SUCCEEDED');
    const double = workflow.double();
    double.faults.add({ ...call, kind, times: kind === 'throttle' ? 6 : 1 });

    // Act
    const run = await runSuspension(workflow, tenantId, operation);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(double.faults.pending()).toEqual([]);
    expect(await registryRecord(double, tenantId)).toMatchObject({
      status: operation === 'suspend' ? 'SUSPENDED' : 'ACTIVE',
    });
    expect(await instanceStatus(`tenant-${tenantId}`)).toBe(operation === 'suspend' ? 'stopped' : 'available');
    expect(run.publishedEvents.map((e) => e.detailType)).toEqual([
      operation === 'suspend' ? OUTCOME_DETAIL_TYPES.suspended : OUTCOME_DETAIL_TYPES.resumed,
    ]);
    expect(double.violations).toEqual([]);
  });
});

describe('an outcome event still owed when the next operation starts', () => {
  it('is published by the next TakeTenant before that operation writes its own', async () => {
    // Prepare: the suspension's event cannot reach EventBridge through every retry of its release.
    const tenantId = 'owes-event';
    await provisioned(tenantId);
    const double = workflow.double();
    double.faults.add({ service: 'eventbridge', command: 'PutEvents', kind: 'throttle', times: 1000 });
    const suspended = await runSuspension(workflow, tenantId, 'suspend');
    expect(suspended.status).toBe('SUCCEEDED');
    expect(suspended.publishedEvents).toEqual([]);
    expect(await registryRecord(double, tenantId)).toMatchObject({ status: 'SUSPENDED', outcomePending: 'suspended' });
    double.faults.clear();

    // Act
    const resumed = await runSuspension(workflow, tenantId, 'resume');

    // Assess: both events, in order, and nothing left owed.
    expect(resumed.status).toBe('SUCCEEDED');
    expect(resumed.publishedEvents.map((e) => [e.detailType, (e.detail as { operation: string }).operation])).toEqual([
      [OUTCOME_DETAIL_TYPES.suspended, 'suspend'],
      [OUTCOME_DETAIL_TYPES.resumed, 'resume'],
    ]);
    expect((await registryRecord(double, tenantId))?.outcomePending).toBeUndefined();
  });
});

describe('a permanent fault', () => {
  const denied = {
    rds: (action: string) =>
      serviceError(RDSServiceException, 'AccessDenied', `not authorized to perform: rds:${action}`, 403),
    secret: () =>
      serviceError(
        SecretsManagerServiceException,
        'AccessDeniedException',
        'not authorized to perform: GetSecretValue',
        400,
      ),
  };

  it.each<[string, 'suspend' | 'resume', Call, () => Error, string]>([
    [
      'DisableAppLogin',
      'suspend',
      { service: 'secretsmanager', command: 'GetSecretValue' },
      denied.secret,
      'available',
    ],
    [
      'StopInstance',
      'suspend',
      { service: 'rds', command: 'StopDBInstance' },
      () => denied.rds('StopDBInstance'),
      'available',
    ],
    [
      'StartInstance',
      'resume',
      { service: 'rds', command: 'StartDBInstance' },
      () => denied.rds('StartDBInstance'),
      'stopped',
    ],
    ['EnableAppLogin', 'resume', { service: 'secretsmanager', command: 'GetSecretValue' }, denied.secret, 'available'],
  ])(
    'at %s (%s) stops in *_FAILED with the step and the reason, alerts, and a second run continues',
    async (step, operation, call, error, instanceAfter) => {
      // Prepare
      const tenantId = `stuck-${step.toLowerCase()}`;
      await provisioned(tenantId);
      if (operation === 'resume') expect((await runSuspension(workflow, tenantId, 'suspend')).status).toBe('SUCCEEDED');
      const double = workflow.double();
      double.faults.add({ ...call, kind: 'error', error: error() });

      // Act
      const failed = await runSuspension(workflow, tenantId, operation);

      // Assess: the execution, the registry, the event and the alert name the step; the tenant is free again
      const failedStatus = operation === 'suspend' ? 'SUSPEND_FAILED' : 'RESUME_FAILED';
      expect(failed.status).toBe('FAILED');
      expect(failed.error?.Error).toBe(ERROR_NAMES.awsRequest);
      expect(failed.error?.Cause).toMatch(new RegExp(`^${step}: `));
      const record = await registryRecord(double, tenantId);
      expect(record?.status).toBe(failedStatus);
      expect(record?.operation).toBeUndefined();
      expect(record?.lifecycleHistory?.at(-1)).toMatchObject({ operation, outcome: 'failed', failedStep: step });
      expect(failed.publishedEvents.map((e) => [e.detailType, e.detail])).toEqual([
        [
          operation === 'suspend' ? OUTCOME_DETAIL_TYPES.suspendFailed : OUTCOME_DETAIL_TYPES.resumeFailed,
          expect.objectContaining({ status: failedStatus, outcome: 'failed', failedStep: step }),
        ],
      ]);
      expect(failed.snsMessages).toEqual([
        expect.objectContaining({ message: expect.stringContaining(`stopped at ${step}`) }),
      ]);
      expect(await instanceStatus(`tenant-${tenantId}`)).toBe(instanceAfter);

      // Act: the fault is gone; running the operation again continues from where it stopped
      const again = await runSuspension(workflow, tenantId, operation);

      // Assess
      expect(again.status).toBe('SUCCEEDED');
      expect(await registryRecord(double, tenantId)).toMatchObject({
        status: operation === 'suspend' ? 'SUSPENDED' : 'ACTIVE',
      });
      expect(double.violations).toEqual([]);
    },
  );
});

describe('one operation at a time', () => {
  it.each<['suspend' | 'resume', 'suspend' | 'resume']>([
    ['suspend', 'suspend'],
    ['suspend', 'resume'],
  ])('lets one of a %s and a %s racing on one tenant run, and refuses the other naming it', async (first, second) => {
    // Prepare
    const tenantId = `race-${first}-${second}`;
    await provisioned(tenantId);

    // Act
    const runs = await Promise.all([
      runSuspension(workflow, tenantId, first, { executionName: `${tenantId}-a` }),
      runSuspension(workflow, tenantId, second, { executionName: `${tenantId}-b` }),
    ]);

    // Assess
    const [winner] = runs.filter((r) => r.status === 'SUCCEEDED');
    const refused = runs.filter((r) => r.status === 'FAILED');
    expect(winner).toBeDefined();
    expect(refused).toHaveLength(1);
    expect(refused[0]?.error?.Error).toBe(ERROR_NAMES.tenantConflict);
    // Refused as busy (naming the operation in progress), or, for a resume that read first, as not suspended.
    expect(refused[0]?.error?.Cause).toMatch(
      /is busy: suspend by workflow-tests since [^ ]+ \(execution [^)]+\)|is ACTIVE; resume needs/,
    );
    // The refusal is its own outcome, never a failure of the tenant.
    const own = refused[0]?.publishedEvents.filter(
      (e) => (e.detail as { executionArn?: string }).executionArn === refused[0]?.executionArn,
    );
    expect(own?.map((e) => [e.detailType, e.detail])).toEqual([
      [
        OUTCOME_DETAIL_TYPES.rejected,
        expect.objectContaining({
          tenantId,
          tier: 'starter',
          status: 'REJECTED',
          rejectedStep: 'TakeTenant',
          error: 'TenantConflictError',
        }),
      ],
    ]);
    expect(await registryRecord(workflow.double(), tenantId)).toMatchObject({ status: 'SUSPENDED' });
  });

  it('ends a redelivered request (same request id) without doing anything twice', async () => {
    // Prepare
    const tenantId = 'redelivered';
    await provisioned(tenantId);
    const first = await runSuspension(workflow, tenantId, 'suspend', { requestId: 'evt-7' });
    const calls = workflow.double().calls.length;

    // Act
    const again = await runSuspension(workflow, tenantId, 'suspend', { requestId: 'evt-7' });

    // Assess
    expect(first.status).toBe('SUCCEEDED');
    expect(again.status).toBe('SUCCEEDED');
    expect(again.endState).toBe('AlreadyHandled');
    expect(again.publishedEvents).toEqual([]);
    expect(
      workflow
        .double()
        .calls.slice(calls)
        .filter((c) => c.service === 'rds'),
    ).toEqual([]);
  });
});
