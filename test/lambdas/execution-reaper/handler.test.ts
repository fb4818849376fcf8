import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../lambdas/execution-reaper/handler';
import { EXECUTION_ENDED_DETAIL_STATUSES } from '../../../lambdas/shared/aws-events';
import type { TenantRecord, TenantStatus } from '../../../lambdas/shared/contracts';
import {
  type ExecutionStatusChangeEvent,
  endedExecutionOf,
} from '../../../lambdas/shared/reconciliation/ended-execution';
import { reapRecord } from '../../../lambdas/shared/reconciliation/reap';
import { reapedAlert, reapedFailureOf } from '../../../lambdas/shared/reconciliation/reaped-failure';
import { AwsDouble, installAwsDouble, registryTable } from '../../../lib/local/aws';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';
import { executionEndedPattern } from '../../../lib/triggers/event-patterns';
import { matchesEventPattern } from '../../support/event-pattern';
import { OUTCOME_TARGETS, useOutcomeClients } from '../../support/outcome-clients';
import { captureOutput, type OutputCapture } from '../../support/output-capture';

const ACCOUNT = '123456789012';
const { table: TABLE, bus: BUS, topicArn: TOPIC_ARN } = OUTCOME_TARGETS;
const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:tenant-db-provisioning`;
const EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:tenant-db-provisioning:acme-pro-2`;
const OTHER_EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:tenant-db-provisioning:beta-pro-1`;
const STOPPED_AT = Date.parse('2026-11-26T12:00:00.000Z');
const NOW = '2026-11-26T12:00:05.000Z';
/** Planted in the execution input: it must never reach a log line, the registry, an event or an alert. */
const PLANTED_INPUT_VALUE = 'pl4nted-input-value';
const TAG_FILTER = `tenant-db:execution-arn=${EXECUTION_ARN}`;
const REASON = (status: string) =>
  `execution ${status} before the workflow recorded its outcome: resources tagged ${TAG_FILTER} may remain; remove them, then set the record to FAILED`;

/** A "Step Functions Execution Status Change" event as EventBridge delivers it (Step Functions Developer Guide). */
function statusChange(
  detail: Record<string, unknown> = {},
  envelope: Record<string, unknown> = {},
): ExecutionStatusChangeEvent {
  return {
    version: '0',
    id: '315c1398-40ff-a850-213b-158f73e60175',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: ACCOUNT,
    time: '2026-11-26T12:00:01Z',
    region: 'us-east-1',
    resources: [EXECUTION_ARN],
    detail: {
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'acme-pro-2',
      status: 'TIMED_OUT',
      startDate: STOPPED_AT - 5 * 3600_000,
      stopDate: STOPPED_AT,
      input: JSON.stringify({ tenantId: 'acme', tier: 'pro', requestedBy: PLANTED_INPUT_VALUE }),
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
      error: 'States.Timeout',
      cause: null,
      ...detail,
    },
    ...envelope,
  } as ExecutionStatusChangeEvent;
}

function record(fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme',
    tier: 'pro',
    status: 'PROVISIONING',
    requestId: 'acme-pro-2',
    requestedBy: 'jane',
    executionArn: EXECUTION_ARN,
    attempt: 2,
    createdAt: '2026-11-26T07:00:00.000Z',
    updatedAt: '2026-11-26T07:00:01.000Z',
    ...fields,
  };
}

/** EventBridge's wire form of a CDK-shaped pattern (`detailType` is `detail-type`). */
function wirePattern(stateMachineArn: string): Record<string, unknown> {
  const { detailType, ...rest } = executionEndedPattern(stateMachineArn);
  return { ...rest, 'detail-type': detailType };
}

describe('executionEndedPattern', () => {
  it.each([
    ['a timed-out execution', true, statusChange({ status: 'TIMED_OUT' })],
    ['an aborted execution', true, statusChange({ status: 'ABORTED', error: null })],
    ['a failed execution', true, statusChange({ status: 'FAILED', error: 'MigrationError' })],
    ['an execution without input (too large or encrypted)', true, statusChange({ input: null })],
    ['a succeeded execution', false, statusChange({ status: 'SUCCEEDED' })],
    ['a running execution', false, statusChange({ status: 'RUNNING', stopDate: null })],
    [
      'an execution of another state machine',
      false,
      statusChange({ stateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:other` }),
    ],
    ['another detail-type', false, statusChange({}, { 'detail-type': 'AWS API Call via CloudTrail' })],
  ])('%s matches: %s', (_case, expected, event) => {
    // Act
    const matches = matchesEventPattern(wirePattern(STATE_MACHINE_ARN), event);

    // Assess
    expect(matches).toBe(expected);
  });

  it('lists the statuses the rule forwards and refuses an empty state machine ARN', () => {
    // Act
    const pattern = executionEndedPattern(STATE_MACHINE_ARN);

    // Assess
    expect(pattern).toEqual({
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      detail: { status: ['TIMED_OUT', 'ABORTED', 'FAILED'], stateMachineArn: [STATE_MACHINE_ARN] },
    });
    expect(EXECUTION_ENDED_DETAIL_STATUSES).toEqual(['TIMED_OUT', 'ABORTED', 'FAILED']);
    expect(() => executionEndedPattern('')).toThrow('needs the state machine ARN');
  });
});

describe('endedExecutionOf', () => {
  it.each([
    [
      'a timed-out execution',
      statusChange(),
      {
        executionArn: EXECUTION_ARN,
        status: 'TIMED_OUT',
        error: 'States.Timeout',
        stoppedAt: '2026-11-26T12:00:00.000Z',
        startedAt: '2026-11-26T07:00:00.000Z',
      },
    ],
    [
      'an aborted execution without error, start or stop date, or input',
      statusChange({ status: 'ABORTED', error: null, startDate: undefined, stopDate: undefined, input: undefined }),
      { executionArn: EXECUTION_ARN, status: 'ABORTED' },
    ],
  ])('reads %s', (_case, event, expected) => {
    // Act
    const ended = endedExecutionOf(event);

    // Assess
    expect(ended).toEqual(expected);
  });

  it.each([
    ['a succeeded execution', statusChange({ status: 'SUCCEEDED' })],
    ['another source', statusChange({}, { source: 'saas.billing' })],
    ['another detail-type', statusChange({}, { 'detail-type': 'AWS API Call via CloudTrail' })],
    ['an event without an execution ARN', statusChange({ executionArn: undefined })],
    ['a malformed execution ARN', statusChange({ executionArn: 'acme-pro-2' })],
    ['an event without detail', { source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change' }],
  ])('ignores %s', (_case, event) => {
    // Act
    const ended = endedExecutionOf(event);

    // Assess
    expect(ended).toBeUndefined();
  });
});

describe('reapedFailureOf and reapedAlert', () => {
  it.each(EXECUTION_ENDED_DETAIL_STATUSES)('records an execution that ended %s as ROLLBACK_FAILED', (status) => {
    // Prepare
    const ended = { executionArn: EXECUTION_ARN, status, stoppedAt: '2026-11-26T12:00:00.000Z' };

    // Act
    const failure = reapedFailureOf(record(), ended, NOW);

    // Assess
    expect(failure).toEqual({
      executionStatus: status,
      status: 'ROLLBACK_FAILED',
      failedAt: '2026-11-26T12:00:00.000Z',
      failedStep: `Execution ${status}`,
      failureReason: REASON(status),
      leftovers: [`unverified:resources tagged ${TAG_FILTER}`],
      detail: {
        outcomeId: `failed:${EXECUTION_ARN}`,
        tenantId: 'acme',
        tier: 'pro',
        executionArn: EXECUTION_ARN,
        requestId: 'acme-pro-2',
        failedStep: `Execution ${status}`,
        reason: REASON(status),
        status: 'ROLLBACK_FAILED',
        leftovers: [`unverified:resources tagged ${TAG_FILTER}`],
      },
    });
  });

  it('dates the failure now when the event does not say when the execution stopped', () => {
    // Act
    const failure = reapedFailureOf(record(), { executionArn: EXECUTION_ARN, status: 'ABORTED' }, NOW);

    // Assess
    expect(failure.failedAt).toBe(NOW);
  });

  it.each([
    ['without backup replication', undefined, false],
    ['with backup replication', 'us-west-2', true],
  ])('alerts %s with a subject SNS accepts and the commands that find the leftovers', (_case, region, backups) => {
    // Prepare
    const failure = reapedFailureOf(
      record({ tenantId: 'a'.repeat(32) }),
      { executionArn: EXECUTION_ARN, status: 'TIMED_OUT' },
      NOW,
    );

    // Act
    const alert = reapedAlert(failure, { registryTable: TABLE, backupRegion: region });

    // Assess
    expect(alert.subject).toBe(`ROLLBACK_FAILED: tenant ${'a'.repeat(32)} needs manual cleanup`);
    expect(alert.subject.length).toBeLessThanOrEqual(100);
    expect(alert.message).toContain(`ended TIMED_OUT before the workflow recorded its outcome`);
    expect(alert.message).toContain(
      `aws resourcegroupstaggingapi get-resources --tag-filters Key=tenant-db:execution-arn,Values=${EXECUTION_ARN}`,
    );
    expect(alert.message).toContain(`table ${TABLE}, tenantId ${'a'.repeat(32)}) to status FAILED`);
    expect(alert.message.includes('describe-db-instance-automated-backups --region us-west-2')).toBe(backups);
  });
});

describe('execution-reaper handler (mocked clients)', () => {
  const clients = useOutcomeClients();
  const { registry, events, sns } = clients;

  const logLines = () => clients.output.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));

  it('finds the stranded record through the status index, then records, alerts and publishes it, in that order', async () => {
    // Prepare
    registry
      .on(QueryCommand)
      .resolves({ Items: [record({ tenantId: 'beta', executionArn: OTHER_EXECUTION_ARN }), record()] });
    registry.on(GetCommand).resolves({ Item: record() });

    // Act
    const result = await handler(statusChange(), lambdaContext());

    // Assess
    expect(result).toEqual({ outcome: 'reaped', tenantId: 'acme', failedStep: 'Execution TIMED_OUT' });
    expect(registry).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TABLE,
      IndexName: 'byStatus',
      ExpressionAttributeValues: { ':status': 'PROVISIONING' },
    });
    // Records that still owe an event: only the outbox written since the execution started.
    expect(registry).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TABLE,
      IndexName: 'byStatus',
      ExpressionAttributeValues: { ':status': 'ROLLBACK_FAILED', ':since': '2026-11-26T07:00:00.000Z' },
    });
    expect(registry).toHaveReceivedCommandWith(GetCommand, { Key: { tenantId: 'acme' }, ConsistentRead: true });
    const update = registry.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update).toMatchObject({
      TableName: TABLE,
      Key: { tenantId: 'acme' },
      ConditionExpression: 'executionArn = :owner AND #status IN (:from0)',
      ExpressionAttributeValues: expect.objectContaining({ ':owner': EXECUTION_ARN, ':from0': 'PROVISIONING' }),
    });
    expect(Object.values(update?.ExpressionAttributeValues ?? {})).toEqual(
      expect.arrayContaining([
        'ROLLBACK_FAILED',
        '2026-11-26T12:00:00.000Z',
        'Execution TIMED_OUT',
        REASON('TIMED_OUT'),
        [`unverified:resources tagged ${TAG_FILTER}`],
        'failed',
      ]),
    );
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: BUS,
      Source: 'tenant-db.provisioning',
      DetailType: 'Tenant Database Provisioning Failed',
      Resources: [EXECUTION_ARN],
    });
    expect(JSON.parse(entry?.Detail ?? '')).toEqual({
      outcomeId: `failed:${EXECUTION_ARN}`,
      tenantId: 'acme',
      tier: 'pro',
      executionArn: EXECUTION_ARN,
      requestId: 'acme-pro-2',
      failedStep: 'Execution TIMED_OUT',
      reason: REASON('TIMED_OUT'),
      status: 'ROLLBACK_FAILED',
      leftovers: [`unverified:resources tagged ${TAG_FILTER}`],
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC_ARN,
      Subject: 'ROLLBACK_FAILED: tenant acme needs manual cleanup',
    });
    // The registry write comes first (a MarkActive that landed meanwhile wins), then the alert, then the event,
    // then the outbox flag is cleared.
    const [recorded, cleared] = registry.commandCalls(UpdateCommand);
    const [alerted] = sns.commandCalls(PublishCommand);
    const [published] = events.commandCalls(PutEventsCommand);
    expect(
      recorded &&
        alerted &&
        published &&
        cleared &&
        recorded.calledBefore(alerted) &&
        alerted.calledBefore(published) &&
        published.calledBefore(cleared),
    ).toBe(true);
    expect(cleared?.args[0].input).toMatchObject({
      UpdateExpression: 'SET #f0 = :v0 REMOVE #r0',
      ExpressionAttributeValues: expect.objectContaining({ ':from0': 'ROLLBACK_FAILED' }),
    });
    expect(logLines()).toContainEqual(expect.objectContaining({ RollbackFailed: 1 }));
    expect(logLines()).toContainEqual(
      expect.objectContaining({
        message: expect.stringContaining('ROLLBACK_FAILED'),
        tenantId: 'acme',
        executionArn: EXECUTION_ARN,
      }),
    );
    expect(clients.output.lines.join('\n')).not.toContain(PLANTED_INPUT_VALUE);
  });

  it.each<[string, TenantRecord[], TenantRecord | undefined]>([
    ['no PROVISIONING record is held by the execution', [record({ executionArn: OTHER_EXECUTION_ARN })], undefined],
    ['no tenant is PROVISIONING', [], undefined],
    [
      'the index still says PROVISIONING but RecordFailure has written FAILED',
      [record()],
      record({ status: 'FAILED', failedStep: 'RunMigrations' }),
    ],
    [
      'the index still says PROVISIONING but MarkActive has made the tenant ACTIVE',
      [record()],
      record({ status: 'ACTIVE', outcomePending: 'provisioned' }),
    ],
    [
      "the execution's ROLLBACK_FAILED record has its event delivered already",
      [record({ status: 'ROLLBACK_FAILED' })],
      record({ status: 'ROLLBACK_FAILED' }),
    ],
  ])('changes nothing when %s', async (_case, provisioning, current) => {
    // Prepare
    registry.on(QueryCommand).resolves({ Items: provisioning });
    registry.on(GetCommand).resolves({ Item: current });

    // Act
    const result = await handler(statusChange({ status: 'FAILED', error: 'MigrationError' }), lambdaContext());

    // Assess
    expect(result).toEqual({ outcome: 'nothing-to-reap' });
    expect(registry).not.toHaveReceivedCommand(UpdateCommand);
    expect(events).not.toHaveReceivedCommand(PutEventsCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(logLines().some((line) => 'RollbackFailed' in line)).toBe(false);
  });

  it('says nothing when MarkActive lands between its read and its write', async () => {
    // Prepare: the consistent read still says PROVISIONING; the conditional write then finds ACTIVE
    registry.on(QueryCommand).resolves({ Items: [record()] });
    registry.on(GetCommand).resolves({ Item: record() });
    registry.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));

    // Act
    const result = await handler(statusChange({ status: 'ABORTED', error: null }), lambdaContext());

    // Assess
    expect(result).toEqual({ outcome: 'nothing-to-reap' });
    expect(registry).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(events).not.toHaveReceivedCommand(PutEventsCommand);
    expect(logLines().some((line) => 'RollbackFailed' in line)).toBe(false);
  });

  it('ignores an event it does not handle without calling AWS', async () => {
    // Act
    const result = await handler(statusChange({ status: 'SUCCEEDED' }), lambdaContext());

    // Assess
    expect(result).toEqual({ outcome: 'ignored' });
    expect(registry.calls()).toHaveLength(0);
  });

  it('fails the invocation, leaving the outcome pending in the registry, when the event is rejected', async () => {
    // Prepare
    registry.on(QueryCommand).resolves({ Items: [record()] });
    registry.on(GetCommand).resolves({ Item: record() });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });

    // Act
    const result = handler(statusChange(), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RetryableError' });
    // The transition (with outcomePending) landed; the flag was not cleared, so a redelivery or the sweeper publishes
    expect(registry).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(
      Object.values(registry.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues ?? {}),
    ).toContain('failed');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(logLines()).toContainEqual(
      expect.objectContaining({ message: 'reaping failed; the event will be retried', errorName: 'RetryableError' }),
    );
  });
});

describe('execution-reaper handler (AWS double)', () => {
  let double: AwsDouble;
  let restore: () => void;
  let output: OutputCapture;

  beforeEach(() => {
    double = new AwsDouble({ account: ACCOUNT });
    double.dynamodb.defineTable(registryTable(TABLE));
    restore = installAwsDouble(double);
    Object.assign(process.env, { REGISTRY_TABLE_NAME: TABLE, OUTCOME_EVENT_BUS_NAME: BUS, ALERT_TOPIC_ARN: TOPIC_ARN });
    output = captureOutput();
  });

  afterEach(() => {
    restore();
    output.restore();
  });

  const stored = async (tenantId: string) =>
    (await double.dynamodb.items(TABLE)).find((item) => item.tenantId === tenantId);

  it.each([
    ['delivered once', 0],
    ['redelivered after a rejected event', 1],
  ])('an event %s leaves one ROLLBACK_FAILED record, one event and one alert', async (_case, rejections) => {
    // Prepare
    await double.dynamodb.seed(TABLE, { ...record() });
    await double.dynamodb.seed(TABLE, { ...record({ tenantId: 'beta', executionArn: OTHER_EXECUTION_ARN }) });
    if (rejections > 0) double.eventBridge.failEntries({ times: rejections, errorCode: 'InternalFailure' });
    const event = statusChange({ status: 'ABORTED', error: null });

    // Act
    const outcomes: string[] = [];
    for (let delivery = 0; delivery < rejections + 2; delivery += 1) {
      outcomes.push(
        await handler(event, lambdaContext()).then(
          (r) => r.outcome,
          (e: Error) => e.name,
        ),
      );
    }

    // Assess
    expect(outcomes).toEqual([...Array(rejections).fill('RetryableError'), 'reaped', 'nothing-to-reap']);
    expect(await stored('acme')).toMatchObject({
      status: 'ROLLBACK_FAILED',
      failedStep: 'Execution ABORTED',
      failureReason: REASON('ABORTED'),
      leftovers: [`unverified:resources tagged ${TAG_FILTER}`],
    });
    expect(await stored('acme')).not.toHaveProperty('outcomePending');
    expect(await stored('beta')).toMatchObject({ status: 'PROVISIONING' });
    expect(double.eventBridge.published('Tenant Database Provisioning Failed')).toHaveLength(1);
    // A delivery that failed to publish is redone in full: the alert is repeated, naming the same execution
    expect(double.sns.published()).toHaveLength(1 + rejections);
    expect(double.violations).toEqual([]);
    const everything = [
      output.lines,
      double.eventBridge.published(),
      double.sns.published(),
      await double.dynamodb.items(TABLE),
    ];
    expect(JSON.stringify(everything)).not.toContain(PLANTED_INPUT_VALUE);
  });

  /** Makes `change` land right after the reaper's consistent read: another writer wins the race to the record. */
  function afterNextRead(change: () => Promise<void>) {
    const read = double.dynamodb.getItem.bind(double.dynamodb);
    jest.spyOn(double.dynamodb, 'getItem').mockImplementationOnce(async (input, ctx) => {
      const output = await read(input, ctx);
      await change();
      return output;
    });
  }

  it.each<[string, Partial<TenantRecord>]>([
    [
      'MarkActive made the tenant ACTIVE',
      { status: 'ACTIVE', instanceId: 'tenant-acme', outcomePending: 'provisioned' },
    ],
    ['RecordFailure recorded FAILED', { status: 'FAILED', failedStep: 'RunMigrations', outcomePending: 'failed' }],
  ])(
    'leaves the record alone, alerting and publishing nothing, when %s after the reaper read it',
    async (_case, fields) => {
      // Prepare
      await double.dynamodb.seed(TABLE, { ...record() });
      const won = { ...record(fields), updatedAt: '2026-11-26T12:00:02.000Z' };
      afterNextRead(() => double.dynamodb.seed(TABLE, won));

      // Act
      const result = await handler(statusChange({ status: 'ABORTED', error: null }), lambdaContext());

      // Assess
      expect(result).toEqual({ outcome: 'nothing-to-reap' });
      expect(await stored('acme')).toEqual(won);
      expect(double.eventBridge.published()).toEqual([]);
      expect(double.sns.published()).toEqual([]);
    },
  );

  it.each<TenantStatus>(['ACTIVE', 'FAILED'])(
    'reapRecord with a stale PROVISIONING read leaves a record that is %s by now alone',
    async (status) => {
      // Prepare: the sweeper (or the reaper) read PROVISIONING; the record moved on before the write
      const current = { ...record({ status }), updatedAt: '2026-11-26T12:00:02.000Z' };
      await double.dynamodb.seed(TABLE, current);
      const clients = {
        doc: DynamoDBDocumentClient.from(new DynamoDBClient({})),
        events: new EventBridgeClient({}),
        sns: new SNSClient({}),
      };

      // Act
      const result = await reapRecord(clients, record(), { executionArn: EXECUTION_ARN, status: 'ABORTED' });

      // Assess
      expect(result).toEqual({ outcome: 'nothing-to-reap' });
      expect(await stored('acme')).toEqual(current);
      expect(double.eventBridge.published()).toEqual([]);
      expect(double.sns.published()).toEqual([]);
    },
  );

  it('re-alerts and re-delivers a ROLLBACK_FAILED record of the execution whose event is still pending', async () => {
    // Prepare: an earlier delivery wrote ROLLBACK_FAILED, then its publish failed
    const reaped = record({
      status: 'ROLLBACK_FAILED',
      failedStep: 'Execution TIMED_OUT',
      failureReason: REASON('TIMED_OUT'),
      leftovers: [`unverified:resources tagged ${TAG_FILTER}`],
      outcomePending: 'failed',
    });
    await double.dynamodb.seed(TABLE, { ...reaped });

    // Act
    const result = await handler(statusChange(), lambdaContext());

    // Assess
    expect(result).toEqual({ outcome: 'reaped', tenantId: 'acme', failedStep: 'Execution TIMED_OUT' });
    expect(double.sns.published()).toHaveLength(1);
    expect(double.eventBridge.published('Tenant Database Provisioning Failed').map((e) => e.detail)).toEqual([
      expect.objectContaining({ outcomeId: `failed:${EXECUTION_ARN}`, status: 'ROLLBACK_FAILED' }),
    ]);
    expect(await stored('acme')).toMatchObject({ status: 'ROLLBACK_FAILED', failedStep: 'Execution TIMED_OUT' });
    expect(await stored('acme')).not.toHaveProperty('outcomePending');
  });
});
