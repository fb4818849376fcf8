import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import { DBInstanceNotFoundFault } from '@aws-sdk/client-rds';
import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { OUTCOME_DETAIL_TYPES, STEPS } from '../../../../lambdas/shared/contracts';
import type { AwsDouble } from '../../../../lib/local/aws';
import { errorMetadata, serviceError } from '../../../../lib/local/aws/errors';
import { lambdaContext } from '../../../../lib/local/workflows/lambda-context';
import { registryRecord } from '../../../support/workflow-harness';
import { workflowClockOf } from '../../../support/workflow-harness/double';
import { byStep, FAULT_MATRIX, isActivation, type StepFaults } from './fault-matrix';
import { useWorkflow } from './fixtures';

/**
 * The invariants that rollback, registry writes and outcome events keep under the faults an independent review
 * found: RDS not listing a new instance yet, a function dying right after it published, a publish that keeps
 * failing after the tenant became ACTIVE.
 */

const workflow = useWorkflow();

const notFound = () => new DBInstanceNotFoundFault({ message: 'DBInstance not found', $metadata: errorMetadata(404) });

/** True once the double has refused a call with an injected error: the rollback has started. */
const afterInjectedError = (double: AwsDouble) => () => double.calls.some((c) => c.outcome === 'injected-error');

/** CreateInstance fails right after CreateDBInstance: the registry refuses to record the instance id. */
const CREATE_THEN_FAIL: StepFaults = {
  step: STEPS.createInstance,
  tier: 'pro',
  call: { service: 'dynamodb', command: 'UpdateItem', match: (input) => JSON.stringify(input).includes('instanceId') },
  permanent: {
    error: serviceError(DynamoDBServiceException, 'AccessDeniedException', 'not authorized to perform: UpdateItem'),
  },
  permanentErrorName: 'AwsRequestError',
  crash: 'after-call',
};

/** Steps after CreateDBInstance: the instance exists when they fail. */
const AFTER_CREATE = [
  CREATE_THEN_FAIL,
  ...FAULT_MATRIX.filter(
    (row) => FAULT_MATRIX.indexOf(row) > FAULT_MATRIX.findIndex((r) => r.step === STEPS.createInstance),
  ),
];

describe('RDS not listing the instance yet when the rollback starts', () => {
  it.each(byStep(AFTER_CREATE))('after a failure at %s, the rollback still finds and deletes it', async (step, row) => {
    // Prepare: the failure, then three DescribeDBInstances that do not list the instance (eventual consistency)
    const double = workflow.double();
    const tenantId = `unlisted-${step.toLowerCase()}`;
    if (!('error' in row.permanent) || !row.call) throw new Error('rows here fail an AWS call');
    double.faults.add({ ...row.call, kind: 'error', error: row.permanent.error });
    double.faults.add({
      service: 'rds',
      command: 'DescribeDBInstances',
      kind: 'error',
      error: notFound(),
      times: 3,
      match: afterInjectedError(double),
    });

    // Act
    const run = await workflow.provision(tenantId, row.tier);

    // Assess: failed, nothing leaked, and the registry and the event say so
    expect(run.status).toBe('FAILED');
    expect(double.faults.pending()).toEqual([]);
    expect(double.leftovers()).toEqual([]);
    expect(double.callsTo('rds', 'DeleteDBInstance').filter((c) => c.outcome === 'ok')).toHaveLength(1);
    expect(await registryRecord(double, tenantId)).toMatchObject({ status: 'FAILED', failedStep: step, leftovers: [] });
  });
});

describe('ACTIVE is the point of no return', () => {
  it('a provisioned event that cannot be published leaves the tenant ACTIVE, never rolled back, and pending', async () => {
    // Prepare: every PutEvents refused for good
    const double = workflow.double();
    const tenantId = 'unannounced';
    double.faults.add({
      service: 'eventbridge',
      command: 'PutEvents',
      kind: 'error',
      error: serviceError(EventBridgeServiceException, 'AccessDeniedException', 'not authorized: events:PutEvents'),
      times: 1_000,
    });

    // Act
    const run = await workflow.provision(tenantId, 'starter');

    // Assess: the execution succeeds, the database lives, the event is owed
    expect(run.status).toBe('SUCCEEDED');
    expect(run.endState).toBe('ProvisionedOutcomePending');
    expect(run.invocations.some((i) => i.name === STEPS.rollback)).toBe(false);
    expect(double.callsTo('rds', 'DeleteDBInstance')).toEqual([]);
    expect(double.inventory().instances.map((i) => i.identifier)).toEqual([`tenant-${tenantId}`]);
    expect(await registryRecord(double, tenantId)).toMatchObject({ status: 'ACTIVE', outcomePending: 'provisioned' });
  });

  it('the sweeper publishes the pending event once EventBridge takes it, and clears the outbox', async () => {
    // Prepare: an ACTIVE tenant whose event could not be published
    const double = workflow.double();
    const tenantId = 'announced-late';
    const refused = double.faults.add({
      service: 'eventbridge',
      command: 'PutEvents',
      kind: 'error',
      error: serviceError(EventBridgeServiceException, 'AccessDeniedException', 'not authorized: events:PutEvents'),
      times: 1_000,
    });
    const run = await workflow.provision(tenantId, 'starter');
    refused.remaining = 0;
    workflowClockOf(double).advance(10 * 60_000);

    // Act
    const { handler } =
      require('../../../../lambdas/sweeper/handler') as typeof import('../../../../lambdas/sweeper/handler');
    const summary = await handler({}, lambdaContext());

    // Assess
    expect(summary.delivered).toEqual([tenantId]);
    const provisioned = double.eventBridge.published().filter((e) => e.detailType === OUTCOME_DETAIL_TYPES.provisioned);
    expect(provisioned.map((e) => e.detail)).toEqual([
      expect.objectContaining({ tenantId, outcomeId: `provisioned:${run.executionArn}` }),
    ]);
    expect((await registryRecord(double, tenantId))?.outcomePending).toBeUndefined();
  });

  it('a MarkActive that keeps dying after the ACTIVE write reaches Rollback, which deletes nothing', async () => {
    // Prepare: the write lands, then every attempt dies after publishing, until the retries run out
    const double = workflow.double();
    const tenantId = 'crashed-active';
    double.faults.add({ service: 'dynamodb', command: 'UpdateItem', match: isActivation, kind: 'crashAfter' });
    double.faults.add({ service: 'eventbridge', command: 'PutEvents', kind: 'crashAfter', times: 1_000 });

    // Act
    const run = await workflow.provision(tenantId, 'starter');

    // Assess: the rollback saw the ACTIVE record and stood down; the tenant lives and its event is still owed
    expect(run.status).toBe('SUCCEEDED');
    expect(run.endState).toBe('ProvisionedOutcomePending');
    expect(run.invocations.filter((i) => i.name === STEPS.rollback)).toHaveLength(1);
    expect(double.callsTo('rds', 'DeleteDBInstance')).toEqual([]);
    expect(double.callsTo('secretsmanager', 'DeleteSecret')).toEqual([]);
    expect(double.callsTo('cloudwatch', 'DeleteAlarms')).toEqual([]);
    expect(await registryRecord(double, tenantId)).toMatchObject({ status: 'ACTIVE', outcomePending: 'provisioned' });
  });
});

describe('an outcome event still owed when the tenant is onboarded again', () => {
  it('is published by ClaimTenant before the new onboarding replaces the record', async () => {
    // Prepare: an onboarding fails for good and its failed event cannot be published.
    const double = workflow.double();
    const tenantId = 'owes-failed';
    const denied = serviceError(
      EventBridgeServiceException,
      'AccessDeniedException',
      'not authorized: events:PutEvents',
    );
    const createRow = FAULT_MATRIX.find((row) => row.step === STEPS.createInstance) as StepFaults;
    const { error } = createRow.permanent as { error: Error };
    double.faults.add({ service: 'rds', command: 'CreateDBInstance', kind: 'error', error });
    double.faults.add({ service: 'eventbridge', command: 'PutEvents', kind: 'error', error: denied, times: 1_000 });
    const failed = await workflow.provision(tenantId, 'starter');
    expect(await registryRecord(double, tenantId)).toMatchObject({ status: 'FAILED', outcomePending: 'failed' });
    expect(failed.publishedEvents).toEqual([]);
    double.faults.clear();

    // Act
    const again = await workflow.provision(tenantId, 'starter');

    // Assess: the earlier failure is announced first, then the new outcome; nothing is owed.
    expect(again.status).toBe('SUCCEEDED');
    expect(again.publishedEvents.map((e) => e.detailType)).toEqual([
      OUTCOME_DETAIL_TYPES.failed,
      OUTCOME_DETAIL_TYPES.provisioned,
    ]);
    expect((await registryRecord(double, tenantId))?.outcomePending).toBeUndefined();
  });
});

describe('a function that dies right after it published', () => {
  it.each([
    ['MarkActive', 'provisioned', {}],
    ['RecordFailure', 'failed', { tier: 'starter', failAt: 'CreateSecret' }],
  ] as const)('%s publishes again with the same outcomeId: one logical outcome', async (step, kind, how) => {
    // Prepare
    const double = workflow.double();
    const tenantId = `published-${kind}`;
    if ('failAt' in how) {
      double.faults.add({
        service: 'secretsmanager',
        command: 'CreateSecret',
        kind: 'error',
        error: serviceError(SecretsManagerServiceException, 'AccessDeniedException', 'not authorized'),
      });
    }
    double.faults.add({ service: 'eventbridge', command: 'PutEvents', kind: 'crashAfter' });

    // Act
    const run = await workflow.provision(tenantId, 'starter');

    // Assess: the step crashed once after publishing; the events delivered name one outcome
    expect(double.faults.pending()).toEqual([]);
    expect(run.invocations.filter((i) => i.name === step).map((i) => i.outcome)).toEqual(['crashed', 'succeeded']);
    const outcomes = run.publishedEvents.filter((e) => e.detailType === OUTCOME_DETAIL_TYPES[kind]);
    expect(outcomes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(outcomes.map((e) => (e.detail as { outcomeId: string }).outcomeId))).toEqual(
      new Set([`${kind}:${run.executionArn}`]),
    );
    expect((await registryRecord(double, tenantId))?.outcomePending).toBeUndefined();
  });
});
