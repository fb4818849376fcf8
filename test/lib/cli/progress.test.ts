import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { EXIT } from '../../../lib/cli/exit-codes';
import { onboardingResult, renderResult } from '../../../lib/cli/outcome';
import { clock, progressOf, readableCause, stepLine } from '../../../lib/cli/progress';
import { failedHistory, HistoryBuilder, MIGRATION_FAILURE, succeededHistory } from '../../support/cli/history';

const EXECUTION = 'arn:aws:states:us-east-1:111122223333:execution:tenant-db-provisioning:acme-pro-1';

describe('progressOf', () => {
  it('reports each step once, with the time it ended, even when the workflow loops on it', () => {
    // Act
    const progress = progressOf(succeededHistory());

    // Assess
    expect(progress.completed.map(stepLine)).toEqual([
      '✔ ValidateInput      0:01',
      '✔ ClaimTenant        0:02',
      '✔ CreateInstance     0:42',
      '✔ WaitForInstance    10:10',
      '✔ StoreCredentials   10:12',
      '✔ RunMigrations      10:40',
      '✔ ConfigureBackups   11:40',
      '✔ ConfigureAlarms    11:42',
      '✔ MarkActive         11:43',
    ]);
    expect(progress.end).toEqual({ status: 'SUCCEEDED', elapsedSeconds: 703, error: undefined, cause: undefined });
    expect(progress.current).toBeUndefined();
  });

  it('reports the step whose error reached a Catch as failed, with the message rather than the stack trace', () => {
    // Act
    const progress = progressOf(failedHistory());

    // Assess
    expect(progress.completed.map(stepLine)).toEqual([
      '✔ ValidateInput      0:01',
      '✔ ClaimTenant        0:02',
      '✔ CreateInstance     0:42',
      '✔ WaitForInstance    5:00',
      '✔ StoreCredentials   5:02',
      `✖ RunMigrations      6:03  MigrationError: ${MIGRATION_FAILURE}`,
      '✔ Rollback           10:00',
      '✔ RecordFailure      10:01',
    ]);
    expect(progress.end).toEqual({
      status: 'FAILED',
      elapsedSeconds: 601,
      error: 'MigrationError',
      cause: `RunMigrations: ${MIGRATION_FAILURE}`,
    });
  });

  it('works from a metadata-only history: state names and times, failures without error or cause', () => {
    // Prepare
    // GetExecutionHistory with includeExecutionData false on a state machine encrypted with a customer-managed key.
    const events = new HistoryBuilder()
      .started()
      .step('ValidateInput', 0, 1)
      .step('ClaimTenant', 1, 2)
      .entered('CreateInstance', 2)
      .scheduled(2)
      .taskFailed(40)
      .step('Rollback', 41, 90)
      .step('RecordFailure', 90, 91)
      .failed(91)
      .build();

    // Act
    const progress = progressOf(events);

    // Assess
    expect(progress.completed.map(stepLine)).toEqual([
      '✔ ValidateInput      0:01',
      '✔ ClaimTenant        0:02',
      '✖ CreateInstance     0:41',
      '✔ Rollback           1:30',
      '✔ RecordFailure      1:31',
    ]);
    expect(progress.end).toEqual({ status: 'FAILED', elapsedSeconds: 91, error: undefined, cause: undefined });
    expect(
      onboardingResult({
        tenantId: 'acme',
        tier: 'pro',
        executionArn: EXECUTION,
        end: progress.end as NonNullable<typeof progress.end>,
        steps: progress.completed,
        record: undefined,
      }),
    ).toMatchObject({
      exitCode: EXIT.provisioningFailed,
      failedStep: 'CreateInstance',
      reason: 'the execution failed',
    });
  });

  it('clears a failure that a retry recovered from', () => {
    // Prepare
    const events = new HistoryBuilder()
      .started()
      .entered('CreateInstance', 0)
      .scheduled(0)
      .lambdaFailed(5, 'RetryableError', 'Throttling')
      .scheduled(15)
      .exited('CreateInstance', 20)
      .step('WaitForInstance', 20, 30)
      .build();

    // Act
    const progress = progressOf(events);

    // Assess
    expect(progress.completed).toEqual([{ step: 'CreateInstance', status: 'succeeded', elapsedSeconds: 20 }]);
    expect(progress.current).toBe('WaitForInstance');
    expect(progress.end).toBeUndefined();
  });

  it('reports a failure from a direct Lambda integration too', () => {
    // Prepare
    const events = new HistoryBuilder()
      .started()
      .entered('ConfigureAlarms', 0)
      .scheduled(0)
      .lambdaFailed(3, 'AwsRequestError', 'PutMetricAlarm failed: AccessDenied')
      .step('Rollback', 4, 9)
      .build();

    // Act
    const [alarms] = progressOf(events).completed;

    // Assess
    expect(alarms).toEqual({
      step: 'ConfigureAlarms',
      status: 'failed',
      elapsedSeconds: 4,
      error: 'AwsRequestError',
      cause: 'PutMetricAlarm failed: AccessDenied',
    });
  });
});

describe('formatting', () => {
  it.each([
    [0, '0:00'],
    [42, '0:42'],
    [610, '10:10'],
    [3600, '1:00:00'],
    [3725, '1:02:05'],
  ])('clock(%i) is %s', (seconds, expected) => {
    // Act / Assess
    expect(clock(seconds)).toBe(expected);
  });

  it.each([
    [
      'a Lambda error document',
      JSON.stringify({ errorType: 'X', errorMessage: 'the message', trace: ['a'] }),
      'the message',
    ],
    ['plain text', 'instance entered state failed', 'instance entered state failed'],
    ['JSON without a message', '{"code":1}', '{"code":1}'],
    ['nothing', undefined, undefined],
  ])('readableCause of %s', (_name, cause, expected) => {
    // Act / Assess
    expect(readableCause(cause)).toBe(expected);
  });
});

describe('onboardingResult', () => {
  const base = { tenantId: 'acme', tier: 'pro', executionArn: EXECUTION };
  const record = (fields: Partial<TenantRecord>): TenantRecord => ({
    tenantId: 'acme',
    tier: 'pro',
    status: 'ACTIVE',
    attempt: 1,
    requestId: 'acme-pro-1',
    requestedBy: 'jane',
    executionArn: EXECUTION,
    createdAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T10:11:43Z',
    ...fields,
  });
  const finished = (events: HistoryEvent[]) => {
    const { completed, end } = progressOf(events);
    if (!end) throw new Error('the history does not end');
    return { completed, end };
  };
  const succeeded = finished(succeededHistory());
  const failed = finished(failedHistory());

  it('succeeds with the endpoint and secret ARN of an ACTIVE tenant', () => {
    // Act
    const result = onboardingResult({
      ...base,
      end: succeeded.end,
      steps: succeeded.completed,
      record: record({
        instanceId: 'tenant-acme',
        endpointAddress: 'tenant-acme.c1.us-east-1.rds.amazonaws.com',
        endpointPort: 5432,
        secretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:saas/tenant/acme/app-AbCdEf',
      }),
    });

    // Assess
    expect(result).toMatchObject({
      exitCode: EXIT.ok,
      endpoint: { address: 'tenant-acme.c1.us-east-1.rds.amazonaws.com', port: 5432, database: 'tenant' },
      secretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:saas/tenant/acme/app-AbCdEf',
    });
    expect(renderResult(result)).toContain('endpoint  tenant-acme.c1.us-east-1.rds.amazonaws.com:5432');
  });

  it('does not call a succeeded duplicate execution a provisioned tenant', () => {
    // Act
    const result = onboardingResult({
      ...base,
      end: succeeded.end,
      steps: [],
      record: record({ status: 'PROVISIONING', executionArn: `${EXECUTION}-other` }),
    });

    // Assess
    expect(result.exitCode).toBe(EXIT.provisioningFailed);
    expect(result.reason).toMatch(/duplicate request.*PROVISIONING/);
  });

  it.each([
    [
      'from the registry when the record is this execution’s',
      record({
        status: 'FAILED',
        failedStep: 'RunMigrations',
        failureReason: 'migration 0002 failed: relation exists',
      }),
      { failedStep: 'RunMigrations', reason: 'migration 0002 failed: relation exists' },
    ],
    [
      'from the history when the record belongs to another attempt',
      record({
        status: 'FAILED',
        executionArn: `${EXECUTION}-0`,
        failedStep: 'CreateInstance',
        failureReason: 'older',
      }),
      { failedStep: 'RunMigrations', reason: `RunMigrations: ${MIGRATION_FAILURE}` },
    ],
  ])('explains a failure %s', (_name, after, expected) => {
    // Act
    const result = onboardingResult({ ...base, end: failed.end, steps: failed.completed, record: after });

    // Assess
    expect(result).toMatchObject({ exitCode: EXIT.provisioningFailed, ...expected });
    expect(renderResult(result)).toContain(`failed at step ${expected.failedStep}`);
    expect(renderResult(result)).toContain(`reason    ${expected.reason}`);
  });

  it('tells the operator what rollback left behind', () => {
    // Act
    const text = renderResult(
      onboardingResult({
        ...base,
        end: failed.end,
        steps: failed.completed,
        record: record({
          status: 'ROLLBACK_FAILED',
          failedStep: 'RunMigrations',
          failureReason: 'x',
          leftovers: ['db-instance:tenant-acme'],
        }),
      }),
    );

    // Assess
    expect(text).toContain('ROLLBACK_FAILED: rollback could not remove db-instance:tenant-acme');
  });
});
