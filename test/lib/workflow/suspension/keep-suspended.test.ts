import { handler } from '../../../../lambdas/keep-suspended/handler';
import type { RdsEventBridgeEvent } from '../../../../lib/local/aws';
import { lambdaContext } from '../../../../lib/local/workflows/lambda-context';
import { RDS_STARTED_EVENT_PATTERN } from '../../../../lib/triggers/event-patterns';
import { matchesEventPattern } from '../../../support/event-pattern';
import { registryRecord } from '../../../support/workflow-harness';
import { workflowClockOf } from '../../../support/workflow-harness/double';
import { useWorkflow } from '../provisioning/fixtures';
import { instanceStatus, runSuspension } from './fixtures';

/** RDS starts a stopped instance after 7 days; a SUSPENDED tenant's is stopped again. */

const workflow = useWorkflow();
const DAY = 24 * 3600_000;
const pattern = {
  source: RDS_STARTED_EVENT_PATTERN.source,
  'detail-type': RDS_STARTED_EVENT_PATTERN.detailType,
  detail: RDS_STARTED_EVENT_PATTERN.detail,
};

/** Delivers the RDS events the rule matches to the real listener, as EventBridge would. */
function deliverStartEvents(outcomes: unknown[]): void {
  const double = workflow.double();
  const clock = workflowClockOf(double);
  double.rds.onPowerEvent = (event: RdsEventBridgeEvent) => {
    if (!matchesEventPattern(pattern, event)) return undefined;
    return clock.background(
      handler(
        event,
        lambdaContext({ functionName: 'KeepSuspended', memoryMb: 128, timeoutSeconds: 900, now: () => clock.now() }),
      ).then((outcome) => outcomes.push(outcome)),
    );
  };
}

describe('keeping a suspended tenant stopped', () => {
  it('stops the instance again when RDS starts it after 7 days stopped', async () => {
    // Prepare
    const tenantId = 'dormant';
    await workflow.provision(tenantId, 'starter');
    expect((await runSuspension(workflow, tenantId, 'suspend')).status).toBe('SUCCEEDED');
    const outcomes: unknown[] = [];
    deliverStartEvents(outcomes);
    const clock = workflowClockOf(workflow.double());

    // Act: 7 days pass; RDS starts the instance, announces it, and announces it up
    await clock.track('seven days', () => clock.sleep(7 * DAY + 60 * 60_000));

    // Assess
    expect(outcomes).toContain('stopped-again');
    expect(await instanceStatus(`tenant-${tenantId}`)).toBe('stopped');
    expect(await registryRecord(workflow.double(), tenantId)).toMatchObject({ status: 'SUSPENDED' });
    expect(workflow.double().violations).toEqual([]);
  });

  it('leaves an instance alone once its tenant is resumed', async () => {
    // Prepare
    const tenantId = 'woken';
    await workflow.provision(tenantId, 'starter');
    await runSuspension(workflow, tenantId, 'suspend');
    const outcomes: unknown[] = [];
    deliverStartEvents(outcomes);

    // Act: the resume's own start produces "DB instance started"
    const resumed = await runSuspension(workflow, tenantId, 'resume');
    await workflowClockOf(workflow.double()).backgroundSettled();

    // Assess
    expect(resumed.status).toBe('SUCCEEDED');
    expect(outcomes).toEqual(['not-suspended']);
    expect(await instanceStatus(`tenant-${tenantId}`)).toBe('available');
  });
});
