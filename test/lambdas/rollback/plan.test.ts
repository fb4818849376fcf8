import {
  type ObservedInstance,
  type ObservedResources,
  planRollback,
  type RollbackAction,
  type RollbackPlan,
  resourceLabel,
} from '../../../lambdas/rollback/plan';

/**
 * The rollback plan around a live instance of ours whose replicated backups no longer replicate, and the reasons it
 * gives operators, word for word.
 */

const INSTANCE_ARN = 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:saas/tenant/acme/app-AbCdEf';
const BACKUPS_ARN = 'arn:aws:rds:us-west-2:123456789012:auto-backup:ab-EXAMPLE';
const NOT_OURS = 'its tags do not name this execution; it belongs to another onboarding or was made by hand';
const TAGS_CHANGED =
  'this execution created it, but its ownership tags no longer say so: not deleted; check who changed them, then delete it by hand';
const NOT_OUR_SOURCE =
  'their source is another DB instance (another DbiResourceId), such as an earlier instance under this tenant name';

const ours = (overrides: Partial<ObservedInstance> = {}): ObservedInstance => ({
  id: 'tenant-acme',
  arn: INSTANCE_ARN,
  status: 'available',
  owned: true,
  deletionProtection: false,
  replicating: false,
  ...overrides,
});
const deleteInstance: RollbackAction = {
  kind: 'delete-instance',
  instanceId: 'tenant-acme',
  disableDeletionProtection: false,
};

describe('planRollback: a live instance of ours and its replicated backups', () => {
  it.each<[string, ObservedResources, RollbackPlan]>([
    [
      'retained backups: nothing left to stop, the backups go now, the instance is asked to go',
      { alarms: [], instance: ours(), replicatedBackups: [{ arn: BACKUPS_ARN, status: 'retained', owned: true }] },
      {
        actions: [{ kind: 'delete-replicated-backups', arn: BACKUPS_ARN }, deleteInstance],
        remaining: ['db-instance:tenant-acme'],
        skipped: [],
        stuck: [],
      },
    ],
    [
      'backups being deleted: nothing left to stop, they stay until RDS is done',
      { alarms: [], instance: ours(), replicatedBackups: [{ arn: BACKUPS_ARN, status: 'deleting', owned: true }] },
      {
        actions: [deleteInstance],
        remaining: [`replicated-backups:${BACKUPS_ARN}`, 'db-instance:tenant-acme'],
        skipped: [],
        stuck: [],
      },
    ],
    [
      'retained backups, but the instance still reports a replication: it is stopped first',
      {
        alarms: [],
        instance: ours({ replicating: true }),
        replicatedBackups: [{ arn: BACKUPS_ARN, status: 'retained', owned: true }],
      },
      {
        actions: [
          { kind: 'stop-backup-replication', sourceArn: INSTANCE_ARN },
          { kind: 'delete-replicated-backups', arn: BACKUPS_ARN },
          deleteInstance,
        ],
        remaining: ['db-instance:tenant-acme'],
        skipped: [],
        stuck: [],
      },
    ],
    [
      'replicating backups of another source: not ours to stop',
      { alarms: [], instance: ours(), replicatedBackups: [{ arn: BACKUPS_ARN, status: 'replicating', owned: false }] },
      {
        actions: [deleteInstance],
        remaining: ['db-instance:tenant-acme'],
        skipped: [{ label: `replicated-backups:${BACKUPS_ARN}`, reason: NOT_OUR_SOURCE }],
        stuck: [],
      },
    ],
    [
      'replicating backups of ours under an instance of someone else: not ours to stop',
      {
        alarms: [],
        instance: ours({ owned: false }),
        replicatedBackups: [{ arn: BACKUPS_ARN, status: 'replicating', owned: true }],
      },
      {
        actions: [],
        remaining: [`replicated-backups:${BACKUPS_ARN}`],
        skipped: [{ label: 'db-instance:tenant-acme', reason: NOT_OURS }],
        stuck: [],
      },
    ],
    [
      'an instance of ours with deletion protection on',
      { alarms: [], instance: ours({ deletionProtection: true }) },
      {
        actions: [{ kind: 'delete-instance', instanceId: 'tenant-acme', disableDeletionProtection: true }],
        remaining: ['db-instance:tenant-acme'],
        skipped: [],
        stuck: [],
      },
    ],
  ])('%s', (_case, observed, expected) => {
    // Act
    const plan = planRollback(observed);

    // Assess
    expect(plan).toEqual(expected);
  });
});

describe('planRollback: what operators read', () => {
  it('gives each reason word for word', () => {
    // Prepare
    const observed: ObservedResources = {
      alarms: [
        { name: 'tenant-alarm-acme-cpu-utilization', owned: false },
        { name: 'tenant-alarm-acme-free-storage', owned: false, createdHere: true },
      ],
      secret: { arn: SECRET_ARN, owned: false, createdHere: true, scheduledForDeletion: false },
      instance: ours({ owned: false }),
      replicatedBackups: [{ arn: BACKUPS_ARN, status: 'retained', owned: false }],
    };

    // Act
    const plan = planRollback(observed);

    // Assess
    expect(plan).toEqual({
      actions: [],
      remaining: [],
      skipped: [
        { label: 'alarm:tenant-alarm-acme-cpu-utilization', reason: NOT_OURS },
        { label: `replicated-backups:${BACKUPS_ARN}`, reason: NOT_OUR_SOURCE },
        { label: 'db-instance:tenant-acme', reason: NOT_OURS },
      ],
      stuck: [
        { label: 'alarm:tenant-alarm-acme-free-storage', reason: TAGS_CHANGED },
        { label: `secret:${SECRET_ARN}`, reason: TAGS_CHANGED },
      ],
    });
  });

  it.each([
    [resourceLabel.alarm('tenant-alarm-acme-cpu-utilization'), 'alarm:tenant-alarm-acme-cpu-utilization'],
    [resourceLabel.replication(INSTANCE_ARN), `backup-replication:${INSTANCE_ARN}`],
    [resourceLabel.replicatedBackups(BACKUPS_ARN), `replicated-backups:${BACKUPS_ARN}`],
    [resourceLabel.secret(SECRET_ARN), `secret:${SECRET_ARN}`],
    [resourceLabel.instance('tenant-acme'), 'db-instance:tenant-acme'],
  ])('labels a resource as %s', (label, expected) => {
    // Assess
    expect(label).toBe(expected);
  });
});
