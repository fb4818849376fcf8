import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { clock } from '../../../lambdas/shared/clock';
import type { TenantRecord, ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { ConfigurationError } from '../../../lambdas/shared/errors';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';
import { FIRST_DESCRIBE_JITTER_MS, pollOptionsFor } from '../../../lambdas/wait-for-instance/options';
import { sharedViewOf, signalOf, waitForInstance } from '../../../lambdas/wait-for-instance/wait';
import { assertSleepAdvances, runawayGuard } from '../../support/runaway';

/**
 * The wait step between the registry and the poll: what the shared status poller recorded reaches the waiter at
 * every signal check, also while its first look is still jittered.
 */

const SECOND = 1_000;
const MINUTE = 60_000;
const CREATED = Date.parse('2026-11-26T10:00:00.000Z');
const ADDRESS = 'tenant-acme.abc123.us-east-1.rds.amazonaws.com';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf';
const pro = DEFAULT_TIERS.pro as TierDefinition;
const PLATFORM = () => ({
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee',
  monitoringRoleArn: 'arn:aws:iam::123456789012:role/tenant-db-monitoring',
});

function stateFor(extra: Partial<WorkflowState> = {}): WorkflowState {
  return {
    request: { tenantId: 'acme', tier: 'pro', tierDefinition: pro } as ValidatedRequest,
    instance: {
      instanceId: 'tenant-acme',
      instanceArn: 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme',
      deadline: new Date(CREATED + pro.provisioningBudgetMinutes * MINUTE).toISOString(),
    },
    ...extra,
  };
}

const record = (fields: Partial<TenantRecord>): TenantRecord => ({
  tenantId: 'acme',
  tier: 'pro',
  status: 'PROVISIONING',
  requestId: 'r1',
  requestedBy: 'ops',
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-1',
  attempt: 1,
  createdAt: '2026-11-26T10:00:00.000Z',
  updatedAt: '2026-11-26T10:00:00.000Z',
  ...fields,
});

describe('waitForInstance', () => {
  const rds = new RDSClient({ region: 'us-east-1' });
  const registry = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const rdsMock = mockClient(rds);
  const registryMock = mockClient(registry);
  let now = CREATED;

  beforeEach(() => {
    rdsMock.reset();
    registryMock.reset();
    now = CREATED;
    const step = runawayGuard('clock.now()', 20_000);
    jest.spyOn(clock, 'now').mockImplementation(() => {
      step();
      return now;
    });
    jest.spyOn(clock, 'sleep').mockImplementation(async (ms) => {
      assertSleepAdvances(ms);
      now += ms;
    });
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'creating' }] });
  });
  afterEach(() => jest.restoreAllMocks());

  it('takes the shared poller’s view of an available instance during the first-look jitter, without describing', async () => {
    // Prepare: the first look is jittered to 90 s; the shared poller records the instance available at 30 s
    registryMock.on(GetCommand).callsFake(() => ({
      Item:
        now < CREATED + 30 * SECOND
          ? record({})
          : record({
              instanceId: 'tenant-acme',
              observedStatus: 'available',
              observedAt: new Date(CREATED + 30 * SECOND).toISOString(),
              observedEndpointAddress: ADDRESS,
              observedEndpointPort: 5432,
              observedMasterSecretArn: SECRET_ARN,
            }),
    }));

    // Act
    const result = await waitForInstance(
      { rds, registry, table: 'tenant-registry', budgetMs: 13 * MINUTE, platform: PLATFORM },
      stateFor(),
    );

    // Assess
    expect(result).toEqual({
      status: 'AVAILABLE',
      endpointAddress: ADDRESS,
      endpointPort: 5432,
      masterSecretArn: SECRET_ARN,
      polls: 0,
    });
    expect(now - CREATED).toBe(30 * SECOND);
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand)).toEqual([]);
    expect(registryMock.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'tenant-registry',
      Key: { tenantId: 'acme' },
      ConsistentRead: true,
    });
  });

  it('adds the describes of this invocation to those of the earlier ones', async () => {
    // Prepare
    registryMock.on(GetCommand).resolves({ Item: record({}) });

    // Act
    const result = await waitForInstance(
      { rds, registry, table: 'tenant-registry', budgetMs: MINUTE, platform: PLATFORM },
      stateFor({ readiness: { status: 'PENDING', polls: 26 } }),
    );

    // Assess: no first-look jitter on a later invocation: describes at 0 and 30 s
    expect(result).toEqual({ status: 'PENDING', polls: 28 });
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'tenant-acme' },
      { DBInstanceIdentifier: 'tenant-acme' },
    ]);
  });

  it('gives a restored instance the settings a restore cannot set, then waits for its new master secret', async () => {
    // Prepare: available without a master secret (a restore), then modifying, then available with it
    registryMock.on(GetCommand).resolves({ Item: record({}) });
    const endpoint = { Address: ADDRESS, Port: 5432 };
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [{ DBInstanceStatus: 'available', Endpoint: endpoint, AllocatedStorage: 137 }] })
      .resolvesOnce({ DBInstances: [{ DBInstanceStatus: 'modifying', Endpoint: endpoint }] })
      .resolves({
        DBInstances: [
          { DBInstanceStatus: 'available', Endpoint: endpoint, MasterUserSecret: { SecretArn: SECRET_ARN } },
        ],
      });
    rdsMock.on(ModifyDBInstanceCommand).resolves({});
    const restoreFrom = {
      arn: 'arn:aws:rds:us-east-1:123456789012:snapshot:tenant-acme-final',
      snapshotId: 'tenant-acme-final',
      region: 'us-east-1',
      takenAt: '2026-11-20T08:55:00.000Z',
    };

    // Act
    const result = await waitForInstance(
      { rds, registry, table: 'tenant-registry', budgetMs: 13 * MINUTE, platform: PLATFORM },
      stateFor({ claim: { outcome: 'CLAIMED', attempt: 2, restoreFrom }, readiness: { status: 'PENDING', polls: 1 } }),
    );

    // Assess: one modification, with the master secret and a ceiling above the snapshot's storage
    expect(result).toMatchObject({ status: 'AVAILABLE', masterSecretArn: SECRET_ARN });
    const modifications = rdsMock.commandCalls(ModifyDBInstanceCommand).map((c) => c.args[0].input);
    expect(modifications).toEqual([
      expect.objectContaining({
        DBInstanceIdentifier: 'tenant-acme',
        ManageMasterUserPassword: true,
        MasterUserSecretKmsKeyId: PLATFORM().kmsKeyArn,
        MaxAllocatedStorage: 1000,
        ApplyImmediately: true,
      }),
    ]);
  });

  it('never modifies an instance that was not restored', async () => {
    // Prepare: an available instance whose master secret RDS has not reported yet
    registryMock.on(GetCommand).resolves({ Item: record({}) });
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [{ DBInstanceStatus: 'available', Endpoint: { Address: ADDRESS, Port: 5432 } }] })
      .resolves({
        DBInstances: [
          {
            DBInstanceStatus: 'available',
            Endpoint: { Address: ADDRESS, Port: 5432 },
            MasterUserSecret: { SecretArn: SECRET_ARN },
          },
        ],
      });

    // Act
    const result = await waitForInstance(
      { rds, registry, table: 'tenant-registry', budgetMs: 13 * MINUTE, platform: PLATFORM },
      stateFor({ readiness: { status: 'PENDING', polls: 1 } }),
    );

    // Assess
    expect(result.status).toBe('AVAILABLE');
    expect(rdsMock.commandCalls(ModifyDBInstanceCommand)).toEqual([]);
  });
});

describe('pollOptionsFor', () => {
  it.each<[string, Partial<WorkflowState>, number, number]>([
    ['the first wait jitters its first look by up to 3 minutes', {}, 0.5, 90 * SECOND],
    ['at random 0, not at all', {}, 0, 0],
    ['just under 3 minutes at most', {}, 0.99999, 179_998],
    ['a later wait looks at once', { readiness: { status: 'PENDING', polls: 3 } }, 0.5, 0],
  ])('%s', (_case, extra, random, delay) => {
    // Act
    const options = pollOptionsFor(stateFor(extra), 780_000, () => random);

    // Assess
    expect(options).toEqual({
      instanceId: 'tenant-acme',
      deadlineMs: CREATED + 60 * MINUTE,
      budgetMs: 780_000,
      createdAtMs: CREATED,
      firstDescribeDelayMs: delay,
    });
    expect(FIRST_DESCRIBE_JITTER_MS).toBe(180 * SECOND);
  });

  it('refuses a state without the instance CreateInstance reported', () => {
    // Prepare
    const { instance: _omitted, ...state } = stateFor();

    // Act
    const act = () => pollOptionsFor(state, 780_000);

    // Assess
    expect(act).toThrow(new ConfigurationError('WaitForInstance needs $.instance from CreateInstance'));
  });
});

describe('sharedViewOf', () => {
  const seen = { observedStatus: 'backing-up', observedAt: '2026-11-26T10:10:00.000Z' };

  it.each<[string, Partial<TenantRecord> | undefined, unknown]>([
    ['no record', undefined, undefined],
    ['nothing observed', {}, undefined],
    ['a status without its time', { observedStatus: 'creating' }, undefined],
    ['a time without a status', { observedAt: '2026-11-26T10:10:00.000Z' }, undefined],
    ['a status only', seen, { status: 'backing-up', atMs: Date.parse('2026-11-26T10:10:00.000Z') }],
    [
      'the endpoint, master secret and snapshot once seen',
      {
        ...seen,
        observedEndpointAddress: ADDRESS,
        observedEndpointPort: 5432,
        observedMasterSecretArn: SECRET_ARN,
        observedInstance: { DBInstanceIdentifier: 'tenant-acme' },
      },
      {
        status: 'backing-up',
        atMs: Date.parse('2026-11-26T10:10:00.000Z'),
        endpoint: { address: ADDRESS, port: 5432 },
        masterSecretArn: SECRET_ARN,
        snapshot: { DBInstanceIdentifier: 'tenant-acme' },
      },
    ],
    [
      'an address without a port: no endpoint',
      { ...seen, observedEndpointAddress: ADDRESS },
      { status: 'backing-up', atMs: Date.parse('2026-11-26T10:10:00.000Z') },
    ],
    [
      'a port without an address: no endpoint',
      { ...seen, observedEndpointPort: 5432 },
      { status: 'backing-up', atMs: Date.parse('2026-11-26T10:10:00.000Z') },
    ],
  ])('reads %s', (_case, fields, expected) => {
    // Act
    const view = sharedViewOf(fields && record(fields));

    // Assess
    expect(view).toEqual(expected);
  });
});

describe('signalOf', () => {
  it('prefers the RDS event to an observed status', () => {
    // Act
    const signal = signalOf({
      readySignalAt: '2026-11-26T10:09:00.000Z',
      observedStatus: 'available',
      observedAt: '2026-11-26T10:10:00.000Z',
    });

    // Assess
    expect(signal).toBe('2026-11-26T10:09:00.000Z');
  });
});
