import { CreateSecretCommand, DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { handler } from '../../../lambdas/enable-rotation/handler';
import type { ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { ERROR_NAMES } from '../../../lambdas/shared/error-names';
import { APP_SECRET_ROTATION_FUNCTION } from '../../../lambdas/shared/secret-rotation';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';
import { useAwsDouble } from '../../../lib/local/aws/fixtures';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';

const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:tenant-db-workflow-AppSecretRotation-AbC123';
const secrets = new SecretsManagerClient({});

function tierOf(name: string): TierDefinition {
  const tier = DEFAULT_TIERS[name];
  if (!tier) throw new Error(`no tier ${name}`);
  return tier;
}

function stateFor(tier: string, secretArn: string | undefined): WorkflowState {
  return {
    request: {
      tenantId: 'acme',
      tier,
      tierDefinition: tierOf(tier),
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-provisioning:acme-pro-1',
    } as ValidatedRequest,
    ...(secretArn ? { credentials: { secretArn, secretName: 'saas/tenant/acme/app' } } : {}),
  };
}

describe('EnableRotation', () => {
  const aws = useAwsDouble();
  let secretArn: string;

  beforeEach(async () => {
    process.env[APP_SECRET_ROTATION_FUNCTION.name] = FUNCTION;
    aws().secretsManager.registerRotationFunction(FUNCTION, () => Promise.resolve());
    secretArn = (await secrets.send(new CreateSecretCommand({ Name: 'saas/tenant/acme/app', SecretString: '{}' })))
      .ARN as string;
  });

  afterEach(() => {
    delete process.env[APP_SECRET_ROTATION_FUNCTION.name];
  });

  it.each(Object.keys(DEFAULT_TIERS))('turns rotation on every appSecretRotationDays of the %s tier', async (tier) => {
    // Act
    const result = await handler(stateFor(tier, secretArn), lambdaContext());

    // Assess
    const days = tierOf(tier).appSecretRotationDays;
    expect(result).toEqual({ action: 'enabled', days });
    expect(await secrets.send(new DescribeSecretCommand({ SecretId: secretArn }))).toMatchObject({
      RotationEnabled: true,
      RotationLambdaARN: FUNCTION,
      RotationRules: { AutomaticallyAfterDays: days },
    });
  });

  it('sends nothing when retried after the rotation was turned on', async () => {
    // Prepare
    await handler(stateFor('pro', secretArn), lambdaContext());

    // Act
    const result = await handler(stateFor('pro', secretArn), lambdaContext());

    // Assess
    expect(result.action).toBe('unchanged');
    expect(aws().callsTo('secretsmanager', 'RotateSecret')).toHaveLength(1);
  });

  it.each<[string, () => WorkflowState, string, string]>([
    ['no secret in the state', () => stateFor('pro', undefined), ERROR_NAMES.validation, 'credentials.secretArn'],
    [
      'no function ARN in the environment',
      () => {
        delete process.env[APP_SECRET_ROTATION_FUNCTION.name];
        return stateFor('pro', secretArn);
      },
      ERROR_NAMES.configuration,
      'APP_SECRET_ROTATION_FUNCTION_ARN is not set',
    ],
    [
      'a schedule Secrets Manager refuses',
      () => ({
        ...stateFor('pro', secretArn),
        request: {
          ...stateFor('pro', secretArn).request,
          tierDefinition: { ...tierOf('pro'), appSecretRotationDays: 0 },
        },
      }),
      ERROR_NAMES.validation,
      'appSecretRotationDays: must be a whole number of days from 1 to 1000',
    ],
    [
      'a secret that is gone',
      () => stateFor('pro', `${secretArn.slice(0, -6)}zzzzzz`),
      ERROR_NAMES.awsRequest,
      'ResourceNotFoundException',
    ],
  ])('fails with a named error on %s, before turning anything on', async (_case, state, errorName, message) => {
    // Act
    const failed = handler(state(), lambdaContext());

    // Assess
    await expect(failed).rejects.toMatchObject({ name: errorName, message: expect.stringContaining(message) });
    expect(aws().callsTo('secretsmanager', 'RotateSecret')).toEqual([]);
  });

  it('reports throttling that outlasted the in-handler retries as retryable, for the workflow to retry', async () => {
    // Prepare
    aws().faults.add({ service: 'secretsmanager', command: 'RotateSecret', kind: 'throttle', times: 1 });

    // Act
    const failed = handler(stateFor('starter', secretArn), lambdaContext());

    // Assess
    await expect(failed).rejects.toMatchObject({ name: ERROR_NAMES.retryable });
  });
});
