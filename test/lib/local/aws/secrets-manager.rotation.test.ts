import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  type RotateSecretCommandInput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createRequest, useAwsDouble } from '../../../../lib/local/aws/fixtures';
import type { RotationInvocation } from '../../../../lib/local/aws/secrets-manager';

const secrets = new SecretsManagerClient({});
const NAME = 'saas/tenant/acme/app';
const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:tenant-db-workflow-AppSecretRotation-AbC123';
const TOKEN = '11111111-2222-8333-9444-555555555555';

describe('Secrets Manager double: rotation', () => {
  const aws = useAwsDouble();
  let invocations: RotationInvocation[];
  /** What the registered rotation function saw of the secret during each step. */
  let seen: { stages: Record<string, string[]>; enabled?: boolean; pendingValue?: string }[];

  const rotate = (overrides: Partial<RotateSecretCommandInput> = {}) =>
    secrets.send(
      new RotateSecretCommand({
        SecretId: NAME,
        RotationLambdaARN: FUNCTION,
        RotationRules: { AutomaticallyAfterDays: 30 },
        RotateImmediately: false,
        ...overrides,
      }),
    );

  beforeEach(async () => {
    invocations = [];
    seen = [];
    aws().secretsManager.registerRotationFunction(FUNCTION, async (event) => {
      invocations.push(event);
      const described = await secrets.send(new DescribeSecretCommand({ SecretId: event.SecretId }));
      const pending = await secrets
        .send(new GetSecretValueCommand({ SecretId: event.SecretId, VersionId: event.ClientRequestToken }))
        .then((v) => v.SecretString)
        .catch((error: Error) => `(${error.name})`);
      seen.push({
        stages: described.VersionIdsToStages ?? {},
        enabled: described.RotationEnabled,
        pendingValue: pending,
      });
    });
    await secrets.send(new CreateSecretCommand({ Name: NAME, SecretString: '{"password":"first-value"}' }));
  });

  it('stores the function and schedule, and tests them with the testSecret step on an empty AWSPENDING version', async () => {
    // Act
    const answer = await rotate({ ClientRequestToken: TOKEN });
    const described = await secrets.send(new DescribeSecretCommand({ SecretId: NAME }));

    // Assess
    expect(answer.VersionId).toBe(TOKEN);
    expect(invocations).toEqual([{ SecretId: answer.ARN, ClientRequestToken: TOKEN, Step: 'testSecret' }]);
    expect(seen[0]?.stages[TOKEN]).toEqual(['AWSPENDING']);
    expect(seen[0]?.enabled).toBe(true);
    expect(seen[0]?.pendingValue).toBe('(ResourceNotFoundException)');
    expect(described).toMatchObject({
      RotationEnabled: true,
      RotationLambdaARN: FUNCTION,
      RotationRules: { AutomaticallyAfterDays: 30 },
    });
    expect(Object.values(described.VersionIdsToStages ?? {})).toEqual([['AWSCURRENT']]);
    expect(aws().secretsManager.rotationFailures).toEqual([]);
  });

  it('records a failed configuration test without failing the request, as rotation is asynchronous', async () => {
    // Prepare
    aws().secretsManager.registerRotationFunction(FUNCTION, () => Promise.reject(new Error('cannot log in')));

    // Act
    await rotate();

    // Assess
    expect(aws().secretsManager.rotationFailures).toEqual([
      expect.objectContaining({ functionArn: FUNCTION, step: 'testSecret', error: 'Error: cannot log in' }),
    ]);
  });

  it('changes the schedule of a secret that already rotates, keeping the function when none is given', async () => {
    // Prepare
    await rotate();

    // Act
    await rotate({ RotationLambdaARN: undefined, RotationRules: { AutomaticallyAfterDays: 7 } });
    const described = await secrets.send(new DescribeSecretCommand({ SecretId: NAME }));

    // Assess
    expect(described).toMatchObject({ RotationLambdaARN: FUNCTION, RotationRules: { AutomaticallyAfterDays: 7 } });
    expect(invocations).toHaveLength(2);
  });

  it.each<[string, Partial<RotateSecretCommandInput>, abstract new (...args: never[]) => Error, string]>([
    ['0 days', { RotationRules: { AutomaticallyAfterDays: 0 } }, InvalidParameterException, 'between 1 and 1000'],
    ['1001 days', { RotationRules: { AutomaticallyAfterDays: 1001 } }, InvalidParameterException, 'between 1 and 1000'],
    ['2.5 days', { RotationRules: { AutomaticallyAfterDays: 2.5 } }, InvalidParameterException, 'between 1 and 1000'],
    [
      'days and a schedule expression',
      { RotationRules: { AutomaticallyAfterDays: 30, ScheduleExpression: 'rate(30 days)' } },
      InvalidParameterException,
      'both AutomaticallyAfterDays and ScheduleExpression',
    ],
    [
      'a function name instead of an ARN',
      { RotationLambdaARN: 'tenant-db-rotation' },
      InvalidParameterException,
      'RotationLambdaARN must be the ARN of a Lambda function',
    ],
    [
      'the ARN of something else',
      { RotationLambdaARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:rotation' },
      InvalidParameterException,
      'RotationLambdaARN must be the ARN of a Lambda function',
    ],
    [
      'an ARN longer than 2048 characters',
      { RotationLambdaARN: `${FUNCTION}:${'a'.repeat(2048)}` },
      InvalidParameterException,
      'RotationLambdaARN must be the ARN of a Lambda function',
    ],
    ['a token shorter than 32 characters', { ClientRequestToken: 'short' }, InvalidParameterException, '32-64'],
    [
      'no function, none associated before',
      { RotationLambdaARN: undefined },
      InvalidRequestException,
      'No Lambda rotation function ARN is associated with this secret',
    ],
    ['a secret that does not exist', { SecretId: 'saas/tenant/nobody/app' }, ResourceNotFoundException, "can't find"],
  ])('refuses %s', async (_case, overrides, errorClass, message) => {
    // Act
    const refused = rotate(overrides);

    // Assess
    await expect(refused).rejects.toBeInstanceOf(errorClass);
    await expect(refused).rejects.toThrow(message);
    expect(invocations).toEqual([]);
  });

  it('refuses a function Secrets Manager may not invoke, as AWS does when its policy does not admit the service', async () => {
    // Act
    const refused = rotate({ RotationLambdaARN: `${FUNCTION}-unknown` });

    // Assess
    await expect(refused).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(refused).rejects.toThrow('grants access to the principal secretsmanager.amazonaws.com');
  });

  it('refuses while an earlier rotation left a version AWSPENDING', async () => {
    // Prepare
    await secrets.send(
      new PutSecretValueCommand({ SecretId: NAME, SecretString: '{"password":"next"}', VersionStages: ['AWSPENDING'] }),
    );

    // Act
    const refused = rotate();

    // Assess
    await expect(refused).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(refused).rejects.toThrow("A previous rotation isn't complete");
  });

  it('refuses a secret scheduled for deletion, and one RDS manages', async () => {
    // Prepare
    await new RDSClient({}).send(new CreateDBInstanceCommand(createRequest('tenant-acme')));
    const [managed] = aws().inventory().managedSecrets;
    await secrets.send(new DeleteSecretCommand({ SecretId: NAME, RecoveryWindowInDays: 7 }));

    // Act
    const deleted = rotate();
    const rdsManaged = rotate({ SecretId: managed?.arn });

    // Assess
    await expect(deleted).rejects.toThrow('marked for deletion');
    await expect(rdsManaged).rejects.toThrow("because it's managed by rds");
  });

  it('does not model what the platform never sends: immediate rotation and schedule expressions', async () => {
    // Act / Assess
    await expect(rotate({ RotateImmediately: undefined })).rejects.toMatchObject({ name: 'NotModeledError' });
    await expect(rotate({ RotationRules: { ScheduleExpression: 'rate(10 days)' } })).rejects.toMatchObject({
      name: 'NotModeledError',
    });
  });

  it('lets a rotating secret be deleted at once', async () => {
    // Prepare
    await rotate();

    // Act
    await secrets.send(new DeleteSecretCommand({ SecretId: NAME, ForceDeleteWithoutRecovery: true }));

    // Assess
    expect(aws().inventory().secrets).toEqual([]);
  });

  describe('CancelRotateSecret', () => {
    it('turns rotation off and keeps the function and schedule for a later RotateSecret', async () => {
      // Prepare
      await rotate();

      // Act
      const cancelled = await secrets.send(new CancelRotateSecretCommand({ SecretId: NAME }));
      const described = await secrets.send(new DescribeSecretCommand({ SecretId: NAME }));
      await rotate({ RotationLambdaARN: undefined, RotationRules: undefined });
      const again = await secrets.send(new DescribeSecretCommand({ SecretId: NAME }));

      // Assess
      expect(cancelled.VersionId).toBeUndefined();
      expect(described).toMatchObject({
        RotationEnabled: false,
        RotationLambdaARN: FUNCTION,
        RotationRules: { AutomaticallyAfterDays: 30 },
      });
      expect(again.RotationEnabled).toBe(true);
    });

    it('names the version a rotation in progress left AWSPENDING', async () => {
      // Prepare
      const { VersionId } = await secrets.send(
        new PutSecretValueCommand({ SecretId: NAME, SecretString: '{"password":"n"}', VersionStages: ['AWSPENDING'] }),
      );

      // Act
      const cancelled = await secrets.send(new CancelRotateSecretCommand({ SecretId: NAME }));

      // Assess
      expect(cancelled.VersionId).toBe(VersionId);
    });

    it.each([
      ['a secret that does not exist', 'saas/tenant/nobody/app', "can't find"],
      ['a secret scheduled for deletion', NAME, 'marked for deletion'],
    ])('refuses %s', async (_case, secretId, message) => {
      // Prepare
      await secrets.send(new DeleteSecretCommand({ SecretId: NAME, RecoveryWindowInDays: 7 }));

      // Act / Assess
      await expect(secrets.send(new CancelRotateSecretCommand({ SecretId: secretId }))).rejects.toThrow(message);
    });
  });
});
