import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { TenantRecord, TenantStatus } from '../../../../lambdas/shared/contracts';
import { DEFAULT_TIERS } from '../../../../lambdas/shared/tiers';
import { AwsDouble, installAwsDouble, registryTable } from '../../../../lib/local/aws';
import { serviceError } from '../../../../lib/local/aws/errors';
import { runTenantctl } from '../../../support/cli/run-cli';

/**
 * `tenantctl rotation enable` against the AWS double: the registry, the application secrets, and Secrets Manager
 * rotation validated as the API reference states (the configuration test runs a registered function).
 */

const REGION = 'us-east-1';
const TABLE = 'registry';
const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:tenant-db-workflow-AppSecretRotation-AbC123';
const OLD_FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:hand-made-rotation';
const PASSWORD = 'Never-Printed-Passw0rd';
const secrets = new SecretsManagerClient({ region: REGION });
const days = (tier: string) => DEFAULT_TIERS[tier]?.appSecretRotationDays;

let double: AwsDouble;
let restore: () => void;
let slept: number[];
const secretArns = new Map<string, string>();

/** An ACTIVE (or `status`) tenant with its secret, rotating as `rotation` says (or not at all). */
async function tenant(
  tenantId: string,
  tier: string,
  rotation?: { functionArn: string; days: number },
  status: TenantStatus = 'ACTIVE',
): Promise<void> {
  const { ARN } = await secrets.send(
    new CreateSecretCommand({
      Name: `saas/tenant/${tenantId}/app`,
      SecretString: JSON.stringify({ password: PASSWORD }),
    }),
  );
  secretArns.set(tenantId, ARN as string);
  if (rotation) {
    await secrets.send(
      new RotateSecretCommand({
        SecretId: ARN,
        RotationLambdaARN: rotation.functionArn,
        RotationRules: { AutomaticallyAfterDays: rotation.days },
        RotateImmediately: false,
      }),
    );
  }
  const record: TenantRecord = {
    tenantId,
    tier,
    status,
    requestId: `${tenantId}-${tier}-1`,
    requestedBy: 'tests',
    executionArn: `arn:aws:states:${REGION}:123456789012:execution:tenant-db-workflow-provisioning:${tenantId}-${tier}-1`,
    attempt: 1,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T01:00:00.000Z',
    secretArn: ARN,
  };
  await DynamoDBDocumentClient.from(new DynamoDBClient({ region: REGION })).send(
    new PutCommand({ TableName: TABLE, Item: record }),
  );
}

const rotation = (...args: string[]) =>
  runTenantctl(['rotation', 'enable', '--registry-table', TABLE, '--rotation-function-arn', FUNCTION, ...args], {
    region: REGION,
    rotationClients: () => ({ secretsManager: new SecretsManagerClient({ region: REGION }) }),
    sleep: async (ms) => {
      slept.push(ms);
    },
  });

async function describeSecretOf(tenantId: string) {
  return secrets.send(new DescribeSecretCommand({ SecretId: secretArns.get(tenantId) }));
}

beforeEach(async () => {
  double = new AwsDouble({ region: REGION });
  double.dynamodb.defineTable(registryTable(TABLE));
  for (const arn of [FUNCTION, OLD_FUNCTION])
    double.secretsManager.registerRotationFunction(arn, () => Promise.resolve());
  restore = installAwsDouble(double);
  slept = [];
  secretArns.clear();
  await tenant('acme-corp', 'pro');
  await tenant('beta-inc', 'starter', { functionArn: FUNCTION, days: days('starter') as number });
  await tenant('gamma-llc', 'enterprise', { functionArn: OLD_FUNCTION, days: 90 });
  await tenant('delta-co', 'team');
  await tenant('failed-co', 'pro', undefined, 'FAILED');
});

afterEach(() => restore());

describe('tenantctl rotation enable --all', () => {
  it('gives every ACTIVE tenant its tier schedule, reporting each, and fails on the tenant it could not', async () => {
    // Act
    const run = await rotation('--all');

    // Assess: the report
    expect(run.code).toBe(3);
    expect(run.out.split('\n')).toEqual([
      `Application secret rotation with ${FUNCTION}, schedules from cdk.json`,
      '  acme-corp  pro         enabled       every 60 days (was off)',
      expect.stringMatching(/^ {2}beta-inc +starter +unchanged +every 90 days$/),
      expect.stringMatching(
        /^ {2}delta-co +team +failed +tier team is not in the tier catalog of cdk\.json; pass the --cdk-json/,
      ),
      expect.stringMatching(/^ {2}gamma-llc +enterprise +updated +every 30 days \(was every 90 days with .*hand-made/),
      '4 tenants: 1 enabled, 1 updated, 1 unchanged, 1 failed',
      '',
    ]);
    expect(run.out).not.toContain(PASSWORD);

    // Assess: what Secrets Manager holds now
    for (const [tenantId, tier] of [
      ['acme-corp', 'pro'],
      ['beta-inc', 'starter'],
      ['gamma-llc', 'enterprise'],
    ] as const) {
      expect(await describeSecretOf(tenantId)).toMatchObject({
        RotationEnabled: true,
        RotationLambdaARN: FUNCTION,
        RotationRules: { AutomaticallyAfterDays: days(tier) },
      });
    }
    expect((await describeSecretOf('delta-co')).RotationEnabled).toBe(false);
    expect((await describeSecretOf('failed-co')).RotationEnabled).toBe(false);
    expect(double.calls.filter((c) => c.command === 'GetSecretValue')).toEqual([]);
  });

  it('is idempotent: a second run changes nothing', async () => {
    // Prepare
    await rotation('--all');
    const rotations = double.callsTo('secretsmanager', 'RotateSecret').length;

    // Act
    const again = await rotation('--all');

    // Assess
    expect(again.out).toContain('4 tenants: 3 unchanged, 1 failed');
    expect(double.callsTo('secretsmanager', 'RotateSecret')).toHaveLength(rotations);
  });

  it('changes nothing with --dry-run, and says what it would do', async () => {
    // Prepare
    const before = double.callsTo('secretsmanager', 'RotateSecret').length;

    // Act
    const run = await rotation('--all', '--dry-run');

    // Assess
    expect(run.out).toContain('(dry run: nothing changed)');
    expect(run.out).toMatch(/acme-corp +pro +would enable +every 60 days \(was off\)/);
    expect(run.out).toContain('4 tenants: 1 would enable, 1 would update, 1 unchanged, 1 failed');
    expect(double.callsTo('secretsmanager', 'RotateSecret')).toHaveLength(before);
    expect((await describeSecretOf('acme-corp')).RotationEnabled).toBe(false);
  });

  it('retries throttling with backoff and then goes on', async () => {
    // Prepare
    double.faults.add({ service: 'secretsmanager', command: 'RotateSecret', kind: 'throttle', times: 2 });

    // Act
    const run = await rotation('--tenant', 'acme-corp');

    // Assess
    expect(run.code).toBe(0);
    expect(slept).toHaveLength(2);
    expect(slept[0]).toBeLessThan(500);
    expect(slept[1]).toBeLessThan(1000);
    expect((await describeSecretOf('acme-corp')).RotationEnabled).toBe(true);
  });

  it('reports a refused tenant with the AWS error and goes on with the others', async () => {
    // Prepare
    double.faults.add({
      service: 'secretsmanager',
      command: 'RotateSecret',
      kind: 'error',
      error: serviceError(SecretsManagerServiceException, 'AccessDeniedException', 'not authorized: RotateSecret'),
      match: (input) => (input as { SecretId?: string }).SecretId === secretArns.get('acme-corp'),
    });

    // Act
    const run = await rotation('--all', '--json');

    // Assess
    const report = JSON.parse(run.out) as { tenants: { tenantId: string; result: string; reason?: string }[] };
    expect(run.code).toBe(3);
    expect(report.tenants.map((t) => [t.tenantId, t.result])).toEqual([
      ['acme-corp', 'failed'],
      ['beta-inc', 'unchanged'],
      ['delta-co', 'failed'],
      ['gamma-llc', 'updated'],
    ]);
    expect(report.tenants[0]?.reason).toBe('AccessDeniedException: not authorized: RotateSecret');
  });
});

describe('tenantctl rotation enable --tenant', () => {
  it('reports one tenant as JSON, with its schedule before and after, never a secret value', async () => {
    // Act
    const run = await rotation('--tenant', 'gamma-llc', '--json');

    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual({
      dryRun: false,
      rotationFunctionArn: FUNCTION,
      catalogSource: 'cdk.json',
      tenants: [
        {
          tenantId: 'gamma-llc',
          tier: 'enterprise',
          secretArn: secretArns.get('gamma-llc'),
          result: 'updated',
          days: days('enterprise'),
          previous: { enabled: true, functionArn: OLD_FUNCTION, days: 90 },
        },
      ],
    });
    expect(run.out).not.toContain(PASSWORD);
  });

  it.each([
    ['neither --tenant nor --all', [], 2, '--tenant: name one tenant with --tenant <id>, or every ACTIVE tenant'],
    ['both --tenant and --all', ['--tenant', 'acme-corp', '--all'], 2, '--tenant: name one tenant'],
    ['an invalid tenant id', ['--tenant', 'Acme'], 2, '--tenant: may contain only lower-case letters'],
    ['a tenant not in the registry', ['--tenant', 'nobody-here'], 2, 'is not in the registry table registry'],
    ['a tenant that is not ACTIVE', ['--tenant', 'failed-co'], 4, 'tenant failed-co is FAILED'],
  ])('refuses %s', async (_case, args, code, message) => {
    // Act
    const run = await rotation(...args);

    // Assess
    expect(run.code).toBe(code);
    expect(run.err).toContain(message);
    expect(double.callsTo('secretsmanager', 'RotateSecret')).toHaveLength(2);
  });

  it('refuses a function ARN that is not an unqualified Lambda function ARN before calling AWS', async () => {
    // Prepare
    const callsBefore = double.calls.length;

    // Act
    const run = await runTenantctl(
      ['rotation', 'enable', '--all', '--registry-table', TABLE, '--rotation-function-arn', `${FUNCTION}:live`],
      { rotationClients: () => ({ secretsManager: secrets }) },
    );

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('--rotation-function-arn: must be an unqualified Lambda function ARN');
    expect(double.calls).toHaveLength(callsBefore);
  });

  it('finds the function and the registry in the outputs of the workflow stack', async () => {
    // Prepare
    const cloudFormation = mockClient(CloudFormationClient);
    cloudFormation.on(DescribeStacksCommand, { StackName: 'tenant-db-workflow' }).resolves({
      Stacks: [
        {
          StackName: 'tenant-db-workflow',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'RegistryTableName', OutputValue: TABLE },
            { OutputKey: 'AppSecretRotationFunctionArn', OutputValue: FUNCTION },
          ],
        },
      ],
    });

    // Act
    const run = await runTenantctl(['rotation', 'enable', '--tenant', 'acme-corp'], {
      rotationClients: () => ({ secretsManager: secrets }),
    });
    cloudFormation.restore();

    // Assess
    expect(run.code).toBe(0);
    expect((await describeSecretOf('acme-corp')).RotationLambdaARN).toBe(FUNCTION);
  });
});
