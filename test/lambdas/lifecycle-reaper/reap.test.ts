import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { reapLifecycleExecution } from '../../../lambdas/lifecycle-reaper/reap';
import { OUTCOME_DETAIL_TYPES, type TenantRecord } from '../../../lambdas/shared/contracts';
import { getTenant } from '../../../lambdas/shared/registry';
import { registryTable } from '../../../lib/local/aws';
import { useAwsDouble } from '../../../lib/local/aws/fixtures';

const TABLE = 'tenant-registry';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:tenant-db-alerts';
const ENDED = 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-workflow-suspension:acme-suspend-1';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const deps = {
  registry: doc,
  table: TABLE,
  events: new EventBridgeClient({}),
  busName: 'platform-bus',
  sns: new SNSClient({}),
  alertTopicArn: TOPIC,
};

function held(tenantId: string, executionArn: string): TenantRecord {
  return {
    tenantId,
    tier: 'pro',
    status: 'SUSPENDING',
    requestId: 'req-1',
    requestedBy: 'ops',
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:tenant-db-workflow-provisioning:${tenantId}-pro-1`,
    attempt: 1,
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    instanceId: `tenant-${tenantId}`,
    operation: { name: 'suspend', executionArn, requestedBy: 'billing', startedAt: '2026-12-01T10:00:00.000Z' },
  };
}

const endedEvent = (status: string, executionArn = ENDED) => ({
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  detail: {
    executionArn,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:tenant-db-workflow-suspension',
    status,
    error: status === 'TIMED_OUT' ? 'States.Timeout' : null,
    startDate: 1764583200000,
    stopDate: 1764594000000,
  },
});

describe('reaping a lifecycle execution that ended without releasing its tenant', () => {
  const aws = useAwsDouble();

  beforeEach(async () => {
    aws().dynamodb.defineTable(registryTable(TABLE));
    aws().sns.createTopic(TOPIC);
    await doc.send(new PutCommand({ TableName: TABLE, Item: held('acme', ENDED) }));
    await doc.send(new PutCommand({ TableName: TABLE, Item: held('other', `${ENDED}-not-this-one`) }));
  });

  it.each(['TIMED_OUT', 'ABORTED', 'FAILED'])(
    'releases the tenant an execution that ended %s still holds, to SUSPEND_FAILED with the reason, event and alert',
    async (status) => {
      // Act
      const result = await reapLifecycleExecution(deps, endedEvent(status));

      // Assess
      expect(result).toEqual({ released: ['acme'] });
      const record = await getTenant(doc, TABLE, 'acme');
      expect(record?.status).toBe('SUSPEND_FAILED');
      expect(record?.operation).toBeUndefined();
      expect(record?.lifecycleHistory?.[0]).toMatchObject({
        operation: 'suspend',
        outcome: 'failed',
        failedStep: 'Execution',
        reason: expect.stringMatching(new RegExp(`^the suspend execution ended ${status}`)),
      });
      expect(
        aws()
          .eventBridge.published()
          .map((e) => e.detailType),
      ).toEqual([OUTCOME_DETAIL_TYPES.suspendFailed]);
      expect(aws().sns.published()).toHaveLength(1);
      expect(await getTenant(doc, TABLE, 'other')).toMatchObject({ status: 'SUSPENDING' });
    },
  );

  it('releases an offboarding that timed out to OFFBOARD_FAILED, keeping the final snapshots it recorded', async () => {
    // Prepare: an offboarding that recorded its snapshot before deleting, then timed out
    const offboarding = ENDED.replace('suspension:acme-suspend-1', 'offboarding:gone-offboard-1');
    const snapshot = {
      arn: 'arn:aws:rds:us-east-1:123456789012:snapshot:tenant-gone-final-0123456789ab',
      snapshotId: 'tenant-gone-final-0123456789ab',
      region: 'us-east-1',
      takenAt: '2026-12-01T10:40:00.000Z',
    };
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          ...held('gone', offboarding),
          status: 'OFFBOARDING',
          operation: {
            name: 'offboard',
            executionArn: offboarding,
            requestedBy: 'jane',
            startedAt: '2026-12-01T10:00:00.000Z',
          },
          finalSnapshots: [snapshot],
        },
      }),
    );

    // Act
    const result = await reapLifecycleExecution(deps, endedEvent('TIMED_OUT', offboarding));

    // Assess: OFFBOARD_FAILED with the reason, the snapshots kept for the next run, the event and the alert
    expect(result).toEqual({ released: ['gone'] });
    const record = await getTenant(doc, TABLE, 'gone');
    expect(record).toMatchObject({ status: 'OFFBOARD_FAILED', finalSnapshots: [snapshot] });
    expect(record?.lifecycleHistory?.at(-1)).toMatchObject({ operation: 'offboard', outcome: 'failed' });
    expect(
      aws()
        .eventBridge.published()
        .map((e) => e.detailType),
    ).toEqual([OUTCOME_DETAIL_TYPES.offboardFailed]);
    expect(aws().sns.published()).toHaveLength(1);
  });

  it.each([
    ['an execution that succeeded', endedEvent('SUCCEEDED')],
    ['an execution that holds no tenant', endedEvent('FAILED', `${ENDED}-gone`)],
  ])('leaves everything alone for %s', async (_case, event) => {
    // Act
    const result = await reapLifecycleExecution(deps, event);

    // Assess
    expect(result).toEqual({ released: [] });
    expect(await getTenant(doc, TABLE, 'acme')).toMatchObject({ status: 'SUSPENDING' });
    expect(aws().eventBridge.published()).toEqual([]);
  });
});
