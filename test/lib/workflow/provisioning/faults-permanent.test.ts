import { OUTCOME_DETAIL_TYPES, STEPS, type WorkflowState } from '../../../../lambdas/shared/contracts';
import { registryRecord } from '../../../support/workflow-harness';
import { byStep, FAULT_MATRIX } from './fault-matrix';
import { useWorkflow } from './fixtures';

/**
 * A permanent failure at each step: the execution fails, everything it created is gone, and the registry and the
 * outcome event say which step failed and why.
 */

const workflow = useWorkflow();

/** Steps before the claim leave no registry record of their own to mark FAILED. */
const BEFORE_THE_RECORD: readonly string[] = [STEPS.validate, STEPS.claim];

describe('a permanent failure', () => {
  it.each(byStep(FAULT_MATRIX))('at %s fails the onboarding and leaves nothing behind', async (step, row) => {
    // Prepare
    const double = workflow.double();
    const tenantId = `broken-${step.toLowerCase()}`;
    if ('error' in row.permanent && row.call) {
      double.faults.add({ ...row.call, kind: 'error', error: row.permanent.error });
    }
    const request = 'request' in row.permanent ? row.permanent.request : {};

    // Act
    const run = await workflow.provision(tenantId, row.tier, { request });

    // Assess: the execution
    expect(run.status).toBe('FAILED');
    expect(run.error?.Error).toBe(row.permanentErrorName);
    expect(double.faults.pending()).toEqual([]);
    expect(double.violations).toEqual([]);

    // Assess: nothing of this attempt is left, replicated backups included
    expect(double.leftovers()).toEqual([]);
    const replicationArn = (run.stateData.at(-1) as Partial<WorkflowState>).backups?.replicationArn;
    if (replicationArn) {
      const deleted = double
        .callsTo('rds', 'DeleteDBInstanceAutomatedBackup')
        .filter((call) => call.outcome === 'ok')
        .map((call) => (call.input as { DBInstanceAutomatedBackupsArn?: string }).DBInstanceAutomatedBackupsArn);
      expect(deleted).toEqual([replicationArn]);
    }

    // Assess: the registry and the outcome event name the step and the reason; a request that never owned the
    // tenant is reported as rejected, never as a failure of the tenant
    const failed = run.publishedEvents.filter((e) => e.detailType === OUTCOME_DETAIL_TYPES.failed);
    const rejected = run.publishedEvents.filter((e) => e.detailType === OUTCOME_DETAIL_TYPES.rejected);
    const record = await registryRecord(double, tenantId);
    if (BEFORE_THE_RECORD.includes(step)) {
      expect(failed).toEqual([]);
      expect(rejected.map((e) => e.detail)).toEqual([
        expect.objectContaining({ rejectedStep: step, status: 'REJECTED', error: row.permanentErrorName }),
      ]);
      expect(record).toBeUndefined();
    } else {
      expect(rejected).toEqual([]);
      expect(failed).toHaveLength(1);
      expect(failed[0]?.detail).toMatchObject({ failedStep: step, status: 'FAILED', leftovers: [] });
      expect(record).toMatchObject({ status: 'FAILED', failedStep: step });
      expect(record?.failureReason).toMatch(new RegExp(`^${step}\\b`));
      if ('error' in row.permanent) expect(record?.failureReason).toContain(row.permanent.error.name);
    }
  });
});
