import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { TenantRecord } from '../../../../lambdas/shared/contracts';
import { runTenantctl } from '../../../support/cli/run-cli';

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:us-east-1:111122223333:stateMachine:tenant-db-workflow-tier-change';
const NOW = new Date('2026-12-01T10:00:00.000Z');
const EXECUTION = `arn:aws:states:us-east-1:111122223333:execution:tenant-db-workflow-tier-change:acme-corp-change-tier-20261201T100000Z`;

beforeEach(() => {
  dynamo.reset();
  sfn.reset();
});

function record(fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme-corp',
    tier: 'starter',
    status: 'ACTIVE',
    attempt: 1,
    requestId: 'acme-corp-starter-1',
    requestedBy: 'jane',
    executionArn: 'arn:aws:states:us-east-1:111122223333:execution:sm:acme-corp-starter-1',
    createdAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T10:30:00Z',
    ...fields,
  };
}

const run = (args: string[], confirm?: (question: string) => Promise<boolean>) =>
  runTenantctl(
    ['change-tier', 'acme-corp', '--registry-table', 'registry', '--tier-change-state-machine-arn', MACHINE, ...args],
    // The terminal's answer to the [y/N] question, from a yes/no decision.
    {
      now: () => NOW,
      ...(confirm ? { ask: async (question: string) => ((await confirm(question)) ? 'y' : 'n') } : {}),
    },
  );

describe('tenantctl change-tier', () => {
  it('shows the plan, asks before an outage and starts the change when confirmed', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record() });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
    const questions: string[] = [];

    // Act
    const result = await run(['--to', 'pro', '--when', 'now'], async (question) => {
      questions.push(question);
      return true;
    });

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'Plan: change tenant "acme-corp" (tenant-acme-corp) from tier "starter" to tier "pro"',
    );
    expect(result.out).toContain('instanceClass');
    expect(questions).toEqual([expect.stringMatching(/The application will notice this change \(.*outage.*\)/)]);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: MACHINE,
      name: 'acme-corp-change-tier-20261201T100000Z',
      input: JSON.stringify({
        tenantId: 'acme-corp',
        operation: 'change-tier',
        to: 'pro',
        when: 'now',
        requestedBy: 'jane',
      }),
    });
  });

  it('starts nothing when the operator declines', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record() });

    // Act
    const result = await run(['--to', 'pro'], async () => false);

    // Assess
    expect(result.code).toBe(4);
    expect(result.out).toContain('Cancelled: nothing was changed.');
    expect(sfn.commandCalls(StartExecutionCommand)).toEqual([]);
  });

  it('needs --yes without a terminal, and refuses before any AWS call (exit 2)', async () => {
    // Act
    const result = await run(['--to', 'pro']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toContain('--yes');
    expect(dynamo.calls()).toEqual([]);
    expect(sfn.calls()).toEqual([]);
  });

  it('with --yes --wait --json follows the change and prints the plan and the outcome as JSON', async () => {
    // Prepare
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: record() })
      .resolves({ Item: record({ tier: 'pro' }) });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' });

    // Act
    const result = await run(['--to', 'pro', '--when', 'maintenance-window', '--yes', '--wait', '--json']);

    // Assess
    expect(result.code).toBe(0);
    const json = JSON.parse(result.out);
    expect(json).toMatchObject({
      tenantId: 'acme-corp',
      operation: 'change-tier',
      executionStatus: 'SUCCEEDED',
      tenantStatus: 'ACTIVE',
      tier: 'pro',
      plan: { from: 'starter', to: 'pro', when: 'maintenance-window', changes: expect.any(Array) },
    });
  });

  it.each<[string, string[], Partial<TenantRecord>, number, RegExp]>([
    ['an unknown tier', ['--to', 'platinum'], {}, 2, /--to/],
    ['a prototype-named tier', ['--to', '__proto__'], {}, 2, /--to/],
    ['the tier it is on', ['--to', 'starter'], {}, 2, /already on tier starter/],
    ['a bad --when', ['--to', 'pro', '--when', 'tonight'], {}, 2, /--when/],
    [
      'a busy tenant',
      ['--to', 'pro'],
      {
        status: 'SUSPENDING',
        operation: {
          name: 'suspend',
          executionArn: EXECUTION,
          requestedBy: 'billing',
          startedAt: '2026-12-01T09:59:00Z',
        },
      },
      4,
      /is busy: suspend by billing/,
    ],
  ])('refuses %s before starting anything', async (_case, args, fields, code, message) => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record(fields) });

    // Act
    const result = await run([...args, '--yes']);

    // Assess
    expect(result.code).toBe(code);
    expect(result.err).toMatch(message);
    expect(sfn.commandCalls(StartExecutionCommand)).toEqual([]);
  });
});
