import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { RUNTIME_ENV } from '../../lambdas/shared/config';
import { captureOutput, type OutputCapture } from './output-capture';

/** Where the outcome-recording handlers (RecordFailure, the execution reaper) write in the tests. */
export const OUTCOME_TARGETS = {
  table: 'tenant-registry',
  bus: 'tenant-db-outcomes',
  topicArn: 'arn:aws:sns:us-east-1:123456789012:tenant-db-alerts',
} as const;

/**
 * Jest wiring for a handler that records an outcome: the registry, EventBridge and SNS clients mocked to succeed
 * (reset before each test), the environment pointing at {@link OUTCOME_TARGETS}, and its output captured.
 *
 * @example
 * ```ts
 * const clients = useOutcomeClients();
 * it('publishes', async () => {
 *   await handler(event);
 *   expect(clients.events).toHaveReceivedCommand(PutEventsCommand);
 * });
 * ```
 */
export function useOutcomeClients() {
  const clients = {
    registry: mockClient(DynamoDBDocumentClient),
    events: mockClient(EventBridgeClient),
    sns: mockClient(SNSClient),
    output: undefined as unknown as OutputCapture,
  };
  beforeEach(() => {
    for (const mock of [clients.registry, clients.events, clients.sns]) mock.reset();
    clients.registry.on(UpdateCommand).resolves({});
    clients.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    clients.sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    Object.assign(process.env, {
      [RUNTIME_ENV.registryTable.name]: OUTCOME_TARGETS.table,
      [RUNTIME_ENV.eventBusName.name]: OUTCOME_TARGETS.bus,
      [RUNTIME_ENV.alertTopicArn.name]: OUTCOME_TARGETS.topicArn,
    });
    clients.output = captureOutput();
  });
  afterEach(() => clients.output.restore());
  return clients;
}
