import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { InvalidParameterException, PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import {
  type FailedEventDetail,
  OUTCOME_DETAIL_TYPES,
  type RejectedEventDetail,
} from '../../../../lambdas/shared/contracts';
import { RetryableError } from '../../../../lambdas/shared/errors';
import { outcomeEntry, outcomeIdOf, publishEvent } from '../../../../lambdas/shared/events';
import { useAwsDouble } from '../../../../lib/local/aws/fixtures';

const events = new EventBridgeClient({});
const sns = new SNSClient({});
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:tenant-db-alerts';

const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-starter-1';

const DETAIL: FailedEventDetail = {
  outcomeId: `failed:${EXECUTION_ARN}`,
  tenantId: 'acme',
  tier: 'starter',
  executionArn: EXECUTION_ARN,
  requestId: 'r-1',
  failedStep: 'CreateInstance',
  reason: 'quota',
  status: 'FAILED',
  leftovers: [],
};

describe('EventBridge double', () => {
  const aws = useAwsDouble();

  it('records an outcome event published by the shared helper, Detail parsed', async () => {
    // Act
    await publishEvent(events, outcomeEntry('tenant-db-outcomes', { kind: 'failed', value: DETAIL }));

    // Assess
    expect(aws().eventBridge.published(OUTCOME_DETAIL_TYPES.failed)).toEqual([
      expect.objectContaining({ busName: 'tenant-db-outcomes', source: 'tenant-db.provisioning', detail: DETAIL }),
    ]);
  });

  it('records a rejected request under its own detail-type, with its outcome id', async () => {
    // Prepare
    const rejected: RejectedEventDetail = {
      outcomeId: outcomeIdOf('rejected', EXECUTION_ARN),
      tenantId: 'Bad\\u{202e}Id',
      tier: 'gold',
      executionArn: EXECUTION_ARN,
      requestId: '(invalid)',
      status: 'REJECTED',
      rejectedStep: 'ValidateInput',
      error: 'ValidationError',
      reason: 'ValidateInput: tier: must be one of starter, pro, enterprise (got "gold")',
    };

    // Act
    await publishEvent(events, outcomeEntry('tenant-db-outcomes', { kind: 'rejected', value: rejected }));

    // Assess
    expect(aws().eventBridge.published('Tenant Database Request Rejected')).toEqual([
      expect.objectContaining({ source: 'tenant-db.provisioning', detail: rejected, resources: [EXECUTION_ARN] }),
    ]);
  });

  it.each<['provisioned' | 'failed' | 'rejected', string]>([
    ['provisioned', `provisioned:${EXECUTION_ARN}`],
    ['failed', `failed:${EXECUTION_ARN}`],
    ['rejected', `rejected:${EXECUTION_ARN}`],
  ])('gives every %s outcome of one execution the same id', (kind, expected) => {
    // Act
    const ids = [outcomeIdOf(kind, EXECUTION_ARN), outcomeIdOf(kind, EXECUTION_ARN)];

    // Assess
    expect(ids).toEqual([expected, expected]);
  });

  it.each<[string, PutEventsRequestEntry, string]>([
    ['no Source', { DetailType: 'x', Detail: '{}' }, 'InvalidArgument'],
    ['a Detail that is not JSON', { Source: 's', DetailType: 'x', Detail: 'not json' }, 'MalformedDetail'],
    ['a Detail that is a JSON array', { Source: 's', DetailType: 'x', Detail: '[1]' }, 'MalformedDetail'],
  ])('fails an entry with %s, with HTTP 200 and a FailedEntryCount', async (_case, entry, code) => {
    // Act
    const result = await events.send(new PutEventsCommand({ Entries: [entry] }));

    // Assess
    expect(result).toMatchObject({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: code }],
      $metadata: { httpStatusCode: 200 },
    });
    expect(aws().eventBridge.published()).toEqual([]);
  });

  it('fails injected entries, which the shared helper turns into a RetryableError', async () => {
    // Prepare
    aws().eventBridge.failEntries({ times: 1, errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' });
    const entry = outcomeEntry('tenant-db-outcomes', { kind: 'failed', value: DETAIL });

    // Act
    const first = publishEvent(events, entry);
    await first.catch(() => undefined);
    await publishEvent(events, entry);

    // Assess
    await expect(first).rejects.toBeInstanceOf(RetryableError);
    expect(aws().eventBridge.published()).toHaveLength(1);
  });

  it('refuses more than 10 entries with a ValidationException', async () => {
    // Act
    const call = events.send(
      new PutEventsCommand({
        Entries: Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'x', Detail: '{}' })),
      }),
    );

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('SNS double', () => {
  const aws = useAwsDouble();

  it('records a published message', async () => {
    // Act
    const { MessageId } = await sns.send(
      new PublishCommand({ TopicArn: TOPIC, Subject: 'Rollback failed', Message: 'acme' }),
    );

    // Assess
    expect(aws().sns.published()).toEqual([
      expect.objectContaining({ messageId: MessageId, topicArn: TOPIC, subject: 'Rollback failed', message: 'acme' }),
    ]);
  });

  it.each<[string, PublishCommandInput]>([
    ['no target', { Message: 'm' }],
    ['a topic name instead of an ARN', { TopicArn: 'tenant-db-alerts', Message: 'm' }],
    ['an empty message', { TopicArn: TOPIC, Message: '' }],
    ['a subject over 100 characters', { TopicArn: TOPIC, Message: 'm', Subject: 's'.repeat(101) }],
    ['a subject with a line break', { TopicArn: TOPIC, Message: 'm', Subject: 'a\nb' }],
  ])('refuses %s', async (_case, input) => {
    // Act
    const call = sns.send(new PublishCommand(input));

    // Assess
    await expect(call).rejects.toBeInstanceOf(InvalidParameterException);
    expect(aws().sns.published()).toEqual([]);
  });
});
