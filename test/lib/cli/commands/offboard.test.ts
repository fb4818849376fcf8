import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { TenantRecord } from '../../../../lambdas/shared/contracts';
import { renderRecord } from '../../../../lib/cli/render';
import { runTenantctl } from '../../../support/cli/run-cli';

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const cloudFormation = mockClient(CloudFormationClient);
const MACHINE = 'arn:aws:states:us-east-1:111122223333:stateMachine:tenant-db-workflow-offboarding';
const NOW = new Date('2026-12-15T08:00:00.000Z');
const EXECUTION = `${MACHINE.replace(':stateMachine:', ':execution:')}:acme-corp-offboard-20261215T080000Z`;

beforeEach(() => {
  dynamo.reset();
  sfn.reset();
  cloudFormation.reset();
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

/** tenantctl offboard acme-corp with `args`; `answer` is what the operator types on the terminal (none: no terminal). */
const run = (args: string[], answer?: string) => {
  const asked: string[] = [];
  const result = runTenantctl(
    ['offboard', 'acme-corp', '--registry-table', 'registry', '--offboarding-state-machine-arn', MACHINE, ...args],
    {
      now: () => NOW,
      ...(answer === undefined
        ? {}
        : {
            ask: async (question: string) => {
              asked.push(question);
              return answer;
            },
          }),
    },
  );
  return result.then((r) => ({ ...r, asked }));
};

const noAwsCall = () => [...dynamo.calls(), ...sfn.calls(), ...cloudFormation.calls()];

describe('tenantctl offboard', () => {
  it.each<[string, string[], string | undefined, RegExp]>([
    ['without --now', ['--yes'], undefined, /--now\/--at\/--in\/--cancel: one is required/],
    ['without a terminal and without --yes', ['--now'], undefined, /--yes: is required without a terminal/],
    ['when the typed id is another tenant', ['--now'], 'acme', /confirmation: must be the tenant id acme-corp/],
    ['when nothing is typed', ['--now'], '', /confirmation: must be the tenant id acme-corp/],
  ])('refuses %s before any AWS call (exit 2)', async (_case, args, answer, message) => {
    // Act
    const result = await run(args, answer);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(noAwsCall()).toEqual([]);
  });

  it.each<[string, string[], string | undefined, number]>([
    ['once the tenant id is typed', ['--now'], ' acme-corp\n', 1],
    ['with --yes, asking nothing', ['--now', '--yes'], undefined, 0],
    ['with --yes on a terminal, asking nothing', ['--now', '--yes'], 'whatever', 0],
  ])('starts the offboarding %s', async (_case, args, answer, questions) => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record() });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });

    // Act
    const result = await run([...args, '--requested-by', 'sales-ops'], answer);

    // Assess
    expect(result.code).toBe(0);
    expect(result.asked).toHaveLength(questions);
    expect(result.out).toContain(`Started the offboard of acme-corp (execution ${EXECUTION})`);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: MACHINE,
      name: 'acme-corp-offboard-20261215T080000Z',
      input: JSON.stringify({ tenantId: 'acme-corp', operation: 'offboard', requestedBy: 'sales-ops' }),
    });
  });

  it.each<[string, Partial<TenantRecord>, RegExp]>([
    [
      'a tenant busy with a suspension, naming it',
      {
        status: 'SUSPENDING',
        operation: {
          name: 'suspend',
          executionArn: 'arn:x',
          requestedBy: 'billing',
          startedAt: '2026-12-15T07:59:00Z',
        },
      },
      /tenant acme-corp is busy: suspend by billing since 2026-12-15T07:59:00Z/,
    ],
    ['a tenant offboarded already', { status: 'OFFBOARDED' }, /is OFFBOARDED; offboard needs ACTIVE or SUSPENDED/],
    ['a tenant still being provisioned', { status: 'PROVISIONING' }, /is PROVISIONING; offboard needs/],
  ])('refuses %s before starting anything (exit 4)', async (_case, fields, message) => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record(fields) });

    // Act
    const result = await run(['--now', '--yes']);

    // Assess
    expect(result.code).toBe(4);
    expect(result.err).toMatch(message);
    expect(sfn.commandCalls(StartExecutionCommand)).toEqual([]);
  });

  it.each<[string, { status: string; error?: string; cause?: string }, TenantRecord['status'], number]>([
    ['succeeds', { status: 'SUCCEEDED' }, 'OFFBOARDED', 0],
    [
      'fails at a step',
      { status: 'FAILED', error: 'SnapshotQuotaExceededError', cause: 'quota full' },
      'OFFBOARD_FAILED',
      1,
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
    const result = await run(['--now', '--yes', '--wait', '--json']);

    // Assess
    expect(result.code).toBe(code);
    expect(JSON.parse(result.out)).toMatchObject({
      operation: 'offboard',
      executionStatus: execution.status,
      tenantStatus: after,
    });
  });
});

describe('tenantctl status of an offboarded tenant', () => {
  it('shows the final snapshots, when the tenant was offboarded and when the snapshots are purged', () => {
    // Prepare
    const offboarded = record({
      status: 'OFFBOARDED',
      offboardedAt: '2026-12-15T09:12:40.000Z',
      purgeAfter: '2027-03-15T09:12:40.000Z',
      finalSnapshots: [
        {
          arn: 'arn:aws:rds:us-east-1:111122223333:snapshot:tenant-acme-corp-final-3f9a1c2b7d4e',
          snapshotId: 'tenant-acme-corp-final-3f9a1c2b7d4e',
          region: 'us-east-1',
          takenAt: '2026-12-15T09:01:10.000Z',
        },
      ],
    });

    // Act
    const text = renderRecord(offboarded);

    // Assess
    expect(text).toMatch(/^offboardedAt\s+2026-12-15T09:12:40.000Z$/m);
    expect(text).toMatch(/^purgeAfter\s+2027-03-15T09:12:40.000Z$/m);
    expect(text).toContain(
      'final snapshots\n  us-east-1  tenant-acme-corp-final-3f9a1c2b7d4e  available since 2026-12-15T09:01:10.000Z',
    );
  });
});
