import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionDoesNotExist,
  SFNClient,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { clock } from '../../../lambdas/shared/clock';
import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { handler } from '../../../lambdas/sweeper/handler';
import {
  endedFromDescription,
  OUTCOME_ALERT_AFTER_MS,
  OUTCOME_OVERDUE_MS,
  STRANDED_AFTER_MS,
  type SweepClients,
  sweep,
} from '../../../lambdas/sweeper/sweep';
import { AwsDouble, installAwsDouble, registryTable } from '../../../lib/local/aws';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';
import { OUTCOME_TARGETS } from '../../support/outcome-clients';
import { captureOutput, type OutputCapture } from '../../support/output-capture';

const ACCOUNT = '123456789012';
const { table: TABLE, bus: BUS, topicArn: TOPIC_ARN } = OUTCOME_TARGETS;
const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const STOPPED_AT = new Date('2026-11-26T11:10:00.000Z');
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:saas/tenant/acme/app-AbCdEf`;

const executionArn = (tenantId: string) =>
  `arn:aws:states:us-east-1:${ACCOUNT}:execution:tenant-db-provisioning:${tenantId}-pro-1`;
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MINUTE = 60_000;

function record(tenantId: string, fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId,
    tier: 'pro',
    status: 'PROVISIONING',
    requestId: `${tenantId}-pro-1`,
    requestedBy: 'ops',
    executionArn: executionArn(tenantId),
    attempt: 1,
    createdAt: ago(3 * 3600_000),
    updatedAt: ago(20 * MINUTE),
    ...fields,
  };
}

/** An ACTIVE record whose provisioned event is still owed. */
const owingProvisioned = (tenantId: string, updatedAt: string) =>
  record(tenantId, {
    status: 'ACTIVE',
    instanceId: `tenant-${tenantId}`,
    endpointAddress: `tenant-${tenantId}.abc123.us-east-1.rds.amazonaws.com`,
    endpointPort: 5432,
    secretArn: SECRET_ARN,
    outcomePending: 'provisioned',
    updatedAt,
  });

const described = (status: string, fields: Partial<DescribeExecutionCommandOutput> = {}) =>
  ({ status, stopDate: status === 'RUNNING' ? undefined : STOPPED_AT, ...fields }) as DescribeExecutionCommandOutput;

describe('endedFromDescription', () => {
  const arn = executionArn('acme');

  it.each<[string, Parameters<typeof endedFromDescription>[1], ReturnType<typeof endedFromDescription>]>([
    ['a running execution', { status: 'RUNNING' }, 'running'],
    ['an execution waiting for a redrive', { status: 'PENDING_REDRIVE' }, 'running'],
    ['a description without status', {}, 'running'],
    [
      'an aborted execution',
      { status: 'ABORTED', stopDate: STOPPED_AT },
      { executionArn: arn, status: 'ABORTED', stoppedAt: STOPPED_AT.toISOString() },
    ],
    [
      'a failed execution with its error',
      { status: 'FAILED', stopDate: STOPPED_AT, error: 'States.Runtime' },
      { executionArn: arn, status: 'FAILED', error: 'States.Runtime', stoppedAt: STOPPED_AT.toISOString() },
    ],
    ['a succeeded execution', { status: 'SUCCEEDED' }, { executionArn: arn, status: 'SUCCEEDED' }],
    ['an execution Step Functions no longer keeps', undefined, { executionArn: arn, status: 'NOT_FOUND' }],
  ])('reads %s', (_case, description, expected) => {
    // Act & Assess
    expect(endedFromDescription(arn, description)).toEqual(expected);
  });
});

describe('sweep (AWS double, Step Functions mocked)', () => {
  const sfn = mockClient(SFNClient);
  let double: AwsDouble;
  let restore: () => void;
  let output: OutputCapture;
  let clients: SweepClients;

  beforeEach(() => {
    sfn.reset();
    double = new AwsDouble({ account: ACCOUNT });
    double.dynamodb.defineTable(registryTable(TABLE));
    restore = installAwsDouble(double);
    Object.assign(process.env, { REGISTRY_TABLE_NAME: TABLE, OUTCOME_EVENT_BUS_NAME: BUS, ALERT_TOPIC_ARN: TOPIC_ARN });
    jest.spyOn(clock, 'now').mockReturnValue(NOW);
    output = captureOutput();
    clients = {
      doc: DynamoDBDocumentClient.from(new DynamoDBClient({})),
      events: new EventBridgeClient({}),
      sns: new SNSClient({}),
      sfn: new SFNClient({}),
    };
  });

  afterEach(() => {
    restore();
    output.restore();
    jest.restoreAllMocks();
  });

  const stored = async (tenantId: string) =>
    (await double.dynamodb.items(TABLE)).find((item) => item.tenantId === tenantId);
  const seed = async (...records: TenantRecord[]) => {
    for (const r of records) await double.dynamodb.seed(TABLE, { ...r });
  };

  it.each<[string, () => void, string, string]>([
    [
      'ended ABORTED',
      () => sfn.on(DescribeExecutionCommand).resolves(described('ABORTED')),
      'Execution ABORTED',
      STOPPED_AT.toISOString(),
    ],
    [
      'ended TIMED_OUT',
      () => sfn.on(DescribeExecutionCommand).resolves(described('TIMED_OUT')),
      'Execution TIMED_OUT',
      STOPPED_AT.toISOString(),
    ],
    [
      'ended FAILED',
      () => sfn.on(DescribeExecutionCommand).resolves(described('FAILED', { error: 'States.Runtime' })),
      'Execution FAILED',
      STOPPED_AT.toISOString(),
    ],
    [
      'SUCCEEDED without recording its outcome',
      () => sfn.on(DescribeExecutionCommand).resolves(described('SUCCEEDED')),
      'Execution SUCCEEDED',
      STOPPED_AT.toISOString(),
    ],
    [
      'is no longer known to Step Functions (ExecutionDoesNotExist)',
      () =>
        sfn
          .on(DescribeExecutionCommand)
          .rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} })),
      'Execution NOT_FOUND',
      new Date(NOW).toISOString(),
    ],
  ])('reaps a stranded PROVISIONING record whose execution %s', async (_case, arrange, failedStep, failedAt) => {
    // Prepare: untouched for 20 minutes, its reaper event lost
    await seed(record('acme'));
    arrange();

    // Act
    const summary = await sweep(clients, NOW);

    // Assess
    expect(summary).toEqual({ checked: 1, reaped: ['acme'], delivered: [], stillPending: [], errors: 0 });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, {
      executionArn: executionArn('acme'),
      includedData: 'METADATA_ONLY',
    });
    expect(await stored('acme')).toMatchObject({ status: 'ROLLBACK_FAILED', failedStep, failedAt });
    expect(await stored('acme')).not.toHaveProperty('outcomePending');
    expect(double.eventBridge.published('Tenant Database Provisioning Failed').map((e) => e.detail)).toEqual([
      expect.objectContaining({ outcomeId: `failed:${executionArn('acme')}`, status: 'ROLLBACK_FAILED', failedStep }),
    ]);
    expect(double.sns.published()).toEqual([
      expect.objectContaining({ topicArn: TOPIC_ARN, subject: 'ROLLBACK_FAILED: tenant acme needs manual cleanup' }),
    ]);
  });

  it.each(['RUNNING', 'PENDING_REDRIVE'])('leaves a record alone while its execution is %s', async (status) => {
    // Prepare: a long creation, or a redrive on its way
    await seed(record('acme', { updatedAt: ago(3 * 3600_000) }));
    sfn.on(DescribeExecutionCommand).resolves(described(status));

    // Act
    const summary = await sweep(clients, NOW);

    // Assess
    expect(summary).toEqual({ checked: 1, reaped: [], delivered: [], stillPending: [], errors: 0 });
    expect(await stored('acme')).toEqual({ ...record('acme', { updatedAt: ago(3 * 3600_000) }) });
    expect(double.eventBridge.published()).toEqual([]);
    expect(double.sns.published()).toEqual([]);
  });

  it.each<[string, number, boolean]>([
    ['5 minutes', 5 * MINUTE, false],
    ['just under 15 minutes', STRANDED_AFTER_MS - 1, false],
    ['15 minutes', STRANDED_AFTER_MS, true],
  ])('looks up the execution of a record untouched for %s only from 15 minutes on', async (_case, age, looked) => {
    // Prepare
    await seed(record('acme', { updatedAt: ago(age) }));
    sfn.on(DescribeExecutionCommand).resolves(described('RUNNING'));

    // Act
    const summary = await sweep(clients, NOW);

    // Assess
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(looked ? 1 : 0);
    expect(summary.checked).toBe(looked ? 1 : 0);
    expect(await stored('acme')).toMatchObject({ status: 'PROVISIONING' });
  });

  it('leaves a record alone when MarkActive lands between the sweep reading it and reaping it', async () => {
    // Prepare: the index still lists the record PROVISIONING; by the time of the write it is ACTIVE
    await seed(record('acme'));
    const won = owingProvisioned('acme', new Date(NOW).toISOString());
    sfn.on(DescribeExecutionCommand).callsFake(async () => {
      await double.dynamodb.seed(TABLE, { ...won });
      return described('FAILED');
    });

    // Act
    const summary = await sweep(clients, NOW);

    // Assess
    expect(summary).toEqual({ checked: 1, reaped: [], delivered: [], stillPending: [], errors: 0 });
    expect(await stored('acme')).toEqual({ ...won });
    expect(double.sns.published()).toEqual([]);
    expect(double.eventBridge.published()).toEqual([]);
  });

  it.each<[string, TenantRecord, string]>([
    [
      'provisioned event of an ACTIVE tenant',
      owingProvisioned('acme', ago(10 * MINUTE)),
      'Tenant Database Provisioned',
    ],
    [
      'failed event of a FAILED tenant',
      record('acme', {
        status: 'FAILED',
        failedStep: 'RunMigrations',
        failureReason: 'RunMigrations: denied',
        leftovers: [],
        outcomePending: 'failed',
        updatedAt: ago(10 * MINUTE),
      }),
      'Tenant Database Provisioning Failed',
    ],
    [
      'failed event of a ROLLBACK_FAILED tenant',
      record('acme', {
        status: 'ROLLBACK_FAILED',
        failedStep: 'Execution ABORTED',
        leftovers: ['unverified:x'],
        outcomePending: 'failed',
        updatedAt: ago(2 * 24 * 3600_000),
      }),
      'Tenant Database Provisioning Failed',
    ],
  ])('publishes the overdue %s and clears its flag', async (_case, owing, detailType) => {
    // Prepare
    await seed(owing);

    // Act
    const summary = await sweep(clients, NOW);

    // Assess
    expect(summary).toEqual({ checked: 1, reaped: [], delivered: ['acme'], stillPending: [], errors: 0 });
    expect(
      double.eventBridge.published().map((e) => [e.detailType, (e.detail as { outcomeId: string }).outcomeId]),
    ).toEqual([[detailType, `${owing.outcomePending}:${executionArn('acme')}`]]);
    expect(await stored('acme')).toMatchObject({ status: owing.status });
    expect(await stored('acme')).not.toHaveProperty('outcomePending');
    expect(double.sns.published()).toEqual([]);
  });

  it("leaves an outcome pending for less than 5 minutes to the workflow's own retries", async () => {
    // Prepare
    await seed(owingProvisioned('acme', ago(OUTCOME_OVERDUE_MS - 1)));

    // Act
    const summary = await sweep(clients, NOW);

    // Assess
    expect(summary.checked).toBe(0);
    expect(double.eventBridge.published()).toEqual([]);
    expect(await stored('acme')).toMatchObject({ outcomePending: 'provisioned' });
  });

  it.each<[string, number, number]>([
    ['for 30 minutes: counted, no alert yet', 30 * MINUTE, 0],
    ['for over an hour: on-call is alerted', OUTCOME_ALERT_AFTER_MS + MINUTE, 1],
  ])('keeps an outcome that still cannot be published pending %s', async (_case, age, alerts) => {
    // Prepare
    await seed(owingProvisioned('acme', ago(age)));
    double.eventBridge.failEntries({ times: 10, errorCode: 'AccessDeniedException', errorMessage: 'not authorized' });

    // Act
    const summary = await sweep(clients, NOW);

    // Assess
    expect(summary).toEqual({ checked: 1, reaped: [], delivered: [], stillPending: ['acme'], errors: 1 });
    expect(await stored('acme')).toMatchObject({ status: 'ACTIVE', outcomePending: 'provisioned' });
    const messages = double.sns.published();
    expect(messages).toHaveLength(alerts);
    if (alerts > 0) {
      expect(messages[0]).toMatchObject({
        topicArn: TOPIC_ARN,
        subject: 'Outcome event of tenant acme undelivered',
        message: expect.stringContaining('The provisioned event of tenant acme (status ACTIVE'),
      });
    }
  });

  it('sweeps the other records when one fails, and counts the failure', async () => {
    // Prepare: Step Functions throttles the first lookup only
    await seed(record('acme'), record('beta'), owingProvisioned('gamma', ago(10 * MINUTE)));
    sfn
      .on(DescribeExecutionCommand)
      .rejectsOnce(
        new SFNServiceException({
          name: 'ThrottlingException',
          $fault: 'client',
          message: 'Rate exceeded',
          $metadata: {},
        }),
      )
      .resolves(described('ABORTED'));

    // Act
    const summary = await sweep(clients, NOW);

    // Assess
    expect(summary.checked).toBe(3);
    expect(summary.errors).toBe(1);
    expect(summary.reaped).toHaveLength(1);
    expect(summary.delivered).toEqual(['gamma']);
    expect((await double.dynamodb.items(TABLE)).filter((r) => r.status === 'PROVISIONING')).toHaveLength(1);
  });

  it('publishes a record it reaped once, not again as an overdue outcome', async () => {
    // Prepare
    await seed(record('acme'));
    sfn.on(DescribeExecutionCommand).resolves(described('TIMED_OUT'));

    // Act
    await sweep(clients, NOW);
    const again = await sweep(clients, NOW);

    // Assess
    expect(again).toEqual({ checked: 0, reaped: [], delivered: [], stillPending: [], errors: 0 });
    expect(double.eventBridge.published()).toHaveLength(1);
    expect(double.sns.published()).toHaveLength(1);
  });

  describe('handler', () => {
    it('returns the summary of a clean sweep', async () => {
      // Prepare
      await seed(owingProvisioned('acme', ago(10 * MINUTE)));

      // Act
      const summary = await handler({}, lambdaContext());

      // Assess
      expect(summary).toEqual({ checked: 1, reaped: [], delivered: ['acme'], stillPending: [], errors: 0 });
    });

    it('fails the run, after sweeping the rest, when a record could not be reconciled', async () => {
      // Prepare
      await seed(record('acme'), owingProvisioned('beta', ago(10 * MINUTE)));
      sfn
        .on(DescribeExecutionCommand)
        .rejects(
          new SFNServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'no', $metadata: {} }),
        );

      // Act
      const result = handler({}, lambdaContext());

      // Assess
      await expect(result).rejects.toThrow('sweep: 1 tenant(s) could not be reconciled; see the log');
      expect(await stored('beta')).not.toHaveProperty('outcomePending');
      expect(await stored('acme')).toMatchObject({ status: 'PROVISIONING' });
    });
  });
});
