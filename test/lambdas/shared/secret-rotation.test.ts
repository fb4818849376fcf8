import { CreateSecretCommand, DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readEnv } from '../../../lambdas/shared/config';
import { enableSecretRotation } from '../../../lambdas/shared/enable-secret-rotation';
import { ConfigurationError, ValidationError } from '../../../lambdas/shared/errors';
import {
  APP_SECRET_ROTATION_FUNCTION,
  compareRotation,
  type ReportedRotation,
  rotateSecretRequest,
} from '../../../lambdas/shared/secret-rotation';
import { useAwsDouble } from '../../../lib/local/aws/fixtures';

const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:tenant-db-workflow-AppSecretRotation-AbC123';
const OTHER_FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:someone-elses-rotation';
const SCHEDULE = { functionArn: FUNCTION, days: 30 };

describe('the rotation of an application secret', () => {
  it.each<[string, ReportedRotation, ReturnType<typeof compareRotation>]>([
    ['no rotation', { enabled: false }, 'off'],
    ['rotation turned off, its old settings kept', { enabled: false, functionArn: FUNCTION, days: 30 }, 'off'],
    ['the same function and schedule', { enabled: true, functionArn: FUNCTION, days: 30 }, 'same'],
    ['another schedule', { enabled: true, functionArn: FUNCTION, days: 90 }, 'different'],
    ['another function', { enabled: true, functionArn: OTHER_FUNCTION, days: 30 }, 'different'],
  ])('compares %s with the schedule it should have', (_case, reported, expected) => {
    // Act
    const comparison = compareRotation(reported, SCHEDULE);

    // Assess
    expect(comparison).toBe(expected);
  });

  it('asks for the tier schedule with the platform function, not rotating now', () => {
    // Act
    const request = rotateSecretRequest('arn:secret', SCHEDULE);

    // Assess
    expect(request).toEqual({
      SecretId: 'arn:secret',
      RotationLambdaARN: FUNCTION,
      RotationRules: { AutomaticallyAfterDays: 30 },
      RotateImmediately: false,
    });
  });

  it.each<[string, { functionArn: string; days: number }, typeof ValidationError | typeof ConfigurationError, string]>([
    ['0 days', { functionArn: FUNCTION, days: 0 }, ValidationError, 'from 1 to 1000'],
    ['1001 days', { functionArn: FUNCTION, days: 1001 }, ValidationError, 'from 1 to 1000'],
    ['a function name', { functionArn: 'rotation', days: 30 }, ConfigurationError, 'unqualified Lambda function ARN'],
    ['a function alias', { functionArn: `${FUNCTION}:live`, days: 30 }, ConfigurationError, 'unqualified'],
  ])('builds no request AWS would refuse: %s', (_case, schedule, errorClass, message) => {
    // Act / Assess
    expect(() => rotateSecretRequest('arn:secret', schedule)).toThrow(errorClass);
    expect(() => rotateSecretRequest('arn:secret', schedule)).toThrow(message);
  });

  it.each([
    [undefined, 'is not set'],
    ['tenant-db-rotation', 'must be an unqualified Lambda function ARN'],
  ])('reads the function ARN from the environment only when it is one (%s)', (raw, message) => {
    // Act / Assess
    expect(() => readEnv(APP_SECRET_ROTATION_FUNCTION, { APP_SECRET_ROTATION_FUNCTION_ARN: raw })).toThrow(message);
    expect(readEnv(APP_SECRET_ROTATION_FUNCTION, { APP_SECRET_ROTATION_FUNCTION_ARN: FUNCTION })).toBe(FUNCTION);
  });

  describe('against Secrets Manager', () => {
    const aws = useAwsDouble();
    const secrets = new SecretsManagerClient({});
    let secretArn: string;
    let tests: number;

    beforeEach(async () => {
      tests = 0;
      for (const arn of [FUNCTION, OTHER_FUNCTION]) {
        aws().secretsManager.registerRotationFunction(arn, async () => {
          tests += 1;
        });
      }
      const created = await secrets.send(new CreateSecretCommand({ Name: 'saas/tenant/acme/app', SecretString: '{}' }));
      secretArn = created.ARN as string;
    });

    it.each<[string, { functionArn: string; days: number } | undefined, string, number]>([
      ['turns rotation on', undefined, 'enabled', 1],
      ['leaves the same rotation alone', SCHEDULE, 'unchanged', 0],
      ['changes another schedule', { functionArn: FUNCTION, days: 90 }, 'updated', 1],
      ['changes another function', { functionArn: OTHER_FUNCTION, days: 30 }, 'updated', 1],
    ])('%s', async (_case, before, action, testsRun) => {
      // Prepare
      if (before) await enableSecretRotation(secrets, secretArn, before);
      tests = 0;

      // Act
      const outcome = await enableSecretRotation(secrets, secretArn, SCHEDULE);
      const described = await secrets.send(new DescribeSecretCommand({ SecretId: secretArn }));

      // Assess
      expect(outcome.action).toBe(action);
      expect(outcome.previous).toEqual(
        before ? { enabled: true, ...before } : { enabled: false, functionArn: undefined, days: undefined },
      );
      expect(described).toMatchObject({
        RotationEnabled: true,
        RotationLambdaARN: FUNCTION,
        RotationRules: { AutomaticallyAfterDays: 30 },
      });
      expect(tests).toBe(testsRun);
    });

    it('only describes the secret on a dry run', async () => {
      // Act
      const outcome = await enableSecretRotation(secrets, secretArn, SCHEDULE, { dryRun: true });

      // Assess
      expect(outcome.action).toBe('enabled');
      expect(aws().callsTo('secretsmanager', 'RotateSecret')).toEqual([]);
      expect((await secrets.send(new DescribeSecretCommand({ SecretId: secretArn }))).RotationEnabled).toBe(false);
    });

    it('reads no secret value', async () => {
      // Act
      await enableSecretRotation(secrets, secretArn, SCHEDULE);

      // Assess
      expect(aws().callsTo('secretsmanager', 'GetSecretValue')).toEqual([]);
    });
  });
});
