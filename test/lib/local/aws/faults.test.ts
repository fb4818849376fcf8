import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  RDSServiceException,
} from '@aws-sdk/client-rds';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  AwsRequestError,
  isTransientAwsError,
  RetryableError,
  toPlatformError,
} from '../../../../lambdas/shared/errors';
import { registryTable } from '../../../../lib/local/aws';
import { createRequest, useAwsDouble } from '../../../../lib/local/aws/fixtures';

const rds = new RDSClient({});
const describeAll = () => rds.send(new DescribeDBInstancesCommand({}));
const createInstance = () => rds.send(new CreateDBInstanceCommand(createRequest('tenant-acme')));

async function outcome(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'ok',
    (error: Error) => error.name,
  );
}

describe('fault injection', () => {
  const aws = useAwsDouble();

  it('throttles the given number of calls as the SDK reports throttling, then lets calls through', async () => {
    // Prepare
    aws().faults.add({ service: 'rds', command: 'DescribeDBInstances', kind: 'throttle', times: 2 });

    // Act
    const first = describeAll();
    const outcomes = [await outcome(first), await outcome(describeAll()), await outcome(describeAll())];

    // Assess
    expect(outcomes).toEqual(['ThrottlingException', 'ThrottlingException', 'ok']);
    const error = await first.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RDSServiceException);
    expect(error).toMatchObject({ $retryable: { throttling: true }, $metadata: { httpStatusCode: 400 } });
    expect(isTransientAwsError(error)).toBe(true);
    expect(toPlatformError(error, 'WaitForInstance')).toBeInstanceOf(RetryableError);
    expect(aws().calls.map((c) => c.outcome)).toEqual(['throttled', 'throttled', 'ok']);
    expect(aws().faults.pending()).toEqual([]);
  });

  it('refuses a call with the given permanent error, before it has any effect', async () => {
    // Prepare
    const quota = new RDSServiceException({
      name: 'InstanceQuotaExceeded',
      $fault: 'client',
      message: 'quota',
      $metadata: { httpStatusCode: 400 },
    });
    aws().faults.add({ service: 'rds', command: 'CreateDBInstance', kind: 'error', error: quota });

    // Act
    const call = createInstance();

    // Assess
    await expect(call).rejects.toBe(quota);
    expect(toPlatformError(quota, 'CreateInstance')).toBeInstanceOf(AwsRequestError);
    expect(aws().inventory().instances).toEqual([]);
  });

  it('crashes after the call took effect, and reports the crash once', async () => {
    // Prepare
    aws().faults.add({ service: 'rds', command: 'CreateDBInstance', kind: 'crashAfter' });

    // Act
    const call = createInstance();

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'Runtime.ExitError' });
    expect(
      aws()
        .inventory()
        .instances.map((i) => i.identifier),
    ).toEqual(['tenant-acme']);
    expect(aws().crashPending).toBe(true);
    expect(aws().takeCrash()).toBe(true);
    expect(aws().takeCrash()).toBe(false);
  });

  it('affects only the calls its match selects', async () => {
    // Prepare
    aws().faults.add({
      service: 'secretsmanager',
      command: 'CreateSecret',
      kind: 'throttle',
      match: (input) => (input as { Name?: string }).Name === 'saas/tenant/beta/app',
    });
    const secrets = new SecretsManagerClient({});

    // Act
    const acme = await outcome(secrets.send(new CreateSecretCommand({ Name: 'saas/tenant/acme/app' })));
    const beta = await outcome(secrets.send(new CreateSecretCommand({ Name: 'saas/tenant/beta/app' })));

    // Assess
    expect([acme, beta]).toEqual(['ok', 'ThrottlingException']);
  });

  it('names DocumentClient calls by their low-level operation', async () => {
    // Prepare
    aws().dynamodb.defineTable(registryTable('registry'));
    aws().faults.add({ service: 'dynamodb', command: 'PutItem', kind: 'throttle' });
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

    // Act
    const call = doc.send(new PutCommand({ TableName: 'registry', Item: { tenantId: 'acme' } }));

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(await aws().dynamodb.items('registry')).toEqual([]);
  });

  it('throttles every Nth matching call in chaos mode, until turned off', async () => {
    // Prepare
    aws().faults.chaos({ throttleEvery: 3, services: ['rds'] });

    // Act
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i += 1) outcomes.push(await outcome(describeAll()));
    aws().faults.chaos(undefined);
    outcomes.push(await outcome(describeAll()));

    // Assess
    expect(outcomes).toEqual(['ok', 'ok', 'ThrottlingException', 'ok', 'ok', 'ThrottlingException', 'ok']);
  });

  it('lists faults that have not fired as pending', () => {
    // Act
    const fault = aws().faults.add({ service: 'sns', command: 'Publish', kind: 'throttle', times: 2 });

    // Assess
    expect(aws().faults.pending()).toEqual([fault]);
    expect(fault).toMatchObject({ remaining: 2, fired: 0 });
  });

  it.each([
    ['an error fault without an error', { kind: 'error' as const }],
    ['zero times', { kind: 'throttle' as const, times: 0 }],
  ])('refuses %s', (_case, spec) => {
    // Act
    const add = () => aws().faults.add({ service: 'rds', command: 'CreateDBInstance', ...spec });

    // Assess
    expect(add).toThrow();
  });
});
