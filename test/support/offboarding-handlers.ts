/**
 * The environment the offboarding schedule's and the retention purge's handler tests share: the AWS double on a
 * virtual clock at a fixed time, the registry table, the alert topic, the schedule group and the handlers' settings.
 *
 * @module
 */
import type { TenantRecord } from '../../lambdas/shared/contracts';
import { AwsDouble, installAwsDouble, registryTable } from '../../lib/local/aws';
import { VirtualClock } from '../../lib/local/aws/virtual-clock';

export const TABLE = 'tenant-registry';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:tenant-db-alerts';
/** The handlers' time: the purge job's daily run on the day a tenant's retention ended. */
const NOW = '2027-03-01T03:17:00.000Z';

/** An OFFBOARDED tenant whose final snapshot is due for purge at {@link NOW}. */
export function offboardedRecord(fields: Partial<TenantRecord> = {}): TenantRecord {
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

/** A fresh double per test, installed with its clock and the handlers' environment; returns the current double. */
export function useOffboardingHandlerEnvironment(): () => AwsDouble {
  let double: AwsDouble;
  let restore: () => void = () => undefined;
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
  return () => double;
}
