import type { WorkflowState } from '../../../../lambdas/shared/contracts';
import { STEPS } from '../../../../lambdas/shared/contracts';
import { APP_USERNAME } from '../../../../lambdas/shared/naming';
import { findLeaks, registryRecord, synthesizedWorkflow } from '../../../support/workflow-harness';
import { describeSecret, useWorkflow } from './fixtures';

/**
 * Provisioning turns on the rotation of the application secret: the synthesized workflow with the real handlers,
 * the AWS double, and the real rotation function invoked by the double's Secrets Manager for its configuration
 * test, logging in to the real PostgreSQL.
 */

const workflow = useWorkflow();

describe('the application secret of a provisioned tenant', () => {
  it.each(Object.keys(synthesizedWorkflow().catalog))(
    '%s tier: rotates with the platform function every appSecretRotationDays of the tier',
    async (tier) => {
      // Prepare
      const double = workflow.double();
      const tenantId = `rotating-${tier}`;
      const days = synthesizedWorkflow().catalog[tier]?.appSecretRotationDays;

      // Act
      const run = await workflow.provision(tenantId, tier);

      // Assess: rotation on, with the function the stack deployed and the tier's schedule
      expect(run).toMatchObject({ status: 'SUCCEEDED', endState: 'Provisioned' });
      const secretArn = (await registryRecord(double, tenantId))?.secretArn as string;
      expect(await describeSecret(secretArn)).toMatchObject({
        RotationEnabled: true,
        RotationLambdaARN: synthesizedWorkflow().rotationFunction.arn,
        RotationRules: { AutomaticallyAfterDays: days },
      });
      expect((run.output as WorkflowState).credentialRotation).toEqual({ action: 'enabled', days });

      // Assess: Secrets Manager's configuration test ran the function, which found the pending version empty and
      // logged in with the current password
      expect(double.secretsManager.rotationFailures).toEqual([]);
      expect(run.awsCalls.filter((c) => c.command === 'GetSecretValue').map((c) => [c.input, c.outcome])).toEqual(
        expect.arrayContaining([
          [expect.objectContaining({ VersionStage: 'AWSPENDING' }), 'error'],
          [expect.objectContaining({ SecretId: secretArn, VersionStage: 'AWSCURRENT' }), 'ok'],
        ]),
      );
      expect(run.awsCalls.filter((c) => c.command === 'RotateSecret')).toEqual([
        expect.objectContaining({ outcome: 'ok', input: expect.objectContaining({ RotateImmediately: false }) }),
      ]);
      const value = JSON.parse(double.secretsManager.currentValue(secretArn, double.region) ?? '{}');
      await expect(workflow.database().logIn(APP_USERNAME, value.password)).resolves.toBe(APP_USERNAME);
      expect(findLeaks([run], [...double.allSecretValues(), ...workflow.database().passwords])).toEqual([]);
    },
  );

  it('is turned on once when the step is retried after its function died with the work done', async () => {
    // Prepare
    const double = workflow.double();

    // Act
    const run = await workflow.provision('rotating-retried', 'starter', {
      crashAfterSuccess: { state: STEPS.enableRotation },
    });

    // Assess
    expect(run).toMatchObject({ status: 'SUCCEEDED', endState: 'Provisioned' });
    expect(run.invocations.filter((i) => i.name === STEPS.enableRotation).map((i) => i.outcome)).toEqual([
      'crashed',
      'succeeded',
    ]);
    expect(double.callsTo('secretsmanager', 'RotateSecret')).toHaveLength(1);
    expect((run.output as WorkflowState).credentialRotation?.action).toBe('unchanged');
  });

  it('goes with the secret when a later step fails: rollback deletes the rotating secret and leaves nothing', async () => {
    // Prepare
    const double = workflow.double();
    double.faults.add({
      service: 'cloudwatch',
      command: 'PutMetricAlarm',
      kind: 'error',
      error: Object.assign(new Error('not authorized to perform: cloudwatch:PutMetricAlarm'), {
        name: 'AccessDeniedException',
      }),
    });

    // Act
    const run = await workflow.provision('rotating-rolled-back', 'starter');

    // Assess
    expect(run).toMatchObject({ status: 'FAILED', endState: 'ProvisioningFailed' });
    expect(double.callsTo('secretsmanager', 'RotateSecret')).toHaveLength(1);
    expect(double.leftovers()).toEqual([]);
    expect(await registryRecord(double, 'rotating-rolled-back')).toMatchObject({
      status: 'FAILED',
      failedStep: STEPS.configureAlarms,
    });
  });
});
