import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { handler } from '../../../lambdas/purge-retained/handler';
import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { getTenant } from '../../../lambdas/shared/registry';
import { metrics } from '../../../lambdas/shared/runtime';
import { AwsDouble, installAwsDouble, registryTable } from '../../support/aws-double';
import { VirtualClock } from '../../support/virtual-clock';

const TABLE = 'tenant-registry';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:tenant-db-alerts';
const NOW = '2027-03-01T03:17:00.000Z';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

function record(fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme',
    tier: 'pro',
    status: 'OFFBOARDED',
    requestId: 'req-1',
    requestedBy: 'ops',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-1',
    attempt: 1,
    createdAt: '2026-01-25T10:00:00.000Z',
    updatedAt: '2026-12-01T11:00:00.000Z',
    finalSnapshots: [
      {
        arn: 'arn:aws:rds:us-east-1:123456789012:snapshot:tenant-acme-final',
        snapshotId: 'tenant-acme-final',
        region: 'us-east-1',
        takenAt: '2026-12-01T10:30:00.000Z',
      },
    ],
    purgeAfter: '2027-03-01T00:00:00.000Z',
    ...fields,
  };
}

describe('the purge handler', () => {
  let double: AwsDouble;
  let restore: () => void;
  const saved = { ...process.env };

  beforeEach(() => {
    double = new AwsDouble({ clock: new VirtualClock(NOW) });
    const restoreAws = installAwsDouble(double);
    const restoreClock = double.clock.install();
    restore = () => {
      restoreClock();
      restoreAws();
    };
    double.dynamodb.defineTable(registryTable(TABLE));
    double.sns.createTopic(TOPIC);
    Object.assign(process.env, {
      REGISTRY_TABLE_NAME: TABLE,
      ALERT_TOPIC_ARN: TOPIC,
      OFFBOARDING_SCHEDULE_GROUP: 'tenant-db-offboarding',
      OFFBOARDING_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:offboarding',
      OFFBOARDING_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
      OFFBOARDING_SCHEDULE_DLQ_ARN: 'arn:aws:sqs:us-east-1:123456789012:offboarding-dlq',
    });
    double.scheduler.createGroup('tenant-db-offboarding');
  });
  afterEach(() => {
    restore();
    process.env = { ...saved };
    jest.restoreAllMocks();
  });

  it('alerts on a snapshot tagged for another tenant, counts it, and returns only what it did', async () => {
    // Prepare
    await doc.send(new PutCommand({ TableName: TABLE, Item: record() }));
    await doc.send(
      new PutCommand({ TableName: TABLE, Item: record({ tenantId: 'later', purgeAfter: '2027-09-01T00:00:00.000Z' }) }),
    );
    double.rdsSnapshots.seed({
      identifier: 'tenant-acme-final',
      region: 'us-east-1',
      instanceIdentifier: 'tenant-acme',
      tags: [
        { Key: 'tenant-db:managed-by', Value: 'tenant-db-platform' },
        { Key: 'tenant-db:tenant-id', Value: 'other' },
      ],
    });
    const counted = jest.spyOn(metrics, 'addMetric');

    // Act
    const result = await handler({}, {} as Context);

    // Assess
    expect(result.outcomes).toEqual([
      { tenantId: 'acme', outcome: 'foreign', detail: 'snapshot us-east-1/tenant-acme-final' },
    ]);
    const [alert] = double.sns.published();
    expect(alert?.subject).toBe('Retention purge skipped tenant acme');
    expect(alert?.message).toContain('did not delete snapshot us-east-1/tenant-acme-final of tenant acme');
    expect(counted).toHaveBeenCalledWith('RetentionPurgeForeignResource', 'Count', 1);
    expect((await getTenant(doc, TABLE, 'acme'))?.status).toBe('OFFBOARDED');
  });
});
