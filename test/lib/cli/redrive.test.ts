import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { runTenantctl } from '../../support/cli/run-cli';

const sqs = mockClient(SQSClient);
const events = mockClient(EventBridgeClient);
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/111122223333/billing-dlq';

beforeEach(() => {
  sqs.reset();
  events.reset();
});

const billingEvent = (eventId: string, tenantId: string): Message => ({
  MessageId: `m-${eventId}`,
  ReceiptHandle: `r-${eventId}`,
  Body: JSON.stringify({
    source: 'saas.billing',
    'detail-type': 'Tenant Database Requested',
    detail: { eventId, tenantId, tier: 'pro' },
  }),
  MessageAttributes: {
    ERROR_CODE: { DataType: 'String', StringValue: 'SDK_CLIENT_ERROR' },
    ERROR_MESSAGE: { DataType: 'String', StringValue: 'Rate exceeded' },
  },
});
const stranger: Message = { MessageId: 'm-other', ReceiptHandle: 'r-other', Body: '{"source":"other.app"}' };

const redrive = (...args: string[]) =>
  runTenantctl(['billing', 'redrive', '--queue-url', QUEUE, '--bus', 'billing', ...args], {
    region: 'eu-west-1',
    billingClients: () => ({ sqs: new SQSClient({ region: 'eu-west-1' }), events: new EventBridgeClient({}) }),
  });

/** The queue holds `messages`; a message deleted is gone, one received stays until deleted. */
function queueHolds(messages: Message[]): void {
  const held = new Map(messages.map((m) => [m.ReceiptHandle, m]));
  sqs.on(ReceiveMessageCommand).callsFake(() => ({ Messages: [...held.values()] }));
  sqs.on(DeleteMessageCommand).callsFake((input: { ReceiptHandle: string }) => {
    held.delete(input.ReceiptHandle);
    return {};
  });
}

describe('tenantctl billing redrive', () => {
  it('lists what it would send with --dry-run and moves nothing', async () => {
    // Prepare
    queueHolds([billingEvent('e-1', 'acme-corp'), stranger]);

    // Act
    const run = await redrive('--dry-run');

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      'would-redrive event e-1, tenant acme-corp, tier pro (undelivered: SDK_CLIENT_ERROR: Rate exceeded)',
    );
    expect(run.out).toContain('skipped       m-other: not a billing event; left in the queue');
    expect(run.out).toContain('1 of 2 messages would be sent back to the billing bus (dry run: nothing was moved).');
    expect(events.calls()).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({ VisibilityTimeout: 0 });
  });

  it('sends each billing event back to the bus and deletes it only once the bus accepted it', async () => {
    // Prepare
    queueHolds([billingEvent('e-1', 'acme-corp'), billingEvent('e-2', 'beta-corp')]);
    events
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'new-1' }] })
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }] });

    // Act
    const run = await redrive('--json');

    // Assess
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out).messages).toEqual([
      expect.objectContaining({ eventId: 'e-1', outcome: 'redriven' }),
      expect.objectContaining({
        eventId: 'e-2',
        outcome: 'failed',
        reason: 'PutEvents refused it (ThrottlingException: slow down); left in the queue',
      }),
    ]);
    expect(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        EventBusName: 'billing',
        Source: 'saas.billing',
        DetailType: 'Tenant Database Requested',
        Detail: JSON.stringify({ eventId: 'e-1', tenantId: 'acme-corp', tier: 'pro' }),
      },
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['r-e-1']);
  });

  it('says so when the queue is empty', async () => {
    // Prepare
    queueHolds([]);

    // Act
    const run = await redrive();

    // Assess
    expect({ code: run.code, out: run.out }).toEqual({ code: 0, out: 'The billing dead-letter queue is empty.\n' });
  });

  it.each([
    [['--queue-url', 'billing-dlq'], '--queue-url: must be an SQS queue URL'],
    [['--max', '0'], '--max: must be a whole number'],
  ])('refuses %j before any call', async (args, message) => {
    // Act
    const run = await redrive(...args);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
    expect(sqs.calls()).toHaveLength(0);
  });
});
