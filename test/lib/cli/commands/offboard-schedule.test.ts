import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { Command } from 'commander';
import { handler } from '../../../../lambdas/schedule-offboarding/handler';
import type { TenantRecord } from '../../../../lambdas/shared/contracts';
import { getTenant } from '../../../../lambdas/shared/registry';
import {
  type InvokeFunction,
  type OffboardScheduleOptions,
  offboardScheduleAction,
} from '../../../../lib/cli/commands/offboard-schedule';
import type { CliContext } from '../../../../lib/cli/context';
import { explainError } from '../../../../lib/cli/explain';
import { addOffboardScheduleOptions } from '../../../../lib/cli/offboard-options';
import { renderRecord } from '../../../../lib/cli/render';
import { AwsDouble, installAwsDouble, registryTable } from '../../../../lib/local/aws';
import { VirtualClock } from '../../../../lib/local/aws/virtual-clock';

const TABLE = 'tenant-registry';
const GROUP = 'tenant-db-offboarding';
const FUNCTION = 'tenant-db-workflow-offboarding-schedule';
const NOW = new Date('2026-12-01T10:00:00.000Z');
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const ENV = {
  REGISTRY_TABLE_NAME: TABLE,
  OFFBOARDING_SCHEDULE_GROUP: GROUP,
  OFFBOARDING_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:tenant-db-workflow-offboarding',
  OFFBOARDING_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  OFFBOARDING_SCHEDULE_DLQ_ARN: 'arn:aws:sqs:us-east-1:123456789012:offboarding-dlq',
};

function record(fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme-corp',
    tier: 'pro',
    status: 'ACTIVE',
    requestId: 'req-1',
    requestedBy: 'ops',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-corp-pro-1',
    attempt: 1,
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...fields,
  };
}

/** The scheduling function as Lambda runs it: the payload through JSON, errors as Lambda reports them. */
const invokeHandler: InvokeFunction = async (_name, payload) => {
  try {
    const result = await handler(JSON.parse(JSON.stringify(payload)), {} as Context);
    return { payload: JSON.parse(JSON.stringify(result)) };
  } catch (error) {
    const e = error as Error;
    return { functionError: 'Unhandled', payload: { errorType: e.name, errorMessage: e.message } };
  }
};

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs the action as the `offboard` command would, with tenantctl's error explanation and exit codes. */
async function run(args: string[], invoke: InvokeFunction = invokeHandler): Promise<Run> {
  let out = '';
  let err = '';
  const ctx = {
    out: (t: string) => {
      out += t;
    },
    err: (t: string) => {
      err += t;
    },
    env: {},
    clients: () => {
      throw new Error('no AWS clients in this test');
    },
    sleep: () => Promise.resolve(),
    username: () => 'jane',
    now: () => NOW,
  } as unknown as CliContext;
  let code = 0;
  const command = addOffboardScheduleOptions(
    new Command('offboard')
      .argument('<tenant>')
      .option('--json')
      .option('--stack <name>', '', 'tenant-db-workflow')
      .option('--requested-by <who>'),
  ).action(async (tenant: string, options: OffboardScheduleOptions) => {
    try {
      code = await offboardScheduleAction(tenant, options, ctx, invoke);
    } catch (error) {
      const explained = explainError(error, { env: {} });
      err += `tenantctl: ${explained.message}\n`;
      code = explained.exitCode;
    }
  });
  await command.parseAsync(['node', 'offboard', ...args]);
  return { code, out, err };
}

describe('tenantctl offboard --at / --in / --cancel', () => {
  let double: AwsDouble;
  let restore: () => void;
  const saved = { ...process.env };

  beforeEach(async () => {
    double = new AwsDouble({ clock: new VirtualClock(NOW) });
    const restoreAws = installAwsDouble(double);
    const restoreClock = double.clock.install();
    restore = () => {
      restoreClock();
      restoreAws();
    };
    double.dynamodb.defineTable(registryTable(TABLE));
    double.scheduler.createGroup(GROUP);
    Object.assign(process.env, ENV);
    await doc.send(new PutCommand({ TableName: TABLE, Item: record() }));
  });
  afterEach(() => {
    restore();
    process.env = { ...saved };
  });

  const fn = ['--offboarding-schedule-function', FUNCTION];

  it.each<[string, string[], RegExp]>([
    ['no action', [], /--at\/--in\/--cancel: give exactly one of them/],
    ['two actions', ['--in', '30d', '--cancel'], /give exactly one of them/],
    ['a past date', ['--at', '2026-11-30T00:00:00Z'], /--at: must be at least 60 seconds in the future/],
    ['a date beyond the horizon', ['--at', '2028-12-01T00:00:00Z'], /--at: must be at most 366 days ahead/],
    [
      'a date without a time zone',
      ['--at', '2027-01-01T00:00'],
      /--at: must be an ISO 8601 date and time with a time zone/,
    ],
    ['a garbled duration', ['--in', '30 days'], /--in: must be a whole number of minutes, hours or days/],
    ['a duration beyond the horizon', ['--in', '400d'], /--in: must be at most 366 days ahead/],
  ])('refuses %s before any AWS call (exit 2)', async (_case, args, message) => {
    // Prepare
    const invoke = jest.fn(invokeHandler);

    // Act
    const result = await run(['acme-corp', ...args, ...fn], invoke);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(invoke).not.toHaveBeenCalled();
  });

  it('refuses a bad tenant id before any AWS call (exit 2)', async () => {
    // Prepare
    const invoke = jest.fn(invokeHandler);

    // Act
    const result = await run(['Acme', '--in', '30d', ...fn], invoke);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/invalid input: tenant: may contain only lower-case letters/);
    expect(invoke).not.toHaveBeenCalled();
  });

  it('schedules through the scheduling function and status shows the pending offboarding', async () => {
    // Act
    const result = await run(['acme-corp', '--in', '30d', ...fn]);

    // Assess
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(
      'Scheduled the offboarding of acme-corp at 2026-12-31T10:00:00.000Z (schedule offboard-acme-corp). Cancel it with: tenantctl offboard acme-corp --cancel\n',
    );
    expect(double.scheduler.list(GROUP)).toEqual(['offboard-acme-corp']);
    const stored = await getTenant(doc, TABLE, 'acme-corp');
    expect(stored?.scheduledOffboarding).toMatchObject({ at: '2026-12-31T10:00:00.000Z', requestedBy: 'jane' });
    expect(stored?.scheduledOffboarding?.requestId).toMatch(/^tenantctl-20261201T100000000Z-[0-9a-f]{8}$/);
    expect(renderRecord(stored as TenantRecord)).toContain(
      'offboarding   scheduled for 2026-12-31T10:00:00.000Z by jane on 2026-12-01T10:00:00.000Z (cancel: tenantctl offboard acme-corp --cancel)',
    );
  });

  it('cancels with --cancel, and again is not an error; --json prints the result', async () => {
    // Prepare
    await run(['acme-corp', '--at', '2027-01-31T18:00:00+01:00', ...fn]);

    // Act
    const cancelled = await run(['acme-corp', '--cancel', '--json', ...fn]);
    const again = await run(['acme-corp', '--cancel', ...fn]);

    // Assess
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.out)).toEqual({ tenantId: 'acme-corp', outcome: 'cancelled' });
    expect(again).toMatchObject({ code: 0, out: 'No offboarding of acme-corp was pending; nothing to cancel.\n' });
    expect(double.scheduler.list(GROUP)).toEqual([]);
  });

  it('exits 4 with the reason when the function refuses (a busy tenant)', async () => {
    // Prepare
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: record({
          status: 'SUSPENDING',
          operation: {
            name: 'suspend',
            executionArn: 'arn:x',
            requestedBy: 'billing',
            startedAt: '2026-12-01T09:00:00Z',
          },
        }),
      }),
    );

    // Act
    const result = await run(['acme-corp', '--in', '2h', ...fn]);

    // Assess
    expect(result.code).toBe(4);
    expect(result.err).toContain('refused: tenant acme-corp is busy: suspend by billing');
    expect(double.callsTo('scheduler')).toEqual([]);
  });

  it('exits 3 when the function fails for another reason, naming it', async () => {
    // Act
    const result = await run(['acme-corp', '--in', '2h', ...fn], async () => ({
      functionError: 'Unhandled',
      payload: {
        errorType: 'ServiceQuotaExceededException',
        errorMessage: 'the schedule quota of the account is reached',
      },
    }));

    // Assess
    expect(result.code).toBe(3);
    expect(result.err).toContain('the schedule quota of the account is reached');
  });
});
