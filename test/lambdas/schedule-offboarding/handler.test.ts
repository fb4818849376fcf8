import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { handler as scheduleHandler } from '../../../lambdas/schedule-offboarding/handler';
import type { AwsDouble } from '../../../lib/local/aws';
import {
  offboardedRecord as record,
  TABLE,
  useOffboardingHandlerEnvironment,
} from '../../support/offboarding-handlers';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

describe('the scheduling handler', () => {
  const aws = useOffboardingHandlerEnvironment();
  let double: AwsDouble;
  beforeEach(() => {
    double = aws();
  });

  it('schedules from a billing "Tenant Offboarding Requested" event as EventBridge delivers it', async () => {
    // Prepare
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: record({ status: 'ACTIVE', finalSnapshots: undefined, purgeAfter: undefined }),
      }),
    );

    // Act
    const result = await scheduleHandler(
      {
        version: '0',
        id: 'e1',
        source: 'saas.billing',
        'detail-type': 'Tenant Offboarding Requested',
        detail: { eventId: 'cancel-2027-000001', tenantId: 'acme', effectiveAt: '2027-03-31T00:00:00Z' },
      },
      {} as Context,
    ).catch((error: Error) => error);

    // Assess: EventBridge's envelope fields are the event's, not the detail's
    expect(result).toMatchObject({
      outcome: 'scheduled',
      scheduledOffboarding: { at: '2027-03-31T00:00:00.000Z', requestedBy: 'billing', requestId: 'cancel-2027-000001' },
    });
    expect(double.scheduler.list('tenant-db-offboarding')).toEqual(['offboard-acme']);
  });
});
