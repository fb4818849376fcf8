import {
  CopyDBSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  RestoreDBInstanceFromDBSnapshotCommand,
  StartDBInstanceCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsDouble, type BackendEndpoint, type InstanceBackend, installAwsDouble } from '../../../../lib/local/aws';
import { BACKUP_KMS_KEY_ARN, createRequest, KMS_KEY_ARN } from '../../../../lib/local/aws/fixtures';
import { backendKey, failureReason } from '../../../../lib/local/aws/rds-backend';

/**
 * The RDS double's lifecycle with an instance backend whose every operation the test settles by hand, on a virtual
 * clock advanced by hand: each step waits for both its timing and its server.
 */

const rds = new RDSClient({ region: 'us-east-1' });
const backupRds = new RDSClient({ region: 'us-west-2' });
const secrets = new SecretsManagerClient({ region: 'us-east-1' });
const ID = 'tenant-acme';
const TIMINGS = { creationMs: 1_000, backingUpMs: 500, stoppingMs: 1_000, startingMs: 1_000, deletionMs: 1_000 };
const SNAPSHOT_MS = 1_000;

type Operation = keyof InstanceBackend;
interface Call {
  operation: Operation;
  args: unknown[];
  resolve(value?: BackendEndpoint): void;
  reject(error: Error): void;
}

/** A backend that records every call and leaves it pending until the test settles it. */
function manualBackend(): { backend: InstanceBackend; calls: Call[] } {
  const calls: Call[] = [];
  const op =
    (operation: Operation) =>
    (...args: unknown[]) =>
      new Promise<BackendEndpoint | undefined>((resolve, reject) => {
        calls.push({ operation, args, resolve: (value) => resolve(value), reject });
      });
  const backend = {
    create: op('create'),
    start: op('start'),
    stop: op('stop'),
    delete: op('delete'),
    snapshot: op('snapshot'),
    restore: op('restore'),
    deleteSnapshot: op('deleteSnapshot'),
  } as unknown as InstanceBackend;
  return { backend, calls };
}

/** Lets every promise chain that settled calls started run to its end. */
const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

let double: AwsDouble;
let calls: Call[];
let log: string[];
let uninstall: () => void;

beforeEach(() => {
  const manual = manualBackend();
  calls = manual.calls;
  log = [];
  double = new AwsDouble({ instanceBackend: manual.backend, backendLog: (line) => log.push(line) });
  Object.assign(double.rds.timings, TIMINGS);
  double.rdsSnapshots.timings.snapshotMs = SNAPSHOT_MS;
  double.rdsSnapshots.timings.copyMs = SNAPSHOT_MS;
  uninstall = installAwsDouble(double);
});
afterEach(() => uninstall());

async function describe1(id = ID, client = rds) {
  const { DBInstances } = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  return DBInstances?.[0];
}
const statusOf = async (id = ID, client = rds) => (await describe1(id, client))?.DBInstanceStatus;
const pending = (operation: Operation) => calls.filter((c) => c.operation === operation);
const last = (operation: Operation): Call => {
  const found = pending(operation).at(-1);
  if (!found) throw new Error(`no ${operation} call`);
  return found;
};
const advance = async (ms: number) => {
  double.clock.advance(ms);
  await flush();
};

async function availableInstance(port = 40_001): Promise<void> {
  await rds.send(new CreateDBInstanceCommand(createRequest(ID)));
  last('create').resolve({ address: 'localhost', port });
  await flush();
  await advance(TIMINGS.creationMs);
  await advance(TIMINGS.backingUpMs);
}

describe('RDS double with an instance backend: creation', () => {
  it.each<[string, { serverFirst: boolean }]>([
    ['the server is up before the creation timing ends', { serverFirst: true }],
    ['the creation timing ends before the server is up', { serverFirst: false }],
  ])('becomes available only once both are done: %s', async (_case, { serverFirst }) => {
    // Prepare
    await rds.send(new CreateDBInstanceCommand(createRequest(ID)));
    const create = last('create');

    // Act
    const seen: (string | undefined)[] = [];
    if (serverFirst) {
      create.resolve({ address: 'localhost', port: 40_001 });
      await flush();
      seen.push(await statusOf());
      await advance(TIMINGS.creationMs);
    } else {
      await advance(TIMINGS.creationMs);
      seen.push(await statusOf());
      create.resolve({ address: 'localhost', port: 40_001 });
      await flush();
    }
    seen.push(await statusOf());
    await advance(TIMINGS.backingUpMs);
    const instance = await describe1();

    // Assess
    expect(seen).toEqual(['creating', 'backing-up']);
    expect(instance).toMatchObject({ DBInstanceStatus: 'available', Endpoint: { Address: 'localhost', Port: 40_001 } });
  });

  it('creates the server with the master user, the database and the managed secret password', async () => {
    // Act
    const { DBInstance } = await rds.send(new CreateDBInstanceCommand(createRequest(ID)));
    const { SecretString } = await secrets.send(
      new GetSecretValueCommand({ SecretId: DBInstance?.MasterUserSecret?.SecretArn }),
    );

    // Assess
    expect(last('create').args).toEqual([
      ID,
      { masterUsername: 'tenant_admin', masterPassword: JSON.parse(SecretString ?? '{}').password, dbName: 'tenant' },
    ]);
  });

  it('passes MasterUserPassword to the server, and a later managed secret holds it', async () => {
    // Prepare
    const { ManageMasterUserPassword: _m, MasterUserSecretKmsKeyId: _k, ...request } = createRequest(ID);
    await rds.send(new CreateDBInstanceCommand({ ...request, MasterUserPassword: 'Chosen-password-1' }));
    last('create').resolve({ address: 'localhost', port: 40_001 });
    await advance(TIMINGS.creationMs);
    await advance(TIMINGS.backingUpMs);

    // Act
    const { DBInstance } = await rds.send(
      new ModifyDBInstanceCommand({ DBInstanceIdentifier: ID, ManageMasterUserPassword: true, ApplyImmediately: true }),
    );
    const { SecretString } = await secrets.send(
      new GetSecretValueCommand({ SecretId: DBInstance?.MasterUserSecret?.SecretArn }),
    );

    // Assess
    expect((last('create').args[1] as { masterPassword: string }).masterPassword).toBe('Chosen-password-1');
    expect(JSON.parse(SecretString ?? '{}').password).toBe('Chosen-password-1');
  });

  it('fails the instance when the server cannot be created, with the reason logged and no password', async () => {
    // Prepare
    const { DBInstance } = await rds.send(new CreateDBInstanceCommand(createRequest(ID)));
    const { SecretString } = await secrets.send(
      new GetSecretValueCommand({ SecretId: DBInstance?.MasterUserSecret?.SecretArn }),
    );
    const password = JSON.parse(SecretString ?? '{}').password as string;

    // Act
    last('create').reject(new Error(`initdb refused ${password}: disk full`));
    await advance(TIMINGS.creationMs);
    await advance(TIMINGS.backingUpMs);

    // Assess
    expect(await statusOf()).toBe('failed');
    expect(log).toEqual([
      `create of the server of DB instance ${ID} (us-east-1) failed: Error: initdb refused [redacted]: disk full`,
    ]);
    expect(log.join('\n')).not.toContain(password);
  });
});

describe('RDS double with an instance backend: stop, start, delete', () => {
  it.each<[string, () => Promise<unknown>, Operation, string, string]>([
    [
      'StopDBInstance',
      () => rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: ID })),
      'stop',
      'stopping',
      'stopped',
    ],
    [
      'DeleteDBInstance',
      () => rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: ID, SkipFinalSnapshot: true })),
      'delete',
      'deleting',
      'gone',
    ],
  ])('%s waits for its timing, then for the server', async (_name, act, operation, during, after) => {
    // Prepare
    await availableInstance();
    await act();

    // Act
    const called = pending(operation).length;
    await advance(TIMINGS.stoppingMs);
    const whileServerWorks = await statusOf();
    last(operation).resolve();
    await flush();
    const done = await statusOf().catch((error: Error) =>
      error.name === 'DBInstanceNotFoundFault' ? 'gone' : error.name,
    );

    // Assess
    expect(called).toBe(operation === 'stop' ? 1 : 0);
    expect(last(operation).args).toEqual([ID]);
    expect([whileServerWorks, done]).toEqual([during, after]);
  });

  it('StartDBInstance starts the server and reports the port it listens on now', async () => {
    // Prepare
    await availableInstance(40_001);
    await rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: ID }));
    last('stop').resolve();
    await advance(TIMINGS.stoppingMs);

    // Act
    await rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: ID }));
    await advance(TIMINGS.startingMs);
    const starting = await statusOf();
    last('start').resolve({ address: 'localhost', port: 40_002 });
    await flush();

    // Assess
    expect(starting).toBe('starting');
    expect(await describe1()).toMatchObject({ DBInstanceStatus: 'available', Endpoint: { Port: 40_002 } });
  });

  it.each<[string, Operation, () => Promise<unknown>]>([
    ['stopped', 'stop', () => rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: ID }))],
    [
      'deleted',
      'delete',
      () => rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: ID, SkipFinalSnapshot: true })),
    ],
  ])('fails an instance whose server cannot be %s', async (_case, operation, act) => {
    // Prepare
    await availableInstance();
    await act();
    await advance(TIMINGS.stoppingMs);

    // Act
    last(operation).reject(new Error('server did not answer'));
    await flush();

    // Assess
    expect(await statusOf()).toBe('failed');
    expect(log).toEqual([expect.stringContaining(`${operation} of the server of DB instance ${ID}`)]);
  });
});

describe('RDS double with an instance backend: snapshots and restores', () => {
  const snapshotStatus = async (id: string, client = rds) =>
    (await client.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }))).DBSnapshots?.[0]?.Status;
  const arnOf = (id: string) => `arn:aws:rds:us-east-1:${double.account}:snapshot:${id}`;

  async function availableSnapshot(id: string): Promise<void> {
    await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: ID, DBSnapshotIdentifier: id }));
    last('snapshot').resolve();
    await advance(SNAPSHOT_MS);
  }

  it('a snapshot is available once both its timing has passed and its data is copied', async () => {
    // Prepare
    await availableInstance();
    await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: ID, DBSnapshotIdentifier: 'snap-1' }));

    // Act
    await advance(SNAPSHOT_MS);
    const copying = await snapshotStatus('snap-1');
    last('snapshot').resolve();
    await flush();

    // Assess
    expect(last('snapshot').args).toEqual([ID, 'snap-1']);
    expect([copying, await snapshotStatus('snap-1')]).toEqual(['creating', 'available']);
  });

  it('a snapshot whose copy failed is failed', async () => {
    // Prepare
    await availableInstance();
    await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: ID, DBSnapshotIdentifier: 'snap-1' }));

    // Act
    last('snapshot').reject(new Error('no space left on device'));
    await advance(SNAPSHOT_MS);

    // Assess
    expect(await snapshotStatus('snap-1')).toBe('failed');
    expect(log).toEqual([expect.stringContaining('no space left on device')]);
  });

  it.each<[string, string[]]>([
    ['the source first: the copy still refers to the data', ['source', 'copy']],
    ['the copy first: the source still refers to the data', ['copy', 'source']],
  ])('a copy shares its source data, which goes with the last snapshot referring to it (%s)', async (_case, order) => {
    // Prepare
    await availableInstance();
    await availableSnapshot('snap-1');
    await backupRds.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: arnOf('snap-1'),
        TargetDBSnapshotIdentifier: 'snap-1',
        KmsKeyId: BACKUP_KMS_KEY_ARN,
      }),
    );
    await advance(SNAPSHOT_MS);

    // Act
    const afterFirst: number[] = [];
    for (const which of order) {
      const client = which === 'source' ? rds : backupRds;
      await client.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'snap-1' }));
      await flush();
      afterFirst.push(pending('deleteSnapshot').length);
    }

    // Assess
    expect(pending('snapshot')).toHaveLength(1);
    expect(afterFirst).toEqual([0, 1]);
    expect(pending('deleteSnapshot').map((c) => c.args[0])).toEqual(['snap-1']);
  });

  it('restores into a new server whose master user gets the password of the managed secret created afterwards', async () => {
    // Prepare
    await availableInstance();
    await availableSnapshot('snap-1');

    // Act
    await rds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: 'tenant-acme-r',
        DBSnapshotIdentifier: 'snap-1',
        DBInstanceClass: 'db.t4g.micro',
      }),
    );
    last('restore').resolve({ address: 'localhost', port: 40_003 });
    await advance(TIMINGS.creationMs);
    await advance(TIMINGS.backingUpMs);
    const { DBInstance } = await rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: 'tenant-acme-r',
        ManageMasterUserPassword: true,
        MasterUserSecretKmsKeyId: KMS_KEY_ARN,
        ApplyImmediately: true,
      }),
    );
    const { SecretString } = await secrets.send(
      new GetSecretValueCommand({ SecretId: DBInstance?.MasterUserSecret?.SecretArn }),
    );

    // Assess
    const [snapshot, instance, input] = last('restore').args as [string, string, { masterPassword: string }];
    expect([snapshot, instance]).toEqual(['snap-1', 'tenant-acme-r']);
    expect(input).toEqual({ masterUsername: 'tenant_admin', masterPassword: JSON.parse(SecretString ?? '').password });
    expect(DBInstance?.Endpoint).toMatchObject({ Address: 'localhost', Port: 40_003 });
  });

  it('fails a restore from a snapshot that has no data on this platform (seeded)', async () => {
    // Prepare
    double.rdsSnapshots.seed({ identifier: 'seeded', instanceIdentifier: ID, kmsKeyId: KMS_KEY_ARN });

    // Act
    await rds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: ID,
        DBSnapshotIdentifier: 'seeded',
        DBInstanceClass: 'db.t4g.micro',
      }),
    );
    await advance(TIMINGS.creationMs);

    // Assess
    expect(await statusOf()).toBe('failed');
    expect(pending('restore')).toHaveLength(0);
    expect(log).toEqual([expect.stringContaining('has no data on this platform')]);
  });
});

describe('backend names and failure reasons', () => {
  it.each([
    ['tenant-acme', 'us-east-1', 'tenant-acme'],
    ['tenant-acme', 'us-west-2', 'us-west-2-tenant-acme'],
  ])('%s in %s is %s to the backend (home Region us-east-1)', (identifier, region, expected) => {
    expect(backendKey(identifier, region, 'us-east-1')).toBe(expected);
  });

  it.each<[unknown, string[], string]>([
    [new Error('password pw-123 rejected'), ['pw-123'], 'Error: password [redacted] rejected'],
    [new TypeError('x'), [''], 'TypeError: x'],
    ['plain pw-1 text', ['pw-1'], 'plain [redacted] text'],
  ])('failureReason(%p) masks the secrets', (error, masked, expected) => {
    expect(failureReason(error, masked)).toBe(expected);
  });
});
