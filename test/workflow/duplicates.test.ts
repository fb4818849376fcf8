import { OUTCOME_DETAIL_TYPES, STEPS } from '../../lambdas/shared/contracts';
import { ErrorNames } from '../../lambdas/shared/errors';
import { alarmNames, instanceIdentifier } from '../../lambdas/shared/naming';
import { registryRecord } from '../support/workflow-harness';
import { useWorkflow } from './fixtures';

/**
 * Onboardings that must not provision: the same request started twice at once, and a new request for a tenant
 * that is already live. Neither may create or touch anything.
 */

const workflow = useWorkflow();

describe('a duplicate onboarding', () => {
  it('of the same request started twice at once provisions one database', async () => {
    // Prepare
    const double = workflow.double();
    const tenantId = 'twice';
    const request = { requestId: 'billing-evt-0001' };

    // Act
    const runs = await Promise.all(
      ['first', 'second'].map((name) =>
        workflow.provision(tenantId, 'starter', { request, executionName: `${tenantId}-starter-${name}` }),
      ),
    );

    // Assess: one provisioned, the other stopped at the claim
    expect(runs.map((r) => `${r.status}:${r.endState}`).sort()).toEqual([
      'SUCCEEDED:AlreadyRequested',
      'SUCCEEDED:Provisioned',
    ]);
    const duplicate = runs.find((r) => r.endState === 'AlreadyRequested');
    expect(duplicate?.invocations.map((i) => i.name)).toEqual([STEPS.validate, STEPS.claim]);
    const inventory = double.inventory();
    expect(inventory.instances.map((i) => i.identifier)).toEqual([instanceIdentifier(tenantId)]);
    expect(inventory.secrets).toHaveLength(1);
    expect(inventory.alarms.map((a) => a.name).sort()).toEqual(alarmNames(tenantId).sort());
    const winner = runs.find((r) => r.endState === 'Provisioned');
    expect(registryRecord(double, tenantId)).toMatchObject({ status: 'ACTIVE', executionArn: winner?.executionArn });
  });

  it('of a tenant that is ACTIVE is rejected at the claim and leaves the live tenant untouched', async () => {
    // Prepare: the tenant is live
    const double = workflow.double();
    const tenantId = 'live';
    const live = await workflow.provision(tenantId, 'pro', { request: { requestId: 'first-request' } });
    expect(live.status).toBe('SUCCEEDED');
    const recordBefore = registryRecord(double, tenantId);
    const inventoryBefore = double.inventory();

    // Act: another request for it
    const run = await workflow.provision(tenantId, 'pro', { request: { requestId: 'second-request' } });

    // Assess: rejected with the reason, nothing rolled back, nothing changed
    expect(run).toMatchObject({ status: 'FAILED', error: { Error: ErrorNames.tenantConflict } });
    expect(run.invocations.map((i) => i.name)).toEqual([STEPS.validate, STEPS.claim, STEPS.recordFailure]);
    const failed = run.publishedEvents.filter((e) => e.detailType === OUTCOME_DETAIL_TYPES.failed);
    expect(failed.map((e) => e.detail)).toEqual([
      expect.objectContaining({ tenantId, failedStep: STEPS.claim, requestId: 'second-request' }),
    ]);
    expect(registryRecord(double, tenantId)).toEqual(recordBefore);
    expect(double.inventory()).toEqual(inventoryBefore);
  });
});
