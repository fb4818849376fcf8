import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DescribeDBInstanceAutomatedBackupsCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { TenantRecord } from '../../../../lambdas/shared/contracts';
import { runTenantctl } from '../../../support/cli/run-cli';

const dynamo = mockClient(DynamoDBDocumentClient);
const rds = mockClient(RDSClient);
const secrets = mockClient(SecretsManagerClient);
const cloudWatch = mockClient(CloudWatchClient);

const EXECUTION = 'arn:aws:states:us-east-1:111122223333:execution:sm:acme-corp-pro-2';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:saas/tenant/acme-corp/app-AbCdEf';
const REPLICATED = 'arn:aws:rds:us-west-2:111122223333:auto-backup:ab-xyz';
const LEFTOVERS = [
  'alarm:tenant-alarm-acme-corp-cpu-utilization',
  `secret:${SECRET}`,
  'db-instance:tenant-acme-corp',
  `replicated-backups:${REPLICATED}`,
];

const notFound = (name: string) => Object.assign(new Error(name), { name });

beforeEach(() => {
  for (const mock of [dynamo, rds, secrets, cloudWatch]) mock.reset();
});

function record(fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme-corp',
    tier: 'pro',
    status: 'ROLLBACK_FAILED',
    attempt: 2,
    requestId: 'acme-corp-pro-2',
    requestedBy: 'jane',
    executionArn: EXECUTION,
    createdAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T10:30:00Z',
    leftovers: LEFTOVERS,
    ...fields,
  };
}

const reset = (...args: string[]) =>
  runTenantctl(['reset', 'acme-corp', '--registry-table', 'registry', ...args], {
    recoveryClients: () => ({
      secretsManager: new SecretsManagerClient({ region: 'us-east-1' }),
      cloudWatch: new CloudWatchClient({ region: 'us-east-1' }),
      rdsIn: (region) => new RDSClient({ region }),
    }),
  });
/** Every leftover is gone from AWS. */
function allGone(): void {
  cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  secrets.on(DescribeSecretCommand).rejects(notFound('ResourceNotFoundException'));
  rds.on(DescribeDBInstancesCommand).rejects(notFound('DBInstanceNotFoundFault'));
  rds.on(DescribeDBInstanceAutomatedBackupsCommand).rejects(notFound('DBInstanceAutomatedBackupNotFoundFault'));
}

describe('tenantctl reset', () => {
  it('moves the tenant to FAILED once every recorded leftover is gone, conditional on the status it leaves', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record() });
    dynamo.on(UpdateCommand).resolves({});
    allGone();

    // Act
    const run = await reset();

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      'Tenant acme-corp is FAILED now. Onboard it again with: tenantctl onboard acme-corp --tier pro',
    );
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ConditionExpression).toBe('executionArn = :owner AND #status IN (:from0)');
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':from0': 'ROLLBACK_FAILED', ':owner': EXECUTION });
    expect(update?.UpdateExpression).toContain('REMOVE');
    expect(Object.values(update?.ExpressionAttributeValues ?? {})).toContain('FAILED');
  });

  it('lists what is still there and changes nothing', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record({ leftovers: [...LEFTOVERS, 'unverified:resources tagged x'] }) });
    allGone();
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'deleting' }] });
    secrets.on(DescribeSecretCommand).resolves({ DeletedDate: new Date('2026-12-10T00:00:00Z') });

    // Act
    const run = await reset();

    // Assess
    expect(run.code).toBe(4);
    expect(run.out).toContain(
      'Tenant acme-corp stays ROLLBACK_FAILED: 3 of 5 recorded leftovers are still there or cannot be checked',
    );
    expect(run.out).toContain('✖ present  db-instance:tenant-acme-corp  (status deleting)');
    expect(run.out).toContain(`✖ present  secret:${SECRET}  (scheduled for deletion on 2026-12-10T00:00:00.000Z`);
    expect(run.out).toContain(
      '? unknown  unverified:resources tagged x  (tenantctl cannot check this; verify it by hand)',
    );
    expect(run.out).toContain('✔ gone     alarm:tenant-alarm-acme-corp-cpu-utilization');
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('asks the backup Region about replicated backups', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record({ leftovers: [`replicated-backups:${REPLICATED}`] }) });
    dynamo.on(UpdateCommand).resolves({});
    allGone();

    // Act
    await reset();

    // Assess
    const call = rds.commandCalls(DescribeDBInstanceAutomatedBackupsCommand)[0];
    expect(call?.args[0].input).toEqual({ DBInstanceAutomatedBackupsArn: REPLICATED });
    expect(await call?.thisValue.config.region()).toBe('us-west-2');
  });

  it.each([
    ['ACTIVE', 4, 'refused: tenant acme-corp is ACTIVE; reset only moves a ROLLBACK_FAILED tenant to FAILED'],
    ['FAILED', 4, 'refused: tenant acme-corp is FAILED'],
  ])('refuses a %s tenant', async (status, code, message) => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record({ status: status as TenantRecord['status'] }) });

    // Act
    const run = await reset();

    // Assess
    expect(run.code).toBe(code);
    expect(run.err).toContain(message);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('refuses when the record changed while it was checked', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record() });
    dynamo
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    allGone();

    // Act
    const run = await reset();

    // Assess
    expect(run.code).toBe(4);
    expect(run.err).toContain('changed while it was checked');
  });
});
