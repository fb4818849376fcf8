import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { AwsDouble, installAwsDouble } from '../../../../lib/local/aws';
import { VirtualClock } from '../../../../lib/local/aws/virtual-clock';

const scheduler = new SchedulerClient({ region: 'us-east-1' });
const GROUP = 'offboarding';

function request(fields: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    Name: 'offboard-acme',
    GroupName: GROUP,
    ScheduleExpression: 'at(2027-01-01T00:00:00)',
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:offboarding',
      RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
      Input: '{"tenantId":"acme"}',
    },
    ...fields,
  };
}

describe('Scheduler double', () => {
  let double: AwsDouble;
  let restore: () => void;

  beforeEach(() => {
    double = new AwsDouble({ clock: new VirtualClock('2026-12-01T00:00:00Z') });
    restore = installAwsDouble(double);
    double.scheduler.createGroup(GROUP);
  });
  afterEach(() => restore());

  it('creates, reads, fires once at its time, then deletes a one-time schedule', async () => {
    // Prepare
    await scheduler.send(new CreateScheduleCommand(request()));
    const read = await scheduler.send(new GetScheduleCommand({ Name: 'offboard-acme', GroupName: GROUP }));

    // Act
    double.clock.advanceTo(Date.parse('2026-12-31T23:59:59Z'));
    const early = await double.scheduler.fireDue();
    double.clock.advanceTo(Date.parse('2027-01-01T00:00:00Z'));
    const due = await double.scheduler.fireDue();

    // Assess
    expect(read).toMatchObject({
      Name: 'offboard-acme',
      ScheduleExpression: 'at(2027-01-01T00:00:00)',
      State: 'ENABLED',
    });
    expect(early).toEqual([]);
    expect(due.map((f) => f.input)).toEqual(['{"tenantId":"acme"}']);
    expect(double.scheduler.list(GROUP)).toEqual([]);
  });

  it.each<[string, () => Promise<unknown>, abstract new (...args: never[]) => Error]>([
    [
      'creating a name that exists',
      async () => {
        await scheduler.send(new CreateScheduleCommand(request()));
        await scheduler.send(new CreateScheduleCommand(request()));
      },
      ConflictException,
    ],
    [
      'updating a missing schedule',
      () => scheduler.send(new UpdateScheduleCommand(request())),
      ResourceNotFoundException,
    ],
    [
      'deleting a missing schedule',
      () => scheduler.send(new DeleteScheduleCommand({ Name: 'x', GroupName: GROUP })),
      ResourceNotFoundException,
    ],
    [
      'reading a missing schedule',
      () => scheduler.send(new GetScheduleCommand({ Name: 'x', GroupName: GROUP })),
      ResourceNotFoundException,
    ],
    [
      'a group that does not exist',
      () => scheduler.send(new CreateScheduleCommand(request({ GroupName: 'nope' }))),
      ResourceNotFoundException,
    ],
    [
      'a name with a slash',
      () => scheduler.send(new CreateScheduleCommand(request({ Name: 'a/b' }))),
      ValidationException,
    ],
    [
      'a 65-character name',
      () => scheduler.send(new CreateScheduleCommand(request({ Name: 'a'.repeat(65) }))),
      ValidationException,
    ],
    [
      'no flexible time window',
      () => scheduler.send(new CreateScheduleCommand(request({ FlexibleTimeWindow: undefined }))),
      ValidationException,
    ],
    [
      'a malformed expression',
      () => scheduler.send(new CreateScheduleCommand(request({ ScheduleExpression: 'at(2027-01-01)' }))),
      ValidationException,
    ],
    [
      'more than 185 retry attempts',
      () =>
        scheduler.send(
          new CreateScheduleCommand(
            request({
              Target: {
                ...request().Target,
                Arn: 'arn:x',
                RoleArn: 'arn:r',
                RetryPolicy: { MaximumRetryAttempts: 186 },
              },
            }),
          ),
        ),
      ValidationException,
    ],
  ])('refuses %s with the API error', async (_case, call, error) => {
    await expect(call()).rejects.toBeInstanceOf(error);
  });

  it('replaces every parameter on update', async () => {
    // Prepare
    await scheduler.send(new CreateScheduleCommand(request()));

    // Act
    await scheduler.send(new UpdateScheduleCommand(request({ ScheduleExpression: 'at(2027-02-01T00:00:00)' })));
    double.clock.advanceTo(Date.parse('2027-01-15T00:00:00Z'));
    const early = await double.scheduler.fireDue();
    double.clock.advanceTo(Date.parse('2027-02-01T00:00:00Z'));
    const due = await double.scheduler.fireDue();

    // Assess
    expect([early.length, due.length]).toEqual([0, 1]);
  });
});
