import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { provisioningSeconds } from '../../../lambdas/mark-active/activation';
import { handler } from '../../../lambdas/mark-active/handler';
import { clock } from '../../../lambdas/shared/clock';
import type { TenantRecord, TenantStatus, ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { metrics } from '../../../lambdas/shared/runtime';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';
import { AwsDouble, installAwsDouble, registryTable } from '../../../lib/local/aws';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';

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

/** The attribute values the (first) registry update sets, by attribute name: its `#fN = :vN` pairs. */
function writtenFields(): Record<string, unknown> {
  const update = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
  return Object.fromEntries(
    Object.entries(update?.ExpressionAttributeNames ?? {})
      .filter(([alias]) => alias.startsWith('#f'))
      .map(([alias, name]) => [name, update?.ExpressionAttributeValues?.[alias.replace('#f', ':v')]]),
  );
}
/** The provisioned event of the activated record: what every delivery of it carries, its outcome id included. */
function provisionedDetail(tier: string) {
  return {
    outcomeId: `provisioned:${EXECUTION_ARN}`,
    tenantId: 'acme',
    tier,
    instanceId: 'tenant-acme',
    endpointAddress: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com',
    endpointPort: 5432,
    secretArn: SECRET_ARN,
    executionArn: EXECUTION_ARN,
    requestId: 'req-1',
  };
}

/** The registry record MarkActive leaves once the tenant is ACTIVE. */
const activeRecord = (fields: Partial<TenantRecord> = {}): TenantRecord =>
  record({
    status: 'ACTIVE',
    provisionedAt: '2026-11-26T10:41:00.000Z',
    instanceId: 'tenant-acme',
    endpointAddress: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com',
    endpointPort: 5432,
    secretArn: SECRET_ARN,
    ...fields,
  });

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
    ddb.on(GetCommand).resolves({ Item: record({ tier }) });

    // Act
    const result = await handler(state, lambdaContext());

    // Assess
    expect(result).toEqual({ status: 'ACTIVE', provisionedAt: '2026-11-26T10:42:30.000Z' });
    const update = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ConditionExpression).toBe('executionArn = :owner AND #status IN (:from0)');
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':from0': 'PROVISIONING', ':owner': EXECUTION_ARN });
    const written = writtenFields();
    expect(written).toEqual({
      status: 'ACTIVE',
      provisionedAt: '2026-11-26T10:42:30.000Z',
      outcomePending: 'provisioned',
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
          Detail: expect.any(String),
        },
      ],
    });
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(JSON.parse(entry?.Detail ?? '')).toEqual(provisionedDetail(tier));
    // Then the outbox flag is cleared, only while the record is still this execution's ACTIVE record
    const cleared = ddb.commandCalls(UpdateCommand)[1]?.args[0].input;
    expect(cleared).toMatchObject({
      UpdateExpression: 'SET #f0 = :v0 REMOVE #r0',
      ConditionExpression: 'executionArn = :owner AND #status IN (:from0)',
      ExpressionAttributeNames: { '#r0': 'outcomePending' },
      ExpressionAttributeValues: expect.objectContaining({ ':from0': 'ACTIVE', ':owner': EXECUTION_ARN }),
    });
    expect(addDimension).toHaveBeenCalledWith('tier', tier);
    expect(addMetric).toHaveBeenCalledWith('TenantProvisioned', 'Count', 1);
    expect(addMetric).toHaveBeenCalledWith('ProvisioningDuration', 'Seconds', 42 * 60 + 30);
  });

  it('keeps secrets out of the event: only the secret ARN, never the master secret or a password', async () => {
    // Act
    await handler(stateFor('pro'), lambdaContext());

    // Assess
    const published = JSON.stringify(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input);
    expect(published).not.toMatch(/password/i);
    expect(published).not.toContain('rds!db-');
  });

  it('skips the write and re-publishes the same event, uncounted, when retried after a crash before delivery', async () => {
    // Prepare: the first attempt wrote ACTIVE with the pending event, then crashed before publishing
    ddb.on(GetCommand).resolves({ Item: activeRecord({ outcomePending: 'provisioned' }) });

    // Act
    const result = await handler(stateFor('pro'), lambdaContext());

    // Assess
    expect(result.provisionedAt).toBe('2026-11-26T10:41:00.000Z');
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.UpdateExpression).toBe('SET #f0 = :v0 REMOVE #r0');
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(JSON.parse(entry?.Detail ?? '')).toEqual(provisionedDetail('pro'));
    expect(addMetric).not.toHaveBeenCalled();
  });

  it('publishes nothing again when retried after the event was delivered and its flag cleared', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: activeRecord() });

    // Act
    const result = await handler(stateFor('pro'), lambdaContext());

    // Assess
    expect(result).toEqual({ status: 'ACTIVE', provisionedAt: '2026-11-26T10:41:00.000Z' });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(eventBridge).not.toHaveReceivedCommand(PutEventsCommand);
    expect(addMetric).not.toHaveBeenCalled();
  });

  it.each<[string, () => void]>([
    [
      'the record names another execution',
      () => ddb.on(GetCommand).resolves({ Item: record({ executionArn: 'arn:other' }) }),
    ],
    ['the record is gone', () => ddb.on(GetCommand).resolves({})],
    [
      'the record of this execution is FAILED',
      () => ddb.on(GetCommand).resolves({ Item: record({ status: 'FAILED' }) }),
    ],
    [
      'the record of this execution was reaped as ROLLBACK_FAILED',
      () => ddb.on(GetCommand).resolves({ Item: record({ status: 'ROLLBACK_FAILED', outcomePending: 'failed' }) }),
    ],
  ])('fails with TenantConflictError, writing and announcing nothing, when %s', async (_case, arrange) => {
    // Prepare
    arrange();

    // Act
    const result = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'TenantConflictError' });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(eventBridge).not.toHaveReceivedCommand(PutEventsCommand);
    expect(addMetric).not.toHaveBeenCalled();
  });

  it('asks for a retry, announcing and counting nothing, when the record changed between read and write', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    // Act
    const result = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RetryableError' });
    expect(eventBridge).not.toHaveReceivedCommand(PutEventsCommand);
    expect(addMetric).not.toHaveBeenCalled();
  });

  it('fails with OutcomePendingError, never a rollback error, when EventBridge rejects the event after the write', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });

    // Act
    const result = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'OutcomePendingError',
      message: expect.stringMatching(/^tenant acme is ACTIVE; its provisioned event is pending \(.*InternalFailure/),
    });
    // The write landed: the tenant is counted once, by this attempt, and the flag stays for the retry or the sweeper
    expect(writtenFields()).toMatchObject({ status: 'ACTIVE', outcomePending: 'provisioned' });
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(addMetric).toHaveBeenCalledWith('TenantProvisioned', 'Count', 1);
  });

  it.each<[string, keyof WorkflowState]>([
    ['$.instance', 'instance'],
    ['$.readiness', 'readiness'],
    ['$.credentials', 'credentials'],
  ])('fails with ConfigurationError naming %s when it is missing', async (path, key) => {
    // Prepare
    const { [key]: _omitted, ...state } = stateFor('pro');

    // Act
    const result = handler(state as WorkflowState, lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ConfigurationError', message: expect.stringContaining(path) });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });
});

describe('MarkActive handler (AWS double)', () => {
  const TABLE = 'tenant-registry';
  let double: AwsDouble;
  let restore: () => void;

  beforeEach(() => {
    double = new AwsDouble();
    double.dynamodb.defineTable(registryTable(TABLE));
    restore = installAwsDouble(double);
  });

  afterEach(() => restore());

  const stored = async () => (await double.dynamodb.items(TABLE))[0];
  const outcomeIds = () =>
    double.eventBridge
      .published('Tenant Database Provisioned')
      .map((e) => (e.detail as { outcomeId: string }).outcomeId);

  /** Makes `change` land right after MarkActive's consistent read: another writer wins the race to the record. */
  function afterNextRead(change: () => Promise<void>) {
    const read = double.dynamodb.getItem.bind(double.dynamodb);
    jest.spyOn(double.dynamodb, 'getItem').mockImplementationOnce(async (input, ctx) => {
      const output = await read(input, ctx);
      await change();
      return output;
    });
  }

  it('keeps the tenant ACTIVE with its event pending when the publish fails, and a retry delivers it once', async () => {
    // Prepare
    await double.dynamodb.seed(TABLE, { ...record() });
    double.eventBridge.failEntries({ times: 1, errorCode: 'InternalFailure', errorMessage: 'try again' });

    // Act
    const first = await handler(stateFor('pro'), lambdaContext()).catch((error: Error) => error);
    const afterFirst = await stored();
    const retried = await handler(stateFor('pro'), lambdaContext());

    // Assess
    expect(first).toMatchObject({ name: 'OutcomePendingError' });
    expect(afterFirst).toMatchObject({ status: 'ACTIVE', outcomePending: 'provisioned', instanceId: 'tenant-acme' });
    expect(retried).toEqual({ status: 'ACTIVE', provisionedAt: '2026-11-26T10:42:30.000Z' });
    expect(await stored()).toMatchObject({ status: 'ACTIVE', provisionedAt: '2026-11-26T10:42:30.000Z' });
    expect(await stored()).not.toHaveProperty('outcomePending');
    expect(outcomeIds()).toEqual([`provisioned:${EXECUTION_ARN}`]);
    expect(addMetric.mock.calls.filter(([name]) => name === 'TenantProvisioned')).toHaveLength(1);
  });

  it('re-publishes with the same outcome id when the first attempt crashed right after publishing', async () => {
    // Prepare: the process dies after EventBridge accepted the event, before the flag is cleared
    await double.dynamodb.seed(TABLE, { ...record() });
    double.faults.add({ service: 'eventbridge', command: 'PutEvents', kind: 'crashAfter' });

    // Act
    const first = await handler(stateFor('pro'), lambdaContext()).catch((error: Error) => error);
    const retried = await handler(stateFor('pro'), lambdaContext());

    // Assess
    expect(first).toMatchObject({ name: 'OutcomePendingError' });
    expect(retried.status).toBe('ACTIVE');
    const ids = outcomeIds();
    expect(ids).toHaveLength(2);
    expect(new Set(ids)).toEqual(new Set([`provisioned:${EXECUTION_ARN}`]));
    expect(await stored()).not.toHaveProperty('outcomePending');
    expect(addMetric.mock.calls.filter(([name]) => name === 'TenantProvisioned')).toHaveLength(1);
  });

  it.each<TenantStatus>(['FAILED', 'ROLLBACK_FAILED'])(
    'leaves a record that became %s between the read and the write alone and asks for a retry',
    async (status) => {
      // Prepare: the reaper (or RecordFailure) lands between MarkActive's read and its write
      await double.dynamodb.seed(TABLE, { ...record() });
      afterNextRead(() => double.dynamodb.seed(TABLE, { ...record({ status, outcomePending: 'failed' }) }));

      // Act
      const result = handler(stateFor('pro'), lambdaContext());

      // Assess
      await expect(result).rejects.toMatchObject({ name: 'RetryableError' });
      expect(await stored()).toMatchObject({ status, outcomePending: 'failed' });
      expect(await stored()).not.toHaveProperty('instanceId');
      expect(double.eventBridge.published()).toEqual([]);
      expect(addMetric).not.toHaveBeenCalled();
    },
  );

  it.each<TenantStatus>(['FAILED', 'ROLLBACK_FAILED'])(
    'refuses to make a %s record of this execution ACTIVE',
    async (status) => {
      // Prepare
      await double.dynamodb.seed(TABLE, { ...record({ status }) });

      // Act
      const result = handler(stateFor('pro'), lambdaContext());

      // Assess
      await expect(result).rejects.toMatchObject({ name: 'TenantConflictError' });
      expect(await stored()).toEqual({ ...record({ status }) });
      expect(double.eventBridge.published()).toEqual([]);
    },
  );
});

describe('provisioningSeconds', () => {
  it('counts whole seconds from the claim to activation', () => {
    expect(provisioningSeconds('2026-11-26T10:00:00.000Z', '2026-11-26T11:02:03.600Z')).toBe(3724);
  });
});
