import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  offboardingCommandOf,
  runOffboardingCommand,
  type SchedulingDeps,
} from '../../../lambdas/schedule-offboarding/schedule';
import type { TenantRecord, TenantStatus } from '../../../lambdas/shared/contracts';
import { lifecycleRequestOf } from '../../../lambdas/shared/lifecycle/request';
import { getTenant, takeTenant } from '../../../lambdas/shared/registry';
import { AwsDouble, installAwsDouble, registryTable } from '../../../lib/local/aws';
import { VirtualClock } from '../../../lib/local/aws/virtual-clock';

const TABLE = 'tenant-registry';
const GROUP = 'tenant-db-offboarding';
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:tenant-db-workflow-offboarding';
const NOW = new Date('2026-12-01T10:00:00.000Z');
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

function record(status: TenantStatus, fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme',
    tier: 'pro',
    status,
    requestId: 'req-1',
    requestedBy: 'ops',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-1',
    attempt: 1,
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...fields,
  };
}

const schedule = (at: string, requestId = 'cli-1') =>
  offboardingCommandOf({ action: 'schedule', tenantId: 'acme', at, requestedBy: 'jane', requestId }, NOW);
const cancel = () => offboardingCommandOf({ action: 'cancel', tenantId: 'acme', requestedBy: 'jane' }, NOW);
const billing = (detailType: string, detail: Record<string, unknown>) =>
  offboardingCommandOf({ source: 'saas.billing', 'detail-type': detailType, detail }, NOW);

describe('offboardingCommandOf', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'a past time',
      { action: 'schedule', tenantId: 'acme', at: '2026-11-30T10:00:00Z', requestId: 'r' },
      /^at: must be at least 60 seconds in the future/,
    ],
    [
      'a time beyond the horizon',
      { action: 'schedule', tenantId: 'acme', at: '2028-01-01T00:00:00Z', requestId: 'r' },
      /^at: must be at most 366 days ahead/,
    ],
    [
      'a time without a zone',
      { action: 'schedule', tenantId: 'acme', at: '2027-01-01T00:00:00', requestId: 'r' },
      /^at: must be an ISO 8601 date and time with a time zone/,
    ],
    ['no request id', { action: 'schedule', tenantId: 'acme', at: '2027-01-01T00:00:00Z' }, /^requestId: is required/],
    ['an unknown action', { action: 'delete', tenantId: 'acme' }, /^action: must be schedule or cancel/],
    ['a bad tenant id', { action: 'cancel', tenantId: 'Acme' }, /^tenantId: /],
    [
      'a prototype-named field',
      JSON.parse('{"action":"cancel","tenantId":"acme","__proto__":{"x":1}}'),
      /__proto__: is not an allowed field name/,
    ],
    ['a constructor field', { action: 'cancel', tenantId: 'acme', constructor: 'x' }, /constructor/],
    [
      'an oversized requester',
      { action: 'cancel', tenantId: 'acme', requestedBy: 'x'.repeat(10_000) },
      /^requestedBy: must be a string of 1-128/,
    ],
    [
      'billing without an event id',
      { source: 'saas.billing', 'detail-type': 'Tenant Offboarding Cancelled', detail: { tenantId: 'acme' } },
      /^detail\.eventId: must be 1-80 characters/,
    ],
    [
      'billing with a garbled effective date',
      {
        source: 'saas.billing',
        'detail-type': 'Tenant Offboarding Requested',
        detail: { eventId: 'e1', tenantId: 'acme', effectiveAt: 'next tuesday' },
      },
      /^detail\.effectiveAt: must be an ISO 8601/,
    ],
  ])('refuses %s, naming the field', (_case, input, message) => {
    expect(() => offboardingCommandOf(input, NOW)).toThrow(message);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no effective date: as soon as possible', { eventId: 'e1', tenantId: 'acme' }, '2026-12-01T10:01:00.000Z'],
    [
      'a past effective date: as soon as possible',
      { eventId: 'e1', tenantId: 'acme', effectiveAt: '2026-11-01T00:00:00Z' },
      '2026-12-01T10:01:00.000Z',
    ],
    [
      'a future effective date',
      { eventId: 'e1', tenantId: 'acme', effectiveAt: '2026-12-31T23:59:59.5Z' },
      '2027-01-01T00:00:00.000Z',
    ],
  ])('reads billing offboarding requests with %s', (_case, detail, at) => {
    expect(billing('Tenant Offboarding Requested', detail)).toEqual({
      action: 'schedule',
      tenantId: 'acme',
      at: new Date(at),
      requestedBy: 'billing',
      requestId: 'e1',
    });
  });
});

describe('scheduling and cancelling an offboarding', () => {
  let double: AwsDouble;
  let restore: () => void;
  const aws = () => double;
  let deps: SchedulingDeps;

  afterEach(() => restore());
  beforeEach(() => {
    double = new AwsDouble({ clock: new VirtualClock(NOW) });
    restore = installAwsDouble(double);
    aws().dynamodb.defineTable(registryTable(TABLE));
    aws().scheduler.createGroup(GROUP);
    deps = {
      scheduler: new SchedulerClient({}),
      registry: doc,
      table: TABLE,
      target: {
        groupName: GROUP,
        stateMachineArn: MACHINE,
        roleArn: 'arn:aws:iam::123456789012:role/scheduler',
        deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:offboarding-dlq',
      },
      now: () => NOW,
    };
  });

  const seed = (item: TenantRecord) => doc.send(new PutCommand({ TableName: TABLE, Item: item }));
  const fire = async (at: string) => {
    aws().clock.advanceTo(Date.parse(at));
    return aws().scheduler.fireDue();
  };

  it.each<TenantStatus>(['ACTIVE', 'SUSPENDED', 'OFFBOARD_FAILED'])(
    'schedules the offboarding of a %s tenant: one-time UTC schedule, no window, deleted after it runs',
    async (status) => {
      // Prepare
      await seed(record(status));

      // Act
      const result = await runOffboardingCommand(deps, schedule('2026-12-31T18:00:00Z'));

      // Assess
      expect(result).toMatchObject({ outcome: 'scheduled' });
      expect((await getTenant(doc, TABLE, 'acme'))?.scheduledOffboarding).toEqual({
        at: '2026-12-31T18:00:00.000Z',
        scheduleName: 'offboard-acme',
        requestedBy: 'jane',
        requestId: 'cli-1',
        scheduledAt: NOW.toISOString(),
      });
      const [create] = aws().callsTo('scheduler', 'CreateSchedule');
      expect(create?.input).toMatchObject({
        Name: 'offboard-acme',
        GroupName: GROUP,
        ScheduleExpression: 'at(2026-12-31T18:00:00)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: { Arn: MACHINE, DeadLetterConfig: { Arn: deps.target.deadLetterQueueArn } },
      });
    },
  );

  it('fires at the time asked with the offboarding execution input, which the workflow accepts', async () => {
    // Prepare
    await seed(record('ACTIVE'));
    await runOffboardingCommand(deps, schedule('2026-12-31T18:00:00Z'));

    // Act
    const early = await fire('2026-12-31T17:59:59Z');
    const due = await fire('2026-12-31T18:00:00Z');

    // Assess
    expect(early).toEqual([]);
    expect(due).toHaveLength(1);
    expect(due[0]?.targetArn).toBe(MACHINE);
    const input = JSON.parse(due[0]?.input ?? '{}');
    expect(input).toEqual({ tenantId: 'acme', operation: 'offboard', requestedBy: 'jane', requestId: 'cli-1' });
    expect(lifecycleRequestOf(input, ['offboard'])).toEqual(input);
    expect(aws().scheduler.list(GROUP)).toEqual([]);
  });

  it('cancels before the schedule fires: nothing ever starts, the entry is gone', async () => {
    // Prepare
    await seed(record('ACTIVE'));
    await runOffboardingCommand(deps, schedule('2026-12-31T18:00:00Z'));

    // Act
    const result = await runOffboardingCommand(deps, cancel());
    const fired = await fire('2027-01-01T00:00:00Z');

    // Assess
    expect(result).toEqual({ tenantId: 'acme', outcome: 'cancelled' });
    expect(fired).toEqual([]);
    expect((await getTenant(doc, TABLE, 'acme'))?.scheduledOffboarding).toBeUndefined();
  });

  it('cancels idempotently: nothing pending is done, a schedule already gone is done', async () => {
    // Prepare
    await seed(record('ACTIVE'));

    // Act
    const first = await runOffboardingCommand(deps, cancel());
    const second = await runOffboardingCommand(deps, cancel());

    // Assess
    expect([first.outcome, second.outcome]).toEqual(['nothing-pending', 'nothing-pending']);
  });

  it('re-scheduling replaces the time of the one schedule', async () => {
    // Prepare
    await seed(record('ACTIVE'));
    await runOffboardingCommand(deps, schedule('2026-12-31T18:00:00Z'));

    // Act
    const result = await runOffboardingCommand(deps, schedule('2027-01-15T09:00:00Z', 'cli-2'));
    const fired = await fire('2027-01-15T09:00:00Z');

    // Assess
    expect(result).toMatchObject({ outcome: 'rescheduled', scheduledOffboarding: { at: '2027-01-15T09:00:00.000Z' } });
    expect(aws().callsTo('scheduler', 'UpdateSchedule')).toHaveLength(1);
    expect(fired).toHaveLength(1);
    expect(fired[0]?.at).toBe(Date.parse('2027-01-15T09:00:00Z'));
  });

  it('treats a redelivered billing event as the same request (its "as soon as possible" does not move)', async () => {
    // Prepare
    await seed(record('ACTIVE'));
    await runOffboardingCommand(deps, billing('Tenant Offboarding Requested', { eventId: 'evt-1', tenantId: 'acme' }));

    // Act
    const again = await runOffboardingCommand(
      { ...deps, now: () => new Date(NOW.getTime() + 30_000) },
      billing('Tenant Offboarding Requested', { eventId: 'evt-1', tenantId: 'acme' }),
    );

    // Assess
    expect(again).toMatchObject({ outcome: 'unchanged', scheduledOffboarding: { at: '2026-12-01T10:01:00.000Z' } });
    expect(aws().callsTo('dynamodb', 'UpdateItem')).toHaveLength(1);
  });

  it('never creates the schedule again for a redelivered request whose schedule already fired', async () => {
    // Prepare: the schedule fired; the offboarding it started failed and left the tenant OFFBOARD_FAILED
    await seed(record('ACTIVE'));
    await runOffboardingCommand(deps, schedule('2026-12-31T18:00:00Z'));
    await fire('2026-12-31T18:00:00Z');
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...(await getTenant(doc, TABLE, 'acme')), status: 'OFFBOARD_FAILED' },
      }),
    );

    // Act
    const again = await runOffboardingCommand(
      { ...deps, now: () => new Date('2027-01-02T00:00:00Z') },
      offboardingCommandOf(
        { action: 'schedule', tenantId: 'acme', at: '2027-01-15T00:00:00Z', requestedBy: 'jane', requestId: 'cli-1' },
        new Date('2027-01-02T00:00:00Z'),
      ),
    );

    // Assess
    expect(again.outcome).toBe('unchanged');
    expect(aws().scheduler.list(GROUP)).toEqual([]);
  });

  it.each<[string, TenantRecord, RegExp]>([
    ['an unknown tenant', record('ACTIVE', { tenantId: 'other' }), /tenant acme is not registered/],
    [
      'a PROVISIONING tenant',
      record('PROVISIONING'),
      /is PROVISIONING; scheduling an offboarding needs ACTIVE or SUSPENDED/,
    ],
    ['an OFFBOARDED tenant', record('OFFBOARDED'), /is OFFBOARDED/],
    [
      'a tenant busy with a suspension',
      record('SUSPENDING', {
        operation: {
          name: 'suspend',
          executionArn: 'arn:x',
          requestedBy: 'billing',
          startedAt: '2026-12-01T09:00:00Z',
        },
      }),
      /tenant acme is busy: suspend by billing/,
    ],
  ])('refuses to schedule %s and creates no schedule', async (_case, item, message) => {
    // Prepare
    await seed(item);

    // Act
    const attempt = runOffboardingCommand(deps, schedule('2026-12-31T18:00:00Z'));

    // Assess
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.toHaveProperty('name', 'TenantConflictError');
    expect(aws().callsTo('scheduler')).toEqual([]);
  });

  it('refuses to cancel once the offboarding runs (it goes forward)', async () => {
    // Prepare
    await seed(record('ACTIVE'));
    await runOffboardingCommand(deps, schedule('2026-12-31T18:00:00Z'));
    await takeTenant(doc, TABLE, {
      tenantId: 'acme',
      operation: 'offboard',
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:offboarding:acme-1',
      requestedBy: 'jane',
      requestId: 'cli-1',
    });

    // Act
    const attempt = runOffboardingCommand(deps, cancel());

    // Assess
    await expect(attempt).rejects.toThrow(/has already started; it goes forward/);
    expect(aws().callsTo('scheduler', 'DeleteSchedule')).toEqual([]);
  });

  it('ends a request that already started the offboarding as already-started, scheduling nothing', async () => {
    // Prepare
    await seed(record('ACTIVE'));
    await takeTenant(doc, TABLE, {
      tenantId: 'acme',
      operation: 'offboard',
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:offboarding:acme-1',
      requestedBy: 'billing',
      requestId: 'evt-1',
    });

    // Act
    const result = await runOffboardingCommand(
      deps,
      billing('Tenant Offboarding Requested', { eventId: 'evt-1', tenantId: 'acme' }),
    );

    // Assess
    expect(result.outcome).toBe('already-started');
    expect(aws().callsTo('scheduler')).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['the registry write (schedule)', 'dynamodb', 'UpdateItem'],
    ['CreateSchedule', 'scheduler', 'CreateSchedule'],
  ])('finishes a schedule request that crashed after %s when it is repeated', async (_case, service, command) => {
    // Prepare
    await seed(record('ACTIVE'));
    aws().faults.add({ service: service as 'dynamodb', command, kind: 'crashAfter' });
    await expect(runOffboardingCommand(deps, schedule('2026-12-31T18:00:00Z'))).rejects.toThrow(/Runtime exited/);

    // Act
    const again = await runOffboardingCommand(deps, schedule('2026-12-31T18:00:00Z'));
    const fired = await fire('2026-12-31T18:00:00Z');

    // Assess
    expect(again.scheduledOffboarding?.at).toBe('2026-12-31T18:00:00.000Z');
    expect(fired).toHaveLength(1);
  });

  it.each<[string, string, string]>([
    ['DeleteSchedule', 'scheduler', 'DeleteSchedule'],
    ['the registry write (cancel)', 'dynamodb', 'UpdateItem'],
  ])('finishes a cancel that crashed after %s when it is repeated; nothing fires', async (_case, service, command) => {
    // Prepare
    await seed(record('ACTIVE'));
    await runOffboardingCommand(deps, schedule('2026-12-31T18:00:00Z'));
    aws().faults.add({ service: service as 'dynamodb', command, kind: 'crashAfter' });
    await expect(runOffboardingCommand(deps, cancel())).rejects.toThrow(/Runtime exited/);

    // Act
    await runOffboardingCommand(deps, cancel());
    const fired = await fire('2027-01-01T00:00:00Z');

    // Assess
    expect(fired).toEqual([]);
    expect((await getTenant(doc, TABLE, 'acme'))?.scheduledOffboarding).toBeUndefined();
  });

  it('retries throttled Scheduler calls through the client (the request still succeeds)', async () => {
    // Prepare
    await seed(record('ACTIVE'));
    aws().faults.add({ service: 'scheduler', command: 'CreateSchedule', kind: 'throttle' });

    // Act
    const attempt = runOffboardingCommand(deps, schedule('2026-12-31T18:00:00Z'));

    // Assess: the bare client surfaces the throttle; the handler's traced client retries it (see runtime.ts)
    await expect(attempt).rejects.toHaveProperty('name', 'ThrottlingException');
    const again = await runOffboardingCommand(deps, schedule('2026-12-31T18:00:00Z'));
    expect(again.scheduledOffboarding?.at).toBe('2026-12-31T18:00:00.000Z');
  });

  it('lets the record win when a cancel and a schedule race: the schedule follows the record', async () => {
    // Prepare: the cancel reads the pending entry, then a new request replaces it before the cancel's write
    await seed(record('ACTIVE'));
    await runOffboardingCommand(deps, schedule('2026-12-31T18:00:00Z'));
    let raced = false;
    const realSend = deps.scheduler.send.bind(deps.scheduler);
    const racing: SchedulingDeps = {
      ...deps,
      scheduler: {
        send: async (command: never) => {
          const output = await realSend(command);
          if (!raced && (command as { constructor: { name: string } }).constructor.name === 'DeleteScheduleCommand') {
            raced = true;
            await runOffboardingCommand(deps, schedule('2027-01-15T09:00:00Z', 'cli-2'));
          }
          return output;
        },
      } as unknown as SchedulerClient,
    };

    // Act
    const result = await runOffboardingCommand(racing, cancel());

    // Assess: the cancel saw the entry change, read again and cancelled the new one too
    expect(result.outcome).toBe('cancelled');
    expect((await getTenant(doc, TABLE, 'acme'))?.scheduledOffboarding).toBeUndefined();
    expect(await fire('2027-02-01T00:00:00Z')).toEqual([]);
  });
});
