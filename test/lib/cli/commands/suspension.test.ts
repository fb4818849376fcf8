import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { TenantRecord } from '../../../../lambdas/shared/contracts';
import { suspensionExecutionName } from '../../../../lib/cli/commands/suspension';
import { runTenantctl } from '../../../support/cli/run-cli';

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:us-east-1:111122223333:stateMachine:tenant-db-workflow-suspension';
const NOW = new Date('2026-12-01T10:00:00.000Z');
const EXECUTION = `arn:aws:states:us-east-1:111122223333:execution:tenant-db-workflow-suspension:acme-corp-suspend-20261201T100000Z`;

beforeEach(() => {
  dynamo.reset();
  sfn.reset();
});

function record(fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme-corp',
    tier: 'pro',
    status: 'ACTIVE',
    attempt: 1,
    requestId: 'acme-corp-pro-1',
    requestedBy: 'jane',
    executionArn: 'arn:aws:states:us-east-1:111122223333:execution:sm:acme-corp-pro-1',
    createdAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T10:30:00Z',
    ...fields,
  };
}

const run = (command: string, ...args: string[]) =>
  runTenantctl(
    [command, 'acme-corp', '--registry-table', 'registry', '--suspension-state-machine-arn', MACHINE, ...args],
    {
      now: () => NOW,
    },
  );

describe('tenantctl suspend and resume', () => {
  it('starts a suspension of an ACTIVE tenant, named after the tenant, the operation and the time', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record() });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });

    // Act
    const result = await run('suspend', '--requested-by', 'billing-ops');

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Started the suspend of acme-corp (execution ${EXECUTION})`);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: MACHINE,
      name: 'acme-corp-suspend-20261201T100000Z',
      input: JSON.stringify({ tenantId: 'acme-corp', operation: 'suspend', requestedBy: 'billing-ops' }),
    });
  });

  it.each<[string, string, Partial<TenantRecord>, RegExp]>([
    [
      'a busy tenant, naming the operation in progress',
      'resume',
      {
        status: 'SUSPENDING',
        operation: {
          name: 'suspend',
          executionArn: EXECUTION,
          requestedBy: 'billing',
          startedAt: '2026-12-01T09:59:00Z',
        },
      },
      /tenant acme-corp is busy: suspend by billing since 2026-12-01T09:59:00Z/,
    ],
    ['an ACTIVE tenant asked to resume', 'resume', {}, /tenant acme-corp is ACTIVE; resume needs SUSPENDED/],
    ['a suspended tenant asked to suspend', 'suspend', { status: 'SUSPENDED' }, /is SUSPENDED; suspend needs ACTIVE/],
  ])('refuses %s before starting anything (exit 4)', async (_case, command, fields, message) => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record(fields) });

    // Act
    const result = await run(command);

    // Assess
    expect(result.code).toBe(4);
    expect(result.err).toMatch(message);
    expect(sfn.commandCalls(StartExecutionCommand)).toEqual([]);
  });

  it('refuses a tenant the registry does not know (exit 2), starting nothing', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    const result = await run('resume');

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toContain('is not in the registry table registry');
    expect(sfn.commandCalls(StartExecutionCommand)).toEqual([]);
  });

  it('rejects a bad tenant id before any AWS call (exit 2)', async () => {
    // Act
    const result = await runTenantctl(['suspend', 'Acme!', '--registry-table', 'registry']);

    // Assess
    expect(result.code).toBe(2);
    expect(dynamo.calls()).toEqual([]);
  });

  it.each<[string, { status: string; error?: string; cause?: string }, TenantRecord['status'], number]>([
    ['succeeds', { status: 'SUCCEEDED' }, 'SUSPENDED', 0],
    [
      'fails at a step',
      { status: 'FAILED', error: 'AwsRequestError', cause: 'StopInstance: access denied' },
      'SUSPEND_FAILED',
      1,
    ],
    [
      'is refused by the workflow (a race)',
      { status: 'FAILED', error: 'TenantConflictError', cause: 'busy' },
      'SUSPENDING',
      4,
    ],
  ])('with --wait follows the execution that %s', async (_case, execution, after, code) => {
    // Prepare
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: record() })
      .resolves({ Item: record({ status: after }) });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolves(execution as never);

    // Act
    const result = await run('suspend', '--wait', '--json');

    // Assess
    expect(result.code).toBe(code);
    expect(JSON.parse(result.out)).toMatchObject({ executionStatus: execution.status, tenantStatus: after });
  });

  it('names executions uniquely per second', () => {
    expect(suspensionExecutionName('acme', 'resume', new Date('2026-12-01T10:00:01.250Z'))).toBe(
      'acme-resume-20261201T100001Z',
    );
  });
});
