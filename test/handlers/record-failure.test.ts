import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import {
  cleanupCommands,
  failedEventDetail,
  failureRecordOf,
  failureStatus,
  rollbackFailedAlert,
} from '../../lambdas/record-failure/failure-record';
import { handler } from '../../lambdas/record-failure/handler';
import type { CaughtError, FailedEventDetail, RollbackResult, ValidatedRequest } from '../../lambdas/shared/contracts';
import type { FailureState } from '../../lambdas/shared/failure';
import { DEFAULT_TIERS, type TierDefinition } from '../../lambdas/shared/tiers';
import { OUTCOME_TARGETS, useOutcomeClients } from '../support/outcome-clients';

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

describe('failedEventDetail', () => {
  it.each([
    ['a short tenant id as given', { tenantId: 'Not A Valid Id', tier: 'gold' }, 'Not A Valid Id', 'gold'],
    ['64 characters as given', { tenantId: 'x'.repeat(64), tier: 'pro' }, 'x'.repeat(64), 'pro'],
    ['65 characters as invalid', { tenantId: 'x'.repeat(65), tier: 'pro' }, '(invalid)', 'pro'],
    ['a number as invalid', { tenantId: 42, tier: ['pro'] }, '(invalid)', '(invalid)'],
    ['a missing tenant id as invalid', {}, '(invalid)', '(invalid)'],
  ])('reports rejected input with %s', (_case, input, tenantId, tier) => {
    // Prepare
    const state = {
      ...input,
      error: lambdaError('ValidationError', 'tenantId: must be 3-32 characters long'),
    } as FailureState;
    const record = failureRecordOf(state);

    // Act
    const detail = failedEventDetail(state, record, '');

    // Assess
    expect(detail).toEqual({
      tenantId,
      tier,
      executionArn: '',
      requestId: '(invalid)',
      failedStep: 'ValidateInput',
      reason: 'ValidateInput: tenantId: must be 3-32 characters long',
      status: 'FAILED',
      leftovers: [],
    });
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

describe('handler', () => {
  const clients = useOutcomeClients();
  const { registry, events, sns } = clients;

  /** The embedded-metric-format documents the handler printed. */
  function emittedMetrics(): Record<string, unknown>[] {
    return clients.output.lines
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it.each(TIERS)(
    'records a %s failure in the registry, publishes the failed event and returns the record',
    async (tier) => {
      // Prepare
      const state = failedAtMigrations(tier, { rollback: rollback() });

      // Act
      const result = await handler(envelope(state));

      // Assess
      expect(result).toEqual({
        error: 'AwsRequestError',
        reason: 'RunMigrations: could not authenticate to the tenant database as tenant_admin',
        failedStep: 'RunMigrations',
        status: 'FAILED',
      });
      const update = registry.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(update).toMatchObject({
        TableName: TABLE,
        Key: { tenantId: 'acme' },
        ConditionExpression: 'executionArn = :owner',
        ExpressionAttributeValues: expect.objectContaining({ ':owner': executionArn(tier) }),
      });
      expect(Object.values(update?.ExpressionAttributeValues ?? {})).toEqual(
        expect.arrayContaining(['FAILED', 'RunMigrations', result.reason, []]),
      );
      expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
      const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
      expect(entry).toMatchObject({
        EventBusName: BUS,
        Source: 'tenant-db.provisioning',
        DetailType: 'Tenant Database Provisioning Failed',
        Resources: [executionArn(tier)],
      });
      expect(JSON.parse(entry?.Detail ?? '')).toMatchObject({
        tenantId: 'acme',
        tier,
        status: 'FAILED',
        leftovers: [],
      });
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

    // Act
    const result = await handler(envelope(state));

    // Assess
    expect(result).toMatchObject({ error: 'RollbackFailed', status: 'ROLLBACK_FAILED' });
    const values = Object.values(
      registry.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues ?? {},
    );
    expect(values).toEqual(expect.arrayContaining(['ROLLBACK_FAILED', GAVE_UP.leftovers]));
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC_ARN,
      Subject: 'ROLLBACK_FAILED: tenant acme needs manual cleanup',
      Message: expect.stringContaining('  - db-instance:tenant-acme'),
    });
    // The Rollback step already counted the exhausted budget; counting again would double the alarm metric.
    expect(emittedMetrics()).toContainEqual(expect.objectContaining({ ProvisioningFailed: 1 }));
    expect(emittedMetrics().some((m) => 'RollbackFailed' in m)).toBe(false);
  });

  it('counts RollbackFailed itself when the Rollback step failed outright', async () => {
    // Prepare
    const state = failedAtMigrations('pro', {
      rollbackError: lambdaError('AwsRequestError', 'Rollback failed: denied'),
    });

    // Act
    const result = await handler(envelope(state));

    // Assess
    expect(result.status).toBe('ROLLBACK_FAILED');
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Message: expect.stringContaining('The Rollback step itself failed'),
    });
    expect(emittedMetrics()).toContainEqual(expect.objectContaining({ RollbackFailed: 1 }));
  });

  it('publishes the failed event for rejected input without touching the registry', async () => {
    // Prepare
    const state = {
      tenantId: 'Bad Tenant',
      tier: 'gold',
      error: lambdaError('ValidationError', 'tenantId: bad'),
    } as FailureState;

    // Act
    const result = await handler(envelope(state));

    // Assess
    expect(result).toEqual({
      error: 'ValidationError',
      reason: 'ValidateInput: tenantId: bad',
      failedStep: 'ValidateInput',
      status: 'FAILED',
    });
    expect(registry).not.toHaveReceivedAnyCommand();
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry?.Resources).toEqual([REJECTED_EXECUTION_ARN]);
    expect(JSON.parse(entry?.Detail ?? '')).toMatchObject({
      tenantId: 'Bad Tenant',
      tier: 'gold',
      failedStep: 'ValidateInput',
    });
    expect(emittedMetrics()).toContainEqual(expect.objectContaining({ ProvisioningFailed: 1, step: 'ValidateInput' }));
  });

  it("leaves a live tenant's record alone when a duplicate was rejected at ClaimTenant", async () => {
    // Prepare
    const { request } = failedAtMigrations('pro');
    const state: FailureState = {
      tenantId: 'acme',
      tier: 'pro',
      request,
      error: lambdaError('TenantConflictError', 'tenant acme is already ACTIVE on tier pro'),
    };
    registry.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));

    // Act
    const result = await handler(envelope(state));

    // Assess
    expect(result).toEqual({
      error: 'TenantConflictError',
      reason: 'ClaimTenant: tenant acme is already ACTIVE on tier pro',
      failedStep: 'ClaimTenant',
      status: 'FAILED',
    });
    expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it.each([
    [
      'EventBridge rejects the entry',
      () => events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] }),
    ],
    [
      'DynamoDB throttles',
      () => registry.on(UpdateCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' })),
    ],
  ])('asks for a retry when %s', async (_case, prepare) => {
    // Prepare
    prepare();

    // Act
    const outcome = handler(envelope(failedAtMigrations('starter')));

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'RetryableError' });
  });
});
