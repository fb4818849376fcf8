import { readFileSync } from 'node:fs';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { rotate } from '../../../lambdas/rotate-app-secret/rotation';
import { sdkRotationSecrets } from '../../../lambdas/rotate-app-secret/secrets';
import { APP_PASSWORD, type ClientWorld, REGION, startClientWorld } from '../../support/client';

/**
 * Turning rotation on without rotating (RotateSecret with `RotateImmediately: false`, as provisioning and the
 * backfill do): Secrets Manager runs the function's testSecret step on an empty AWSPENDING version, and the function
 * answers by logging in with the current password against a real TLS-only PostgreSQL.
 */
jest.setTimeout(120_000);

const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:tenant-db-workflow-AppSecretRotation-AbC123';
let world: ClientWorld;
let secretArn: string;
const secrets = new SecretsManagerClient({ region: REGION });

beforeAll(async () => {
  world = await startClientWorld();
  secretArn = (await world.addTenant('alpha', 'starter')).secretArn;
  const deps = {
    secrets: sdkRotationSecrets(secrets),
    tls: { ca: readFileSync(world.server.caFile as string, 'utf8') },
  };
  world.double.secretsManager.registerRotationFunction(FUNCTION, (event) => rotate(event, deps));
});

afterAll(async () => {
  await world?.stop();
});

const turnOn = () =>
  secrets.send(
    new RotateSecretCommand({
      SecretId: secretArn,
      RotationLambdaARN: FUNCTION,
      RotationRules: { AutomaticallyAfterDays: 30 },
      RotateImmediately: false,
    }),
  );

it.each([
  ['passes while the current password logs in', APP_PASSWORD, []],
  [
    'fails, naming the secret, when the database no longer takes the current password',
    'Changed-Behind-The-Secret-1',
    [expect.objectContaining({ step: 'testSecret', error: expect.stringContaining('current password of') })],
  ],
])('the configuration test %s, and changes no password', async (_case, rolePassword, failures) => {
  // Prepare
  await world.setRolePassword(rolePassword);
  world.double.secretsManager.rotationFailures.length = 0;
  const before = (await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;

  // Act
  await turnOn();

  // Assess
  expect(world.double.secretsManager.rotationFailures).toEqual(failures);
  expect((await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString).toBe(before);
  const described = await secrets.send(new DescribeSecretCommand({ SecretId: secretArn }));
  expect(Object.values(described.VersionIdsToStages ?? {})).toEqual([['AWSCURRENT']]);
  expect(world.server.readLog()).not.toContain(APP_PASSWORD);
});
