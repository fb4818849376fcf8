import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { handler } from '../../../lambdas/purge-retained/handler';
import { getTenant } from '../../../lambdas/shared/registry';
import { metrics } from '../../../lambdas/shared/runtime';
import type { AwsDouble } from '../../../lib/local/aws';
import {
  offboardedRecord as record,
  TABLE,
  useOffboardingHandlerEnvironment,
} from '../../support/offboarding-handlers';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

describe('the purge handler', () => {
  const aws = useOffboardingHandlerEnvironment();
  let double: AwsDouble;
  beforeEach(() => {
    double = aws();
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
