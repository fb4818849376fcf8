import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { provisioningSeconds } from '../../lambdas/mark-active/activation';
import { handler } from '../../lambdas/mark-active/handler';
import { clock } from '../../lambdas/shared/clock';
import type { TenantRecord, ValidatedRequest, WorkflowState } from '../../lambdas/shared/contracts';
import { metrics } from '../../lambdas/shared/runtime';
import { DEFAULT_TIERS, type TierDefinition } from '../../lambdas/shared/tiers';

const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-1';
const CLAIMED_AT = '2026-11-26T10:00:00.000Z';
const NOW = Date.parse('2026-11-26T10:42:30.000Z');
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:saas/tenant/acme/app-AbCdEf';

function stateFor(tier: string): WorkflowState {
  const request: ValidatedRequest = {
    tenantId: 'acme',
    tier,
    tierDefinition: DEFAULT_TIERS[tier] as TierDefinition,
    requestedBy: 'ops',
    requestId: 'req-1',
    metadata: {},
    executionArn: EXECUTION_ARN,
    executionName: 'acme-1',
  };
  return {
    request,
    claim: { outcome: 'CLAIMED', attempt: 1 },
    instance: {
      instanceId: 'tenant-acme',
      instanceArn: 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme',
      deadline: '2026-11-26T11:30:00.000Z',
    },
    readiness: {
      status: 'AVAILABLE',
      endpointAddress: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com',
      endpointPort: 5432,
      masterSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf',
      polls: 9,
    },
    credentials: { secretArn: SECRET_ARN, secretName: 'saas/tenant/acme/app' },
    migrations: { applied: ['0001_init'], durationMs: 1200 },
    backups: { retentionDays: 14 },
    alarms: { alarmNames: ['tenant-alarm-acme-cpu-utilization'] },
  };
}

const record = (fields: Partial<TenantRecord> = {}): TenantRecord => ({
  tenantId: 'acme',
  tier: 'pro',
  status: 'PROVISIONING',
  requestId: 'req-1',
  requestedBy: 'ops',
  executionArn: EXECUTION_ARN,
  attempt: 1,
  createdAt: CLAIMED_AT,
  updatedAt: CLAIMED_AT,
  ...fields,
});

const ddb = mockClient(DynamoDBDocumentClient);

/** The attribute values the registry update sets, by attribute name. */
function writtenFields(): Record<string, unknown> {
  const update = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
  return Object.fromEntries(
    Object.entries(update?.ExpressionAttributeNames ?? {}).map(([alias, name]) => [
      name,
      update?.ExpressionAttributeValues?.[alias.replace('#f', ':v')],
    ]),
  );
}
const eventBridge = mockClient(EventBridgeClient);
let addMetric: jest.SpyInstance;
let addDimension: jest.SpyInstance;

beforeEach(() => {
  ddb.reset();
  eventBridge.reset();
  ddb.on(GetCommand).resolves({ Item: record() });
  ddb.on(UpdateCommand).resolves({});
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  jest.spyOn(clock, 'now').mockReturnValue(NOW);
  addMetric = jest.spyOn(metrics, 'addMetric');
  addDimension = jest.spyOn(metrics, 'addDimension');
  process.env.REGISTRY_TABLE_NAME = 'tenant-registry';
  process.env.OUTCOME_EVENT_BUS_NAME = 'tenant-db-outcomes';
});

afterEach(() => jest.restoreAllMocks());

describe('MarkActive handler', () => {
  it.each(Object.keys(DEFAULT_TIERS))('activates a %s tenant, announces it and counts it', async (tier) => {
    // Prepare
    const state = stateFor(tier);

    // Act
    const result = await handler(state);

    // Assess
    expect(result).toEqual({ status: 'ACTIVE', provisionedAt: '2026-11-26T10:42:30.000Z' });
    const update = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ConditionExpression).toBe('executionArn = :owner');
    const written = writtenFields();
    expect(written).toEqual({
      status: 'ACTIVE',
      provisionedAt: '2026-11-26T10:42:30.000Z',
      instanceId: 'tenant-acme',
      endpointAddress: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com',
      endpointPort: 5432,
      secretArn: SECRET_ARN,
      databaseName: 'tenant',
      region: 'us-east-1',
      updatedAt: '2026-11-26T10:42:30.000Z',
    });
    expect(eventBridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        {
          EventBusName: 'tenant-db-outcomes',
          Source: 'tenant-db.provisioning',
          DetailType: 'Tenant Database Provisioned',
          Resources: [EXECUTION_ARN],
          Detail: JSON.stringify({
            tenantId: 'acme',
            tier,
            instanceId: 'tenant-acme',
            endpointAddress: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com',
            endpointPort: 5432,
            secretArn: SECRET_ARN,
            executionArn: EXECUTION_ARN,
            requestId: 'req-1',
          }),
        },
      ],
    });
    expect(addDimension).toHaveBeenCalledWith('tier', tier);
    expect(addMetric).toHaveBeenCalledWith('TenantProvisioned', 'Count', 1);
    expect(addMetric).toHaveBeenCalledWith('ProvisioningDuration', 'Seconds', 42 * 60 + 30);
  });

  it('keeps secrets out of the event: only the secret ARN, never the master secret or a password', async () => {
    // Act
    await handler(stateFor('pro'));

    // Assess
    const published = JSON.stringify(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input);
    expect(published).not.toMatch(/password/i);
    expect(published).not.toContain('rds!db-');
  });

  it('rewrites the same values and re-publishes when retried after a crash', async () => {
    // Prepare: the first attempt wrote ACTIVE, then crashed before publishing
    ddb.on(GetCommand).resolves({ Item: record({ status: 'ACTIVE', provisionedAt: '2026-11-26T10:41:00.000Z' }) });

    // Act
    const result = await handler(stateFor('pro'));

    // Assess
    expect(result.provisionedAt).toBe('2026-11-26T10:41:00.000Z');
    expect(writtenFields()).toMatchObject({ status: 'ACTIVE', provisionedAt: '2026-11-26T10:41:00.000Z' });
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(addMetric).toHaveBeenCalledWith('ProvisioningDuration', 'Seconds', 41 * 60);
  });

  it.each<[string, () => void]>([
    [
      'the record names another execution',
      () => ddb.on(GetCommand).resolves({ Item: record({ executionArn: 'arn:other' }) }),
    ],
    ['the record is gone', () => ddb.on(GetCommand).resolves({})],
    [
      'another execution took the record between read and write',
      () => ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} })),
    ],
  ])('fails with TenantConflictError, announcing nothing, when %s', async (_case, arrange) => {
    // Prepare
    arrange();

    // Act
    const result = handler(stateFor('pro'));

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'TenantConflictError' });
    expect(eventBridge).not.toHaveReceivedCommand(PutEventsCommand);
    expect(addMetric).not.toHaveBeenCalled();
  });

  it('asks for a retry, without counting the tenant, when EventBridge rejects the event', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });

    // Act
    const result = handler(stateFor('pro'));

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RetryableError' });
    expect(addMetric).not.toHaveBeenCalled();
  });

  it.each<[string, keyof WorkflowState]>([
    ['$.instance', 'instance'],
    ['$.readiness', 'readiness'],
    ['$.credentials', 'credentials'],
  ])('fails with ConfigurationError naming %s when it is missing', async (path, key) => {
    // Prepare
    const { [key]: _omitted, ...state } = stateFor('pro');

    // Act
    const result = handler(state as WorkflowState);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ConfigurationError', message: expect.stringContaining(path) });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });
});

describe('provisioningSeconds', () => {
  it('counts whole seconds from the claim to activation', () => {
    expect(provisioningSeconds('2026-11-26T10:00:00.000Z', '2026-11-26T11:02:03.600Z')).toBe(3724);
  });
});
