import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import {
  cleanupCommands,
  failedEventDetail,
  failureRecordOf,
  failureStatus,
  isRejectedRequest,
  rejectedEventDetail,
  rollbackFailedAlert,
} from '../../../lambdas/record-failure/failure-record';
import { handler } from '../../../lambdas/record-failure/handler';
import type {
  CaughtError,
  FailedEventDetail,
  RollbackResult,
  TenantRecord,
  ValidatedRequest,
} from '../../../lambdas/shared/contracts';
import type { FailureState } from '../../../lambdas/shared/failure';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';
import { AwsDouble, installAwsDouble, registryTable } from '../../../lib/local/aws';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';
import { OUTCOME_TARGETS, useOutcomeClients } from '../../support/outcome-clients';
import { captureOutput, type OutputCapture } from '../../support/output-capture';

const ACCOUNT = '123456789012';
const { table: TABLE, bus: BUS, topicArn: TOPIC_ARN } = OUTCOME_TARGETS;
const INSTANCE_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:db:tenant-acme`;
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:saas/tenant/acme/app-AbCdEf`;
const TIERS = Object.keys(DEFAULT_TIERS);

function executionArn(tier: string): string {
  return `arn:aws:states:us-east-1:${ACCOUNT}:execution:tenant-db-provisioning:acme-${tier}-1`;
}

const REJECTED_EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:tenant-db-provisioning:rejected-1`;

/** The RecordFailure payload the workflow sends: the state plus the execution ARN from the context object. */
function envelope(state: FailureState) {
  return { state, executionArn: state.request?.executionArn ?? REJECTED_EXECUTION_ARN };
}

function lambdaError(errorType: string, errorMessage: string): CaughtError {
  return { Error: errorType, Cause: JSON.stringify({ errorType, errorMessage, trace: [] }) };
}

/** A state that failed at RunMigrations (everything before it finished). */
function failedAtMigrations(tier: string, extra: FailureState = {}): FailureState {
  const request: ValidatedRequest = {
    tenantId: 'acme',
    tier,
    tierDefinition: DEFAULT_TIERS[tier] as TierDefinition,
    requestedBy: 'ops',
    requestId: `acme-${tier}-1`,
    metadata: {},
    executionArn: executionArn(tier),
    executionName: `acme-${tier}-1`,
  };
  return {
    tenantId: 'acme',
    tier,
    request,
    claim: { outcome: 'CLAIMED', attempt: 1 },
    instance: { instanceId: 'tenant-acme', instanceArn: INSTANCE_ARN, deadline: '2026-11-26T12:00:00.000Z' },
    readiness: { status: 'AVAILABLE', endpointAddress: 'h', endpointPort: 5432, polls: 5 },
    credentials: { secretArn: SECRET_ARN, secretName: 'saas/tenant/acme/app' },
    error: lambdaError('AwsRequestError', 'could not authenticate to the tenant database as tenant_admin'),
    ...extra,
  };
}

const rollback = (overrides: Partial<RollbackResult> = {}): RollbackResult => ({
  complete: true,
  leftovers: [],
  deleted: [`secret:${SECRET_ARN}`],
  passes: 3,
  exhausted: false,
  ...overrides,
});

const GAVE_UP = rollback({
  complete: false,
  exhausted: true,
  passes: 120,
  leftovers: ['db-instance:tenant-acme', `secret:${SECRET_ARN}`],
});

describe('failureStatus and failureRecordOf', () => {
  it.each<[string, FailureState, string, string]>([
    ['no rollback (nothing created yet)', {}, 'FAILED', 'AwsRequestError'],
    ['a finished rollback', { rollback: rollback() }, 'FAILED', 'AwsRequestError'],
    ['a rollback that gave up', { rollback: GAVE_UP }, 'ROLLBACK_FAILED', 'RollbackFailed'],
    [
      'a Rollback step that failed',
      { rollback: rollback({ complete: false, passes: 2 }), rollbackError: lambdaError('AwsRequestError', 'denied') },
      'ROLLBACK_FAILED',
      'RollbackFailed',
    ],
  ])('after %s the status is %s', (_case, extra, status, error) => {
    // Prepare
    const state = failedAtMigrations('pro', extra);

    // Act
    const record = failureRecordOf(state);

    // Assess
    expect(failureStatus(state)).toBe(status);
    expect(record).toEqual({
      error,
      reason: expect.stringMatching(/^RunMigrations: could not authenticate to the tenant database as tenant_admin/),
      failedStep: 'RunMigrations',
      status,
    });
  });

  it('names an unknown error when the state carries none', () => {
    // Act
    const record = failureRecordOf({ ...failedAtMigrations('starter'), error: undefined });

    // Assess
    expect(record.error).toBe('UnknownError');
  });
});

describe('isRejectedRequest', () => {
  it.each<[string, FailureState, boolean]>([
    ['input ValidateInput refused (no request)', { tenantId: 'Bad Id' }, true],
    ['a claim that was refused (a request, no claim)', { request: failedAtMigrations('pro').request }, true],
    ['an execution that claimed the tenant', failedAtMigrations('pro'), false],
  ])('%s → %s', (_case, state, rejected) => {
    // Act & Assess
    expect(isRejectedRequest(state)).toBe(rejected);
  });
});

describe('rejectedEventDetail', () => {
  it.each([
    ['a short tenant id as given', { tenantId: 'Not A Valid Id', tier: 'gold' }, 'Not A Valid Id', 'gold'],
    ['64 characters as given', { tenantId: 'x'.repeat(64), tier: 'pro' }, 'x'.repeat(64), 'pro'],
    ['65 characters as invalid', { tenantId: 'x'.repeat(65), tier: 'pro' }, '(invalid)', 'pro'],
    ['a 100 KB tenant id as invalid', { tenantId: 'x'.repeat(100_000), tier: 'pro' }, '(invalid)', 'pro'],
    ['a number as invalid', { tenantId: 42, tier: ['pro'] }, '(invalid)', '(invalid)'],
    ['a missing tenant id as invalid', {}, '(invalid)', '(invalid)'],
    ['a line break escaped', { tenantId: 'acme\nforged', tier: 'pro' }, 'acme\\u{a}forged', 'pro'],
    ['a bidi override escaped', { tenantId: 'acme\u202eemca', tier: 'pro\u0000' }, 'acme\\u{202e}emca', 'pro\\u{0}'],
  ])('reports rejected input with %s', (_case, input, tenantId, tier) => {
    // Prepare
    const state = {
      ...input,
      error: lambdaError('ValidationError', 'tenantId: must be 3-32 characters long'),
    } as FailureState;
    const record = failureRecordOf(state);

    // Act
    const detail = rejectedEventDetail(state, record, REJECTED_EXECUTION_ARN);

    // Assess
    expect(detail).toEqual({
      outcomeId: `rejected:${REJECTED_EXECUTION_ARN}`,
      tenantId,
      tier,
      executionArn: REJECTED_EXECUTION_ARN,
      requestId: '(invalid)',
      status: 'REJECTED',
      rejectedStep: 'ValidateInput',
      error: 'ValidationError',
      reason: 'ValidateInput: tenantId: must be 3-32 characters long',
    });
  });

  it('escapes unprintable characters of the reason', () => {
    // Prepare
    const state = { tenantId: 'acme', error: lambdaError('ValidationError', 'requestedBy: bad\u202e\u0007') };

    // Act
    const detail = rejectedEventDetail(state, failureRecordOf(state), REJECTED_EXECUTION_ARN);

    // Assess
    expect(detail.reason).toBe('ValidateInput: requestedBy: bad\\u{202e}\\u{7}');
  });

  it('reports a claim that was refused with the validated request', () => {
    // Prepare
    const { request } = failedAtMigrations('pro');
    const state: FailureState = {
      request,
      error: lambdaError('TenantConflictError', 'tenant acme is already ACTIVE on tier pro'),
    };

    // Act
    const detail = rejectedEventDetail(state, failureRecordOf(state), executionArn('pro'));

    // Assess
    expect(detail).toEqual({
      outcomeId: `rejected:${executionArn('pro')}`,
      tenantId: 'acme',
      tier: 'pro',
      executionArn: executionArn('pro'),
      requestId: 'acme-pro-1',
      status: 'REJECTED',
      rejectedStep: 'ClaimTenant',
      error: 'TenantConflictError',
      reason: 'ClaimTenant: tenant acme is already ACTIVE on tier pro',
    });
  });
});

describe('failedEventDetail', () => {
  it('echoes short raw input escaped and carries the failed outcome id', () => {
    // Prepare
    const state = { tenantId: 'acme\u202e', tier: 'pro', error: lambdaError('ValidationError', 'tenantId: bad') };

    // Act
    const detail = failedEventDetail(state, failureRecordOf(state), REJECTED_EXECUTION_ARN);

    // Assess
    expect(detail).toMatchObject({ outcomeId: `failed:${REJECTED_EXECUTION_ARN}`, tenantId: 'acme\\u{202e}' });
  });

  it.each(TIERS)('reports the validated request of a %s execution, with leftovers', (tier) => {
    // Prepare
    const state = failedAtMigrations(tier, { rollback: GAVE_UP });

    // Act
    const detail = failedEventDetail(state, failureRecordOf(state), executionArn(tier));

    // Assess
    expect(detail).toMatchObject({
      tenantId: 'acme',
      tier,
      executionArn: executionArn(tier),
      requestId: `acme-${tier}-1`,
      status: 'ROLLBACK_FAILED',
      leftovers: GAVE_UP.leftovers,
    });
  });
});

describe('cleanupCommands', () => {
  it.each([
    [
      'db-instance:tenant-acme',
      [
        'aws rds modify-db-instance --db-instance-identifier tenant-acme --no-deletion-protection --apply-immediately',
        'aws rds delete-db-instance --db-instance-identifier tenant-acme --skip-final-snapshot --delete-automated-backups',
      ],
    ],
    [
      `secret:${SECRET_ARN}`,
      [`aws secretsmanager delete-secret --secret-id ${SECRET_ARN} --force-delete-without-recovery`],
    ],
    [
      'alarm:tenant-alarm-acme-cpu-utilization',
      ['aws cloudwatch delete-alarms --alarm-names tenant-alarm-acme-cpu-utilization'],
    ],
    [
      `backup-replication:${INSTANCE_ARN}`,
      [
        `aws rds stop-db-instance-automated-backups-replication --region us-west-2 --source-db-instance-arn ${INSTANCE_ARN}`,
      ],
    ],
    [
      'replicated-backups:arn:aws:rds:us-west-2:123456789012:auto-backup:ab-example',
      [
        'aws rds delete-db-instance-automated-backup --region us-west-2 --db-instance-automated-backups-arn arn:aws:rds:us-west-2:123456789012:auto-backup:ab-example',
      ],
    ],
    ['queue:x', ['(no command known for queue:x: remove it by hand)']],
  ])('removes %s', (leftover, expected) => {
    // Act
    const commands = cleanupCommands(leftover, 'us-west-2');

    // Assess
    expect(commands).toEqual(expected);
  });
});

describe('rollbackFailedAlert', () => {
  const detail: FailedEventDetail = {
    outcomeId: `failed:${executionArn('enterprise')}`,
    tenantId: 'a'.repeat(32),
    tier: 'enterprise',
    executionArn: executionArn('enterprise'),
    requestId: 'r-1',
    failedStep: 'ConfigureBackups',
    reason: 'ConfigureBackups: KMS key not accessible',
    status: 'ROLLBACK_FAILED',
    leftovers: ['db-instance:tenant-acme', `secret:${SECRET_ARN}`],
  };
  const where = { registryTable: TABLE, backupRegion: 'us-west-2' };

  it('has a subject SNS accepts: at most 100 printable ASCII characters on one line', () => {
    // Act
    const { subject } = rollbackFailedAlert(detail, where);

    // Assess
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('lists every leftover with its cleanup commands and the registry fix', () => {
    // Act
    const { message } = rollbackFailedAlert(detail, where);

    // Assess
    expect(message).toContain('failed at ConfigureBackups, and its rollback did not finish');
    expect(message).toContain('Reason: ConfigureBackups: KMS key not accessible');
    for (const leftover of detail.leftovers) expect(message).toContain(`  - ${leftover}`);
    expect(message).toContain('aws rds delete-db-instance --db-instance-identifier tenant-acme');
    expect(message).toContain(`aws secretsmanager delete-secret --secret-id ${SECRET_ARN}`);
    expect(message).toContain(`table ${TABLE}, tenantId ${detail.tenantId}) to status FAILED`);
  });

  it('points to the execution tag when the Rollback step failed before listing leftovers', () => {
    // Act
    const { message } = rollbackFailedAlert({ ...detail, leftovers: [] }, where);

    // Assess
    expect(message).toContain(`tenant-db:execution-arn=${detail.executionArn}`);
  });
});

/** The registry record of the failed execution, PROVISIONING unless `fields` say otherwise. */
function ownedRecord(tier: string, fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme',
    tier,
    status: 'PROVISIONING',
    requestId: `acme-${tier}-1`,
    requestedBy: 'ops',
    executionArn: executionArn(tier),
    attempt: 1,
    createdAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:00:00.000Z',
    ...fields,
  };
}

const MIGRATIONS_REASON = 'RunMigrations: could not authenticate to the tenant database as tenant_admin';

describe('handler', () => {
  const clients = useOutcomeClients();
  const { registry, events, sns } = clients;

  /** The embedded-metric-format documents the handler printed. */
  function emittedMetrics(): Record<string, unknown>[] {
    return clients.output.lines
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** What the consistent re-read after the transition returns: the record as the transition left it. */
  function registryReads(record: TenantRecord | undefined) {
    registry.on(GetCommand).resolves({ Item: record });
  }

  it.each(TIERS)(
    'records a %s failure in the registry, publishes the failed event and returns the record',
    async (tier) => {
      // Prepare
      const state = failedAtMigrations(tier, { rollback: rollback() });
      registryReads(
        ownedRecord(tier, {
          status: 'FAILED',
          failedStep: 'RunMigrations',
          failureReason: MIGRATIONS_REASON,
          leftovers: [],
          outcomePending: 'failed',
        }),
      );

      // Act
      const result = await handler(envelope(state), lambdaContext());

      // Assess
      expect(result).toEqual({
        error: 'AwsRequestError',
        reason: MIGRATIONS_REASON,
        failedStep: 'RunMigrations',
        status: 'FAILED',
      });
      const update = registry.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(update).toMatchObject({
        TableName: TABLE,
        Key: { tenantId: 'acme' },
        ConditionExpression: 'executionArn = :owner AND #status IN (:from0)',
        ExpressionAttributeValues: expect.objectContaining({ ':owner': executionArn(tier), ':from0': 'PROVISIONING' }),
      });
      expect(Object.values(update?.ExpressionAttributeValues ?? {})).toEqual(
        expect.arrayContaining(['FAILED', 'RunMigrations', result.reason, [], 'failed']),
      );
      expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
      const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
      expect(entry).toMatchObject({
        EventBusName: BUS,
        Source: 'tenant-db.provisioning',
        DetailType: 'Tenant Database Provisioning Failed',
        Resources: [executionArn(tier)],
      });
      expect(JSON.parse(entry?.Detail ?? '')).toEqual({
        outcomeId: `failed:${executionArn(tier)}`,
        tenantId: 'acme',
        tier,
        executionArn: executionArn(tier),
        requestId: `acme-${tier}-1`,
        failedStep: 'RunMigrations',
        reason: MIGRATIONS_REASON,
        status: 'FAILED',
        leftovers: [],
      });
      // The outbox flag is cleared after the publish, only while the record is still this execution's FAILED one
      const [, cleared] = registry.commandCalls(UpdateCommand);
      expect(cleared?.args[0].input).toMatchObject({
        UpdateExpression: 'SET #f0 = :v0 REMOVE #r0',
        ExpressionAttributeNames: expect.objectContaining({ '#r0': 'outcomePending' }),
        ExpressionAttributeValues: expect.objectContaining({ ':from0': 'FAILED', ':owner': executionArn(tier) }),
      });
      const [published] = events.commandCalls(PutEventsCommand);
      expect(published && cleared?.calledAfter(published)).toBe(true);
      expect(sns).not.toHaveReceivedCommand(PublishCommand);
      expect(emittedMetrics()).toContainEqual(
        expect.objectContaining({ ProvisioningFailed: 1, step: 'RunMigrations' }),
      );
      expect(emittedMetrics().some((m) => 'RollbackFailed' in m)).toBe(false);
    },
  );

  it.each(TIERS)('alerts on-call and records leftovers when the %s rollback gave up', async (tier) => {
    // Prepare
    const state = failedAtMigrations(tier, { rollback: GAVE_UP });
    registryReads(
      ownedRecord(tier, { status: 'ROLLBACK_FAILED', leftovers: GAVE_UP.leftovers, outcomePending: 'failed' }),
    );

    // Act
    const result = await handler(envelope(state), lambdaContext());

    // Assess
    expect(result).toMatchObject({ error: 'RollbackFailed', status: 'ROLLBACK_FAILED' });
    const values = Object.values(
      registry.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues ?? {},
    );
    expect(values).toEqual(expect.arrayContaining(['ROLLBACK_FAILED', GAVE_UP.leftovers, 'failed']));
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC_ARN,
      Subject: 'ROLLBACK_FAILED: tenant acme needs manual cleanup',
      Message: expect.stringContaining('  - db-instance:tenant-acme'),
    });
    expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    // The Rollback step already counted the exhausted budget; counting again would double the alarm metric.
    expect(emittedMetrics()).toContainEqual(expect.objectContaining({ ProvisioningFailed: 1 }));
    expect(emittedMetrics().some((m) => 'RollbackFailed' in m)).toBe(false);
  });

  it('counts RollbackFailed itself when the Rollback step failed outright', async () => {
    // Prepare
    const state = failedAtMigrations('pro', {
      rollbackError: lambdaError('AwsRequestError', 'Rollback failed: denied'),
    });
    registryReads(ownedRecord('pro', { status: 'ROLLBACK_FAILED', leftovers: [], outcomePending: 'failed' }));

    // Act
    const result = await handler(envelope(state), lambdaContext());

    // Assess
    expect(result.status).toBe('ROLLBACK_FAILED');
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Message: expect.stringContaining('The Rollback step itself failed'),
    });
    expect(emittedMetrics()).toContainEqual(expect.objectContaining({ RollbackFailed: 1 }));
  });

  it.each<[string, FailureState, string, string, string]>([
    [
      'input ValidateInput refused',
      { tenantId: 'Bad Tenant', tier: 'gold', error: lambdaError('ValidationError', 'tenantId: bad') },
      'ValidateInput',
      'ValidationError',
      'Bad Tenant',
    ],
    [
      'a duplicate ClaimTenant refused (the tenant is live)',
      {
        tenantId: 'acme',
        tier: 'pro',
        request: failedAtMigrations('pro').request,
        error: lambdaError('TenantConflictError', 'tenant acme is already ACTIVE on tier pro'),
      },
      'ClaimTenant',
      'TenantConflictError',
      'acme',
    ],
    [
      'a claim DynamoDB refused',
      {
        tenantId: 'acme',
        tier: 'pro',
        request: failedAtMigrations('pro').request,
        error: lambdaError('AwsRequestError', 'ClaimTenant failed: AccessDeniedException: denied'),
      },
      'ClaimTenant',
      'AwsRequestError',
      'acme',
    ],
  ])(
    'publishes a rejected request, writing neither the registry nor to on-call, for %s',
    async (_case, state, rejectedStep, error, tenantId) => {
      // Prepare: the tenant's record (if any) is not this execution's
      registry.on(GetCommand).resolves({});

      // Act
      const result = await handler(envelope(state), lambdaContext());

      // Assess
      expect(result).toMatchObject({ error, failedStep: rejectedStep, status: 'FAILED' });
      expect(registry).not.toHaveReceivedCommand(UpdateCommand);
      expect(registry).not.toHaveReceivedCommand(PutCommand);
      expect(sns).not.toHaveReceivedAnyCommand();
      expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
      const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
      const arn = state.request?.executionArn ?? REJECTED_EXECUTION_ARN;
      expect(entry).toMatchObject({
        EventBusName: BUS,
        Source: 'tenant-db.provisioning',
        DetailType: 'Tenant Database Request Rejected',
        Resources: [arn],
      });
      expect(JSON.parse(entry?.Detail ?? '')).toEqual({
        outcomeId: `rejected:${arn}`,
        tenantId,
        tier: state.tier,
        executionArn: arn,
        requestId: state.request?.requestId ?? '(invalid)',
        status: 'REJECTED',
        rejectedStep,
        error,
        reason: result.reason,
      });
    },
  );

  it('escapes control and bidi characters of a rejected tenant id in the event', async () => {
    // Prepare
    const state = {
      tenantId: 'acme\n{"status":"ACTIVE"}\u202e',
      tier: 'pro\u001b[2J',
      error: lambdaError('ValidationError', 'tenantId: must be 3-32 characters long'),
    } as FailureState;

    // Act
    await handler(envelope(state), lambdaContext());

    // Assess
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    const detail = JSON.parse(entry?.Detail ?? '');
    expect(detail).toMatchObject({
      tenantId: 'acme\\u{a}{"status":"ACTIVE"}\\u{202e}',
      tier: 'pro\\u{1b}[2J',
      status: 'REJECTED',
    });
    expect(`${detail.tenantId}${detail.tier}${detail.reason}`).not.toMatch(/\p{C}/u);
  });

  it.each([
    [
      'EventBridge rejects the entry',
      () => {
        registryReads(ownedRecord('starter', { status: 'FAILED', outcomePending: 'failed' }));
        events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
      },
    ],
    [
      'DynamoDB throttles',
      () => registry.on(UpdateCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' })),
    ],
  ])('asks for a retry when %s', async (_case, prepare) => {
    // Prepare
    prepare();

    // Act
    const outcome = handler(envelope(failedAtMigrations('starter')), lambdaContext());

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'RetryableError' });
  });

  it("publishes nothing when the record is no longer this execution's PROVISIONING record", async () => {
    // Prepare
    registry.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    registryReads(ownedRecord('pro', { status: 'ACTIVE' }));

    // Act
    const result = await handler(envelope(failedAtMigrations('pro')), lambdaContext());

    // Assess
    expect(result.status).toBe('FAILED');
    expect(registry).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(events).not.toHaveReceivedCommand(PutEventsCommand);
  });
});

describe('handler (AWS double)', () => {
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

  const stored = async () => (await double.dynamodb.items(TABLE)).find((item) => item.tenantId === 'acme');
  const failedEvents = () => double.eventBridge.published('Tenant Database Provisioning Failed');

  it.each<[string, Partial<TenantRecord>]>([
    ['ACTIVE (MarkActive won)', { status: 'ACTIVE', instanceId: 'tenant-acme' }],
    [
      'ROLLBACK_FAILED already, its event pending (the sweeper publishes it)',
      { status: 'ROLLBACK_FAILED', outcomePending: 'failed' },
    ],
    ['PROVISIONING by another execution', { executionArn: executionArn('enterprise') }],
    ['FAILED by another execution', { status: 'FAILED', executionArn: executionArn('enterprise') }],
  ])('leaves a record that is %s as it is, and publishes nothing', async (_case, fields) => {
    // Prepare: the execution failed with a finished rollback (FAILED); the record says otherwise
    const seeded = ownedRecord('pro', fields);
    await double.dynamodb.seed(TABLE, { ...seeded });

    // Act
    const result = await handler(envelope(failedAtMigrations('pro', { rollback: rollback() })), lambdaContext());

    // Assess
    expect(result.status).toBe('FAILED');
    expect(await stored()).toEqual({ ...seeded });
    expect(double.eventBridge.published()).toEqual([]);
  });

  it('moves its PROVISIONING record to FAILED, publishes once and clears the pending outcome', async () => {
    // Prepare
    await double.dynamodb.seed(TABLE, { ...ownedRecord('pro') });

    // Act
    await handler(envelope(failedAtMigrations('pro', { rollback: rollback() })), lambdaContext());

    // Assess
    expect(await stored()).toMatchObject({
      status: 'FAILED',
      failedStep: 'RunMigrations',
      failureReason: MIGRATIONS_REASON,
    });
    expect(await stored()).not.toHaveProperty('outcomePending');
    expect(failedEvents().map((e) => e.detail)).toEqual([
      expect.objectContaining({ outcomeId: `failed:${executionArn('pro')}`, status: 'FAILED' }),
    ]);
  });

  it('keeps the outcome pending when the publish fails, and a retry publishes it with the same outcome id', async () => {
    // Prepare
    await double.dynamodb.seed(TABLE, { ...ownedRecord('pro') });
    double.eventBridge.failEntries({ times: 1, errorCode: 'InternalFailure' });
    const event = envelope(failedAtMigrations('pro', { rollback: GAVE_UP }));

    // Act
    const first = await handler(event, lambdaContext()).catch((error: Error) => error);
    const afterFirst = await stored();
    await handler(event, lambdaContext());

    // Assess
    expect(first).toMatchObject({ name: 'RetryableError' });
    expect(afterFirst).toMatchObject({ status: 'ROLLBACK_FAILED', outcomePending: 'failed' });
    expect(await stored()).toMatchObject({ status: 'ROLLBACK_FAILED', leftovers: GAVE_UP.leftovers });
    expect(await stored()).not.toHaveProperty('outcomePending');
    expect(failedEvents().map((e) => (e.detail as FailedEventDetail).outcomeId)).toEqual([
      `failed:${executionArn('pro')}`,
    ]);
    // On-call hears of the leftovers on each attempt; duplicates name the same execution
    expect(double.sns.published().map((m) => m.subject)).toEqual([
      'ROLLBACK_FAILED: tenant acme needs manual cleanup',
      'ROLLBACK_FAILED: tenant acme needs manual cleanup',
    ]);
  });

  it.each<[string, FailureState]>([
    ['invalid input', { tenantId: 'acme', tier: 'gold', error: lambdaError('ValidationError', 'tier: gold') }],
    [
      'a refused claim',
      {
        request: failedAtMigrations('pro').request,
        error: lambdaError('TenantConflictError', 'tenant acme is already being provisioned by execution x'),
      },
    ],
  ])('a rejected request (%s) leaves the record of the live tenant untouched', async (_case, state) => {
    // Prepare: another execution is provisioning acme
    const live = ownedRecord('pro', { executionArn: executionArn('enterprise') });
    await double.dynamodb.seed(TABLE, { ...live });

    // Act
    await handler(envelope(state), lambdaContext());

    // Assess
    expect(await stored()).toEqual({ ...live });
    expect(double.eventBridge.published().map((e) => e.detailType)).toEqual(['Tenant Database Request Rejected']);
    // At most one read (when the input was valid), to see whether the claim's write landed after all; no write.
    expect(double.callsTo('dynamodb').filter((c) => c.command !== 'GetItem')).toEqual([]);
  });

  it("a claim whose write landed but whose step failed for good is recorded as this execution's failure", async () => {
    // Prepare: the claim wrote PROVISIONING for this execution, then its function died on every attempt
    const state = failedAtMigrations('pro');
    const claimed = ownedRecord('pro');
    await double.dynamodb.seed(TABLE, { ...claimed });
    const {
      claim: _claim,
      instance: _instance,
      readiness: _readiness,
      credentials: _credentials,
      ...unclaimed
    } = state;

    // Act
    await handler(
      envelope({ ...unclaimed, error: lambdaError('Lambda.Unknown', 'the function died') }),
      lambdaContext(),
    );

    // Assess: FAILED at ClaimTenant with a failed (not rejected) outcome
    expect(await stored()).toMatchObject({ status: 'FAILED', failedStep: 'ClaimTenant' });
    expect(double.eventBridge.published().map((e) => e.detailType)).toEqual(['Tenant Database Provisioning Failed']);
  });
});
