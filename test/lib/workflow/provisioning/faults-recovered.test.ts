import { APP_USERNAME, alarmNames, appSecretName, instanceIdentifier } from '../../../../lambdas/shared/naming';
import type { AwsDouble } from '../../../../lib/local/aws';
import { registryRecord, type WorkflowRun } from '../../../support/workflow-harness';
import { byStep, FAULT_MATRIX } from './fault-matrix';
import { useWorkflow } from './fixtures';

/**
 * Faults the workflow must absorb at each step: a throttled AWS call, and a function that dies right after its
 * side effect. Either way the onboarding completes with exactly one instance, one secret and one alarm set.
 */

const workflow = useWorkflow();

async function expectOneOfEverything(double: AwsDouble, run: WorkflowRun, tenantId: string, replicates: boolean) {
  expect(run).toMatchObject({ status: 'SUCCEEDED', endState: 'Provisioned' });
  expect((await registryRecord(double, tenantId))?.status).toBe('ACTIVE');
  const inventory = double.inventory();
  expect(inventory.instances.map((i) => i.identifier)).toEqual([instanceIdentifier(tenantId)]);
  expect(inventory.secrets.map((s) => s.name)).toEqual([appSecretName(tenantId)]);
  expect(inventory.alarms.map((a) => a.name).sort()).toEqual(alarmNames(tenantId).sort());
  expect(inventory.replications).toHaveLength(replicates ? 1 : 0);
  expect(double.violations).toEqual([]);
}

/** The password in the tenant's secret is the one the database accepts (a retried step never split them). */
async function expectApplicationLogin(double: AwsDouble, tenantId: string) {
  const arn = (await registryRecord(double, tenantId))?.secretArn ?? '';
  const { password } = JSON.parse(double.secretsManager.currentValue(arn, double.region) ?? '{}');
  await expect(workflow.database().logIn(APP_USERNAME, password)).resolves.toBe(APP_USERNAME);
}

const replicates = (tier: string) => tier === 'enterprise';

describe('a throttled AWS call', () => {
  const withCall = FAULT_MATRIX.filter((row) => row.call !== undefined);

  it.each(byStep(withCall))('at %s is retried and the onboarding completes', async (step, row) => {
    // Prepare
    const double = workflow.double();
    const call = row.call as NonNullable<typeof row.call>;
    const tenantId = `throttled-${step.toLowerCase()}`;
    double.faults.add({ ...call, kind: 'throttle', times: 2 });

    // Act
    const run = await workflow.provision(tenantId, row.tier);

    // Assess: the call was throttled twice, then went through
    expect(double.faults.pending()).toEqual([]);
    const outcomes = double
      .callsTo(call.service, call.command)
      .filter((c) => !call.match || call.match(c.input))
      .map((c) => c.outcome);
    expect(outcomes.slice(0, 3)).toEqual(['throttled', 'throttled', 'ok']);
    await expectOneOfEverything(double, run, tenantId, replicates(row.tier));
  });
});

describe('a function that dies after its side effect', () => {
  it.each(byStep(FAULT_MATRIX))('at %s is invoked again, finds its own work and completes', async (step, row) => {
    // Prepare
    const double = workflow.double();
    const tenantId = `crashed-${step.toLowerCase()}`;
    if (row.crash === 'after-call' && row.call) double.faults.add({ ...row.call, kind: 'crashAfter' });
    const crashAfterSuccess = row.crash === 'after-handler' ? { state: step } : undefined;

    // Act
    const run = await workflow.provision(tenantId, row.tier, { crashAfterSuccess });

    // Assess: the step crashed once, as Step Functions reports it, and its retry succeeded
    expect(double.faults.pending()).toEqual([]);
    const attempts = run.invocations.filter((i) => i.name === step);
    expect(attempts.map((i) => i.outcome)).toEqual(['crashed', 'succeeded']);
    expect(attempts[0]?.errorName).toBe('Lambda.Unknown');
    await expectOneOfEverything(double, run, tenantId, replicates(row.tier));
    await expectApplicationLogin(double, tenantId);
  });
});
