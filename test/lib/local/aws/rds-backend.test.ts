import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyDBSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  type DBInstance,
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
import { Client } from 'pg';
import { AwsDouble, hostBackend, installAwsDouble } from '../../../../lib/local/aws';
import { BACKUP_KMS_KEY_ARN, createRequest, KMS_KEY_ARN } from '../../../../lib/local/aws/fixtures';
import { followWallClock, type RealTimeClock } from '../../../../lib/local/aws/real-time';
import { LocalInstanceHost } from '../../../../lib/local/host';

/**
 * The RDS double backed by real PostgreSQL servers of a LocalInstanceHost (lib/local/host), on a clock that follows
 * the wall clock with short timings, as the local platform runs it. One host and double for the suite; the tests
 * run in order on the same instances. As root the servers run as the OS user `postgres`, so the state directory
 * sits in a folder every user can traverse.
 */

// Each creation or restore starts a server (about a second on an idle 2-core machine, several under load).
jest.setTimeout(180_000);

const ID = 'tenant-acme';
const RESTORED = 'tenant-acme-r';
const SHORT = 200;

const rds = new RDSClient({ region: 'us-east-1' });
const backupRds = new RDSClient({ region: 'us-west-2' });
const secrets = new SecretsManagerClient({ region: 'us-east-1' });

let stateDir: string;
let host: LocalInstanceHost;
let realTime: RealTimeClock;
let uninstall: () => void;
const log: string[] = [];

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'rds-backend-'));
  chmodSync(stateDir, 0o755);
  host = new LocalInstanceHost({ stateDir });
  realTime = followWallClock(20);
  const double = new AwsDouble({
    clock: realTime.clock,
    instanceBackend: hostBackend(host),
    backendLog: (line) => log.push(line),
  });
  Object.assign(double.rds.timings, {
    creationMs: SHORT,
    backingUpMs: SHORT,
    stoppingMs: SHORT,
    startingMs: SHORT,
    deletionMs: SHORT,
  });
  Object.assign(double.rdsSnapshots.timings, { snapshotMs: SHORT, copyMs: SHORT });
  uninstall = installAwsDouble(double);
});

afterAll(async () => {
  uninstall();
  realTime.stop();
  await host.stopAll();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Polls until `probe` answers `expected` (a transition the wall clock and a server both have to finish). */
async function eventually<T>(probe: () => Promise<T>, expected: T, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let seen = await probe();
  while (seen !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen = await probe();
  }
  return seen;
}

async function instance(id: string, client = rds): Promise<DBInstance | undefined> {
  try {
    const { DBInstances } = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return DBInstances?.[0];
  } catch (error) {
    if ((error as Error).name === 'DBInstanceNotFoundFault') return undefined;
    throw error;
  }
}
const status = async (id: string, client = rds) => (await instance(id, client))?.DBInstanceStatus ?? 'gone';
const snapshotStatus = async (id: string, client = rds) =>
  (await client.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }))).DBSnapshots?.[0]?.Status;

/** The password in the instance's RDS-managed master secret. */
async function masterPassword(id: string): Promise<string> {
  const arn = (await instance(id))?.MasterUserSecret?.SecretArn;
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
  return JSON.parse(SecretString ?? '{}').password as string;
}

/** Connects to the instance's endpoint over TLS verified with the local CA, as the migration step does. */
async function connect(id: string, password?: string, client = rds): Promise<Client> {
  const described = await instance(id, client);
  const db = new Client({
    host: described?.Endpoint?.Address,
    port: described?.Endpoint?.Port,
    user: 'tenant_admin',
    password: password ?? (await masterPassword(id)),
    database: 'tenant',
    ssl: { rejectUnauthorized: true, ca: readFileSync(host.caFile, 'utf8') },
    connectionTimeoutMillis: 10_000,
  });
  await db.connect();
  return db;
}

async function query(id: string, sql: string, password?: string, client = rds): Promise<Record<string, unknown>[]> {
  const db = await connect(id, password, client);
  try {
    return (await db.query(sql)).rows;
  } finally {
    await db.end();
  }
}

/** The error a connection attempt fails with, or 'connected'. */
async function connectOutcome(id: string, password?: string): Promise<string> {
  try {
    await (await connect(id, password)).end();
    return 'connected';
  } catch (error) {
    const { code } = error as { code?: string };
    return code ?? (error as Error).message;
  }
}

describe('RDS double on real PostgreSQL servers (local platform)', () => {
  it('creates a server: available with its endpoint, the managed secret logs in over verified TLS', async () => {
    // Act
    await rds.send(new CreateDBInstanceCommand(createRequest(ID)));
    const reached = await eventually(() => status(ID), 'available');

    // Assess
    expect(reached).toBe('available');
    expect((await instance(ID))?.Endpoint).toMatchObject({
      Address: 'localhost',
      Port: host.describe(ID).endpoint.port,
    });
    expect(await query(ID, 'SELECT current_user AS who, current_setting($$ssl$$) AS ssl')).toEqual([
      { who: 'tenant_admin', ssl: 'on' },
    ]);
  });

  it('stops the server (connections refused) and starts it again (log in, the endpoint follows the port)', async () => {
    // Act
    await rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: ID }));
    const stopped = await eventually(() => status(ID), 'stopped');
    const whileStopped = await connectOutcome(ID);
    await rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: ID }));
    const started = await eventually(() => status(ID), 'available');

    // Assess
    expect([stopped, whileStopped, started]).toEqual(['stopped', 'ECONNREFUSED', 'available']);
    expect(host.describe(ID).status).toBe('available');
    expect((await instance(ID))?.Endpoint?.Port).toBe(host.describe(ID).endpoint.port);
    expect(await connectOutcome(ID)).toBe('connected');
  });

  it('restores a snapshot into a new server: the data as of the snapshot, the new managed password', async () => {
    // Prepare: a row before the snapshot, one after
    await query(ID, 'CREATE TABLE notes (body text); INSERT INTO notes VALUES ($$before$$)');
    await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: ID, DBSnapshotIdentifier: 'snap-1' }));
    expect(await eventually(() => snapshotStatus('snap-1'), 'available')).toBe('available');
    expect(await eventually(() => status(ID), 'available')).toBe('available');
    await query(ID, 'INSERT INTO notes VALUES ($$after$$)');
    const sourcePassword = await masterPassword(ID);

    // Act: restore, then the platform's post-restore modification gives it a managed secret
    await rds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: RESTORED,
        DBSnapshotIdentifier: 'snap-1',
        DBInstanceClass: 'db.t4g.micro',
      }),
    );
    const restored = await eventually(() => status(RESTORED), 'available');
    await rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: RESTORED,
        ManageMasterUserPassword: true,
        MasterUserSecretKmsKeyId: KMS_KEY_ARN,
        ApplyImmediately: true,
      }),
    );
    const newPassword = await masterPassword(RESTORED);

    // Assess
    expect(restored).toBe('available');
    expect(newPassword).not.toBe(sourcePassword);
    expect(await query(RESTORED, 'SELECT body FROM notes ORDER BY body')).toEqual([{ body: 'before' }]);
    expect(await connectOutcome(RESTORED, sourcePassword)).toBe('28P01');
    expect(await query(ID, 'SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 2 }]);
  });

  it('a copy in the backup Region keeps the data when the source snapshot is deleted, and restores there', async () => {
    // Prepare
    await backupRds.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: 'arn:aws:rds:us-east-1:123456789012:snapshot:snap-1',
        TargetDBSnapshotIdentifier: 'snap-1-copy',
        KmsKeyId: BACKUP_KMS_KEY_ARN,
      }),
    );
    expect(await eventually(() => snapshotStatus('snap-1-copy', backupRds), 'available')).toBe('available');

    // Act
    await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'snap-1' }));
    await backupRds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: ID,
        DBSnapshotIdentifier: 'snap-1-copy',
        DBInstanceClass: 'db.t4g.micro',
      }),
    );
    const restored = await eventually(() => status(ID, backupRds), 'available');

    // Assess: the copy's restore used the source's data, a server of its own under a Region-qualified name
    expect(restored).toBe('available');
    expect(host.listSnapshots().map((s) => s.snapshotId)).toEqual(['snap-1']);
    expect(host.describe(`us-west-2-${ID}`).restoredFrom).toBe('snap-1');

    // Act: the last snapshot referring to the data goes, and the data with it
    await backupRds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'snap-1-copy' }));
    const remaining = await eventually(async () => host.listSnapshots().length, 0);

    // Assess
    expect(remaining).toBe(0);
  });

  it('deletes the server and its data folder after the deletion timing', async () => {
    // Prepare
    const dataDir = host.describe(RESTORED).dataDir;
    const present = existsSync(dataDir);

    // Act
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: RESTORED, SkipFinalSnapshot: true }));
    const gone = await eventually(() => status(RESTORED), 'gone');

    // Assess
    expect([present, gone, existsSync(dataDir)]).toEqual([true, 'gone', false]);
    expect(host.list().map((i) => i.instanceId)).not.toContain(RESTORED);
  });

  it('fails a restore whose snapshot has another master user than the restored instance would have', async () => {
    // Prepare
    await rds.send(new CreateDBInstanceCommand({ ...createRequest('tenant-other'), MasterUsername: 'other_admin' }));
    expect(await eventually(() => status('tenant-other'), 'available')).toBe('available');
    await rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'tenant-other', DBSnapshotIdentifier: 'other-1' }),
    );
    expect(await eventually(() => snapshotStatus('other-1'), 'available')).toBe('available');
    log.length = 0;

    // Act
    await rds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: 'tenant-other-r',
        DBSnapshotIdentifier: 'other-1',
        DBInstanceClass: 'db.t4g.micro',
      }),
    );
    const reached = await eventually(() => status('tenant-other-r'), 'failed');

    // Assess
    expect(reached).toBe('failed');
    expect(log).toEqual([expect.stringContaining('snapshot other-1 has master user other_admin, not tenant_admin')]);
    expect(host.list().map((i) => i.instanceId)).not.toContain('tenant-other-r');
  });

  it('fails an instance whose server cannot be created, the reason in the log, never the password', async () => {
    // Prepare: the host already has a server under that name
    log.length = 0;
    await host.create('tenant-taken', { masterUsername: 'tenant_admin', masterPassword: 'Other-pw-123', dbName: 'x' });

    // Act
    await rds.send(new CreateDBInstanceCommand(createRequest('tenant-taken')));
    const reached = await eventually(() => status('tenant-taken'), 'failed');
    const password = await masterPassword('tenant-taken');

    // Assess
    expect(reached).toBe('failed');
    expect(log).toEqual([
      expect.stringMatching(/^create of the server of DB instance tenant-taken .*LocalInstanceExists/),
    ]);
    expect(log.join('\n')).not.toContain(password);
  });
});
