import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../lambdas/readiness-signal/handler';
import { type RdsInstanceEvent, readySignalOf } from '../../../lambdas/readiness-signal/signal';
import { metrics } from '../../../lambdas/shared/runtime';
import { METRIC_NAMES } from '../../../lambdas/shared/telemetry';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';
import { RDS_CREATED_EVENT_PATTERN } from '../../../lib/triggers/event-patterns';

const RECEIVED_AT = '2026-11-26T10:30:05.000Z';

/** An "RDS DB Instance Event" as EventBridge delivers it. */
function createdEvent(detail: RdsInstanceEvent['detail'] = {}, envelope: Partial<RdsInstanceEvent> = {}) {
  return {
    version: '0',
    id: '68f6e973-1a0c-d37b-f2f2-94a7f62ffd4e',
    'detail-type': 'RDS DB Instance Event',
    source: 'aws.rds',
    account: '123456789012',
    time: '2026-11-26T10:30:01Z',
    region: 'us-east-1',
    resources: ['arn:aws:rds:us-east-1:123456789012:db:tenant-acme'],
    detail: {
      EventCategories: ['creation'],
      SourceType: 'DB_INSTANCE',
      SourceArn: 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme',
      Date: '2026-11-26T10:30:00.123Z',
      Message: 'DB instance created',
      SourceIdentifier: 'tenant-acme',
      EventID: 'RDS-EVENT-0005',
      ...detail,
    },
    ...envelope,
  };
}

describe('RDS_CREATED_EVENT_PATTERN', () => {
  it('matches the source, detail-type and event id of a delivered creation event', () => {
    // Prepare
    const event = createdEvent();

    // Act
    const matches =
      RDS_CREATED_EVENT_PATTERN.source.includes(event.source) &&
      RDS_CREATED_EVENT_PATTERN.detailType.includes(event['detail-type']) &&
      RDS_CREATED_EVENT_PATTERN.detail.EventID.includes(String(event.detail.EventID));

    // Assess
    expect(matches).toBe(true);
    expect(RDS_CREATED_EVENT_PATTERN).toEqual({
      source: ['aws.rds'],
      detailType: ['RDS DB Instance Event'],
      detail: { EventID: ['RDS-EVENT-0005'] },
    });
  });
});

describe('readySignalOf', () => {
  it.each<[string, RdsInstanceEvent]>([
    ['a delivered event', createdEvent()],
    [
      'the User Guide sample form "rds:<id>"',
      createdEvent({ SourceArn: undefined, SourceIdentifier: 'rds:tenant-acme' }),
    ],
    ['an event with only the ARN', createdEvent({ SourceIdentifier: undefined })],
  ])('reads tenant acme from %s', (_case, event) => {
    // Act
    const signal = readySignalOf(event, RECEIVED_AT);

    // Assess
    expect(signal).toEqual({ tenantId: 'acme', instanceId: 'tenant-acme', at: '2026-11-26T10:30:00.123Z' });
  });

  it.each<[string, RdsInstanceEvent, string]>([
    ['the event time when the detail has no date', createdEvent({ Date: undefined }), '2026-11-26T10:30:01Z'],
    [
      'the receive time when the event has no time at all',
      createdEvent({ Date: undefined }, { time: undefined }),
      RECEIVED_AT,
    ],
  ])('falls back to %s', (_case, event, expected) => {
    // Act
    const signal = readySignalOf(event, RECEIVED_AT);

    // Assess
    expect(signal?.at).toBe(expected);
  });

  it.each<[string, RdsInstanceEvent]>([
    ['another RDS event', createdEvent({ EventID: 'RDS-EVENT-0049' })],
    ['another source', createdEvent({}, { source: 'saas.billing' })],
    ['another detail-type', createdEvent({}, { 'detail-type': 'RDS DB Cluster Event' })],
    [
      'an instance outside the platform',
      createdEvent({ SourceArn: 'arn:aws:rds:us-east-1:123456789012:db:reporting' }),
    ],
    [
      'a prefix without a valid tenant id',
      createdEvent({ SourceArn: 'arn:aws:rds:us-east-1:123456789012:db:tenant-x' }),
    ],
    ['an event without detail', { source: 'aws.rds', 'detail-type': 'RDS DB Instance Event' }],
  ])('ignores %s', (_case, event) => {
    // Act
    const signal = readySignalOf(event, RECEIVED_AT);

    // Assess
    expect(signal).toBeUndefined();
  });
});

describe('readiness-signal handler', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  let addMetric: jest.SpyInstance;

  beforeEach(() => {
    ddb.reset();
    process.env.REGISTRY_TABLE_NAME = 'tenant-registry';
    addMetric = jest.spyOn(metrics, 'addMetric');
  });

  afterEach(() => jest.restoreAllMocks());

  it('records the signal on the provisioning tenant and counts it', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});

    // Act
    await handler(createdEvent(), lambdaContext());

    // Assess
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'tenant-registry',
      Key: { tenantId: 'acme' },
      ExpressionAttributeValues: { ':at': '2026-11-26T10:30:00.123Z', ':provisioning': 'PROVISIONING' },
    });
    expect(addMetric).toHaveBeenCalledWith(METRIC_NAMES.readySignalRecorded, 'Count', 1);
  });

  it('changes nothing when the tenant is not provisioning', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    // Act
    const result = handler(createdEvent(), lambdaContext());

    // Assess
    await expect(result).resolves.toBeUndefined();
    expect(addMetric).not.toHaveBeenCalled();
  });

  it('does not touch the registry for events of other instances', async () => {
    // Act
    await handler(createdEvent({ SourceArn: 'arn:aws:rds:us-east-1:123456789012:db:reporting' }), lambdaContext());

    // Assess
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('lets registry errors fail the invocation so EventBridge retries it', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));

    // Act
    const result = handler(createdEvent(), lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
