import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateDBInstanceCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  ownedByPlatformFor,
  type PurgeDeps,
  purgeActionFor,
  purgeTenant,
  regionOfArn,
  runPurge,
} from '../../../lambdas/purge-retained/purge';
import type { TenantRecord, TenantStatus } from '../../../lambdas/shared/contracts';
import { getTenant } from '../../../lambdas/shared/registry';
import { AwsDouble, installAwsDouble, registryTable } from '../../../lib/local/aws';
import type { ServiceName } from '../../../lib/local/aws/environment';
import { createRequest } from '../../../lib/local/aws/fixtures';
import { VirtualClock } from '../../../lib/local/aws/virtual-clock';

const TABLE = 'tenant-registry';
const NOW = '2027-03-01T03:00:00.000Z';
const OWNED = (tenantId = 'acme') => [
  { Key: 'tenant-db:managed-by', Value: 'tenant-db-platform' },
  { Key: 'tenant-db:tenant-id', Value: tenantId },
];
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const SNAPSHOTS = [
  {
    arn: 'arn:aws:rds:us-east-1:123456789012:snapshot:tenant-acme-final',
    snapshotId: 'tenant-acme-final',
    region: 'us-east-1',
    takenAt: '2026-12-01T10:30:00.000Z',
  },
  {
    arn: 'arn:aws:rds:us-west-2:123456789012:snapshot:tenant-acme-final',
    snapshotId: 'tenant-acme-final',
    region: 'us-west-2',
    takenAt: '2026-12-01T10:50:00.000Z',
  },
];

function record(status: TenantStatus, fields: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme',
    tier: 'pro',
    status,
    requestId: 'req-1',
    requestedBy: 'ops',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-1',
    attempt: 1,
    createdAt: '2026-01-25T10:00:00.000Z',
    updatedAt: '2026-12-01T11:00:00.000Z',
    finalSnapshots: SNAPSHOTS,
    offboardedAt: '2026-12-01T11:00:00.000Z',
    purgeAfter: '2027-03-01T00:00:00.000Z',
    ...fields,
  };
}

describe('purgeActionFor', () => {
  it.each<[string, Partial<TenantRecord> & { status: TenantStatus }, string]>([
    ['OFFBOARDED past its purge date', { status: 'OFFBOARDED' }, 'purge'],
    ['OFFBOARDED within retention', { status: 'OFFBOARDED', purgeAfter: '2027-06-01T00:00:00.000Z' }, 'skip'],
    ['OFFBOARDED without a purge date', { status: 'OFFBOARDED', purgeAfter: undefined }, 'skip'],
    [
      'OFFBOARDED but held by an operation (an undelete)',
      {
        status: 'OFFBOARDED',
        operation: { name: 'offboard', executionArn: 'arn:x', requestedBy: 'ops', startedAt: NOW },
      },
      'skip',
    ],
    ['PURGED still listing snapshots (a purge stopped half-way)', { status: 'PURGED' }, 'finish'],
    ['PURGED and clean', { status: 'PURGED', finalSnapshots: undefined, purgeAfter: undefined }, 'skip'],
    ['ACTIVE restored, past the purge date', { status: 'ACTIVE' }, 'clear-restored'],
    ['ACTIVE restored, within retention', { status: 'ACTIVE', purgeAfter: '2027-06-01T00:00:00.000Z' }, 'skip'],
    ['ACTIVE never offboarded', { status: 'ACTIVE', finalSnapshots: undefined, purgeAfter: undefined }, 'skip'],
    ['SUSPENDED', { status: 'SUSPENDED' }, 'skip'],
    ['OFFBOARD_FAILED', { status: 'OFFBOARD_FAILED' }, 'skip'],
  ])('%s → %s', (_case, fields, action) => {
    expect(purgeActionFor(record(fields.status, fields), NOW).action).toBe(action);
  });

  it.each<[string, { Key: string; Value: string }[] | undefined, boolean]>([
    ['the platform for this tenant', OWNED(), true],
    ['the platform for another tenant', OWNED('other'), false],
    ['another owner', [{ Key: 'tenant-db:tenant-id', Value: 'acme' }], false],
    ['no tags', undefined, false],
  ])('treats a snapshot tagged by %s as owned: %s', (_case, tags, owned) => {
    expect(ownedByPlatformFor(tags, 'acme')).toBe(owned);
  });

  it('reads the Region of an RDS ARN', () => {
    expect(regionOfArn('arn:aws:rds:eu-west-1:123456789012:auto-backup:ab-x')).toBe('eu-west-1');
    expect(() => regionOfArn('nonsense')).toThrow(/not an RDS ARN/);
  });
});

describe('the retention purge', () => {
  let double: AwsDouble;
  let restore: () => void;
  let deps: PurgeDeps;
  const alerts: string[] = [];

  beforeEach(() => {
    double = new AwsDouble({ clock: new VirtualClock(NOW) });
    restore = installAwsDouble(double);
    double.dynamodb.defineTable(registryTable(TABLE));
    alerts.length = 0;
    deps = {
      registry: doc,
      table: TABLE,
      rdsIn: (region) => new RDSClient({ region }),
      alert: async (subject) => {
        alerts.push(subject);
      },
      now: () => new Date(NOW),
    };
  });
  afterEach(() => restore());

  const seed = (item: TenantRecord) => doc.send(new PutCommand({ TableName: TABLE, Item: item }));
  const seedSnapshots = (tags = OWNED()) => {
    for (const s of SNAPSHOTS) {
      double.rdsSnapshots.seed({
        identifier: s.snapshotId,
        region: s.region,
        instanceIdentifier: 'tenant-acme',
        tags,
      });
    }
  };

  it('deletes the final snapshots in every Region, then records PURGED with purgedAt and no snapshot fields', async () => {
    // Prepare
    await seed(record('OFFBOARDED'));
    seedSnapshots();

    // Act
    const run = await runPurge(deps);

    // Assess
    expect(run.outcomes).toEqual([{ tenantId: 'acme', outcome: 'purged' }]);
    expect(double.rdsSnapshots.names()).toEqual([]);
    const stored = await getTenant(doc, TABLE, 'acme');
    expect(stored).toMatchObject({ status: 'PURGED', purgedAt: NOW });
    expect(stored).not.toHaveProperty('finalSnapshots');
    expect(stored).not.toHaveProperty('purgeAfter');
    expect(double.callsTo('rds', 'DeleteDBSnapshot').map((c) => c.region)).toEqual(['us-east-1', 'us-west-2']);
  });

  it('takes the tenant before it deletes anything', async () => {
    // Prepare
    await seed(record('OFFBOARDED'));
    seedSnapshots();

    // Act
    await runPurge(deps);

    // Assess
    const take = double.calls.findIndex((c) => c.command === 'UpdateItem');
    const firstDelete = double.calls.findIndex((c) => c.command === 'DeleteDBSnapshot');
    expect(take).toBeGreaterThan(-1);
    expect(take).toBeLessThan(firstDelete);
  });

  it('leaves a tenant within its retention untouched', async () => {
    // Prepare
    await seed(record('OFFBOARDED', { purgeAfter: '2027-06-01T00:00:00.000Z' }));
    seedSnapshots();

    // Act
    const run = await runPurge(deps);

    // Assess
    expect(run.outcomes).toEqual([]);
    expect(double.rdsSnapshots.names()).toHaveLength(2);
    expect((await getTenant(doc, TABLE, 'acme'))?.status).toBe('OFFBOARDED');
  });

  it.each<[string, { Key: string; Value: string }[]]>([
    ['another tenant', OWNED('other')],
    ['no platform tag', [{ Key: 'tenant-db:tenant-id', Value: 'acme' }]],
  ])('never touches a snapshot tagged for %s: skips, alerts, leaves the record', async (_case, tags) => {
    // Prepare
    await seed(record('OFFBOARDED'));
    seedSnapshots(tags);

    // Act
    const run = await runPurge(deps);

    // Assess
    expect(run.outcomes[0]?.outcome).toBe('foreign');
    expect(double.callsTo('rds', 'DeleteDBSnapshot')).toEqual([]);
    expect(double.rdsSnapshots.names()).toHaveLength(2);
    expect(alerts).toEqual(['Retention purge skipped tenant acme']);
    expect(await getTenant(doc, TABLE, 'acme')).toEqual(record('OFFBOARDED'));
  });

  it('loses cleanly to an undelete that took the tenant first: nothing deleted', async () => {
    // Prepare: the purge read the record OFFBOARDED; the undelete's claim then moved it on
    const read = record('OFFBOARDED');
    await seed(read);
    seedSnapshots();
    await doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { tenantId: 'acme' },
        UpdateExpression: 'SET #s = :p',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':p': 'PROVISIONING' },
      }),
    );

    // Act
    const outcome = await purgeTenant(deps, read, NOW);

    // Assess
    expect(outcome.outcome).toBe('lost-race');
    expect(double.callsTo('rds', 'DeleteDBSnapshot')).toEqual([]);
    expect(double.rdsSnapshots.names()).toHaveLength(2);
    expect((await getTenant(doc, TABLE, 'acme'))?.status).toBe('PROVISIONING');
  });

  it.each<[string, ServiceName, string, number]>([
    ['the take', 'dynamodb', 'UpdateItem', 1],
    ['the first snapshot deletion', 'rds', 'DeleteDBSnapshot', 1],
    ['the second snapshot deletion', 'rds', 'DeleteDBSnapshot', 2],
    ['the final record', 'dynamodb', 'UpdateItem', 2],
  ])('finishes on the next run after a crash right after %s', async (_case, service, command, nth) => {
    // Prepare
    await seed(record('OFFBOARDED'));
    seedSnapshots();
    let seen = 0;
    double.faults.add({ service, command, kind: 'crashAfter', match: () => ++seen === nth });

    // Act
    const first = await runPurge(deps);
    const second = await runPurge(deps);

    // Assess
    expect(first.outcomes[0]?.outcome).toBe('failed');
    expect(second.outcomes.map((o) => o.outcome)).toEqual(nth === 2 && service === 'dynamodb' ? [] : ['purged']);
    expect(double.rdsSnapshots.names()).toEqual([]);
    const stored = await getTenant(doc, TABLE, 'acme');
    expect(stored?.status).toBe('PURGED');
    expect(stored).not.toHaveProperty('finalSnapshots');
  });

  it('waits for a snapshot still being copied, then finishes on a later run', async () => {
    // Prepare
    await seed(record('OFFBOARDED'));
    seedSnapshots();
    double.rdsSnapshots.setStatus('us-west-2', 'tenant-acme-final', 'copying');

    // Act
    const first = await runPurge(deps);
    double.rdsSnapshots.setStatus('us-west-2', 'tenant-acme-final', 'available');
    const second = await runPurge(deps);

    // Assess
    expect(first.outcomes[0]?.outcome).toBe('incomplete');
    expect(second.outcomes).toEqual([{ tenantId: 'acme', outcome: 'purged' }]);
    expect(double.rdsSnapshots.names()).toEqual([]);
  });

  it('counts snapshots and retained backups already gone as deleted (idempotent)', async () => {
    // Prepare
    await seed(
      record('OFFBOARDED', {
        retainedBackupsArn: 'arn:aws:rds:us-east-1:123456789012:auto-backup:ab-gone',
      }),
    );

    // Act
    const run = await runPurge(deps);

    // Assess
    expect(run.outcomes).toEqual([{ tenantId: 'acme', outcome: 'purged' }]);
    expect((await getTenant(doc, TABLE, 'acme'))?.retainedBackupsArn).toBeUndefined();
  });

  it('reports a throttled deletion as failed and finishes it on the next run', async () => {
    // Prepare
    await seed(record('OFFBOARDED'));
    seedSnapshots();
    double.faults.add({ service: 'rds', command: 'DeleteDBSnapshot', kind: 'throttle' });

    // Act
    const first = await runPurge(deps);
    const second = await runPurge(deps);

    // Assess
    expect(first.outcomes[0]).toMatchObject({ outcome: 'failed', detail: expect.stringContaining('Throttling') });
    expect(second.outcomes).toEqual([{ tenantId: 'acme', outcome: 'purged' }]);
  });

  it('deletes the old snapshots of a restored (ACTIVE) tenant and removes the fields, status unchanged', async () => {
    // Prepare
    await seed(record('ACTIVE', { offboardedAt: undefined }));
    seedSnapshots();

    // Act
    const run = await runPurge(deps);

    // Assess
    expect(run.outcomes).toEqual([{ tenantId: 'acme', outcome: 'cleared' }]);
    const stored = await getTenant(doc, TABLE, 'acme');
    expect(stored?.status).toBe('ACTIVE');
    expect(stored).not.toHaveProperty('finalSnapshots');
    expect(stored).not.toHaveProperty('purgedAt');
    expect(double.rdsSnapshots.names()).toEqual([]);
  });

  it('deletes the automated backups RDS retained when the instance was deleted, with the snapshots', async () => {
    // Prepare: an instance deleted with its automated backups kept, as offboarding does for tiers that keep them
    const rds = new RDSClient({ region: 'us-east-1' });
    await rds.send(new CreateDBInstanceCommand(createRequest('tenant-acme')));
    double.clock.runAll();
    await rds.send(
      new DeleteDBInstanceCommand({
        DBInstanceIdentifier: 'tenant-acme',
        SkipFinalSnapshot: true,
        DeleteAutomatedBackups: false,
      }),
    );
    double.clock.runAll();
    const { DBInstanceAutomatedBackups } = await rds.send(
      new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: 'tenant-acme' }),
    );
    const retainedBackupsArn = DBInstanceAutomatedBackups?.[0]?.DBInstanceAutomatedBackupsArn as string;
    await seed(record('OFFBOARDED', { retainedBackupsArn }));
    seedSnapshots();
    const before = double.inventory().replications.length;

    // Act
    const run = await runPurge(deps);

    // Assess
    expect(before).toBe(1);
    expect(DBInstanceAutomatedBackups?.[0]?.Status).toBe('retained');
    expect(run.outcomes).toEqual([{ tenantId: 'acme', outcome: 'purged' }]);
    expect(double.inventory().replications).toEqual([]);
    expect(double.callsTo('rds', 'DeleteDBInstanceAutomatedBackup')).toHaveLength(1);
  });
});
