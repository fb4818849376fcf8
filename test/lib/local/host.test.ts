import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type ClientConfig } from 'pg';
import { ValidationError } from '../../../lambdas/shared/errors';
import {
  LocalHostError,
  LocalInstanceExistsError,
  LocalInstanceNotFoundError,
  LocalInstanceStateError,
  LocalSnapshotExistsError,
  LocalSnapshotNotFoundError,
} from '../../../lib/local/errors';
import { type CreateInstanceInput, type InstanceDescription, LocalInstanceHost } from '../../../lib/local/host';
import { readIndex, updateIndex } from '../../../lib/local/index-file';
import { unusedPort } from '../../../lib/local/network';
import { createCertificateAuthority } from '../../../lib/local/tls';
import { postgresBinaries } from '../../../lib/postgres/binaries';
import { initialiseCluster, processExists, readPostmasterPid, runSingleUser } from '../../../lib/postgres/cluster';

/**
 * The local instance host against real PostgreSQL servers. One state directory and host for the suite; each test
 * makes the instances it needs under its own names. As root the servers run as the OS user `postgres`, so the state
 * directory sits in a folder every user can traverse.
 */

// Each creation starts a server (about a second on an idle 2-core machine, several under load).
jest.setTimeout(180_000);

const PASSWORD = 'Local-master-pw-7f3a9c';
const input: CreateInstanceInput = { masterUsername: 'tenant_admin', masterPassword: PASSWORD, dbName: 'app' };

let stateDir: string;
let host: LocalInstanceHost;
const extraHosts: LocalInstanceHost[] = [];

let alpha: InstanceDescription;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'local-host-'));
  chmodSync(stateDir, 0o755);
  host = new LocalInstanceHost({ stateDir });
  alpha = await host.create('alpha', input);
  await host.snapshot('alpha', 'alpha-1');
});

afterAll(async () => {
  await host.stopAll();
  for (const other of extraHosts) await other.stopAll();
  rmSync(stateDir, { recursive: true, force: true });
});

function connection(port: number, overrides: Partial<ClientConfig> = {}): ClientConfig {
  return {
    host: '127.0.0.1',
    port,
    user: 'tenant_admin',
    password: PASSWORD,
    database: 'app',
    ssl: { rejectUnauthorized: true, ca: readFileSync(host.caFile, 'utf8') },
    connectionTimeoutMillis: 10_000,
    ...overrides,
  };
}

async function query<T extends Record<string, unknown>>(port: number, sql: string): Promise<T[]> {
  const client = new Client(connection(port));
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The error a connection attempt fails with (undefined when it succeeds). */
async function connectError(config: ClientConfig): Promise<Error | undefined> {
  const client = new Client(config);
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (error) {
    await client.end().catch(() => undefined);
    return error as Error;
  }
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Every file under `dir` (binary or not) that contains `text`. */
function filesContaining(dir: string, text: string): string[] {
  const needle = Buffer.from(text);
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => readFileSync(file).includes(needle));
}

describe('an instance', () => {
  it('is available on its own loopback port, with its data folder', () => {
    // Assess
    expect(alpha).toMatchObject({
      instanceId: 'alpha',
      status: 'available',
      endpoint: { address: '127.0.0.1', port: alpha.port },
      masterUsername: 'tenant_admin',
      dbName: 'app',
      dataDir: join(stateDir, 'instances', 'alpha', 'data'),
    });
    expect(alpha.port).toBeGreaterThanOrEqual(1024);
    expect(alpha.sizeBytes).toBeGreaterThan(1_000_000);
    expect(statSync(alpha.dataDir).mode & 0o777).toBe(0o700);
    expect(host.describe('ALPHA')).toEqual(host.describe('alpha'));
  });

  it('lets the master user in over TLS verified with the local CA, as an RDS master: no superuser', async () => {
    // Act
    const [row] = await query<{ user: string; superuser: boolean; ssl: boolean; owner: string }>(
      alpha.port,
      `SELECT current_user AS user, r.rolsuper AS superuser, s.ssl, pg_get_userbyid(d.datdba) AS owner
         FROM pg_roles r, pg_stat_ssl s, pg_database d
        WHERE r.rolname = current_user AND s.pid = pg_backend_pid() AND d.datname = current_database()`,
    );
    // Assess
    expect(row).toEqual({ user: 'tenant_admin', superuser: false, ssl: true, owner: 'tenant_admin' });
  });

  it.each<[string, (port: number) => Partial<ClientConfig>, RegExp]>([
    ['without TLS', () => ({ ssl: false }), /pg_hba\.conf rejects connection .* no encryption/],
    [
      'verifying with another CA',
      () => ({
        ssl: {
          rejectUnauthorized: true,
          ca: readFileSync(
            createCertificateAuthority(join(mkdtempSync(join(tmpdir(), 'other-ca-')), 'ca'), 'other').certFile,
            'utf8',
          ),
        },
      }),
      /self.signed|unable to (get|verify)|certificate/i,
    ],
    ['with a wrong password', () => ({ password: 'not-the-password' }), /password authentication failed/],
    [
      'as the bootstrap superuser',
      () => ({ user: 'rdsadmin', password: 'anything-at-all' }),
      /password authentication/,
    ],
  ])('refuses a connection %s', async (_case, overrides, expected) => {
    // Act
    const error = await connectError(connection(alpha.port, overrides(alpha.port)));
    // Assess
    expect(error?.message).toMatch(expected);
  });

  it('writes the master password nowhere in the state directory', () => {
    // Act / Assess
    expect(filesContaining(stateDir, PASSWORD)).toEqual([]);
    expect(readFileSync(join(stateDir, 'index.json'), 'utf8')).not.toMatch(/password/i);
  });

  it('keeps the CA key readable by its owner only', () => {
    // Assess
    expect(statSync(join(stateDir, 'ca', 'ca.key')).mode & 0o777).toBe(0o600);
    expect(statSync(host.caFile).mode & 0o777).toBe(0o644);
  });
});

describe('stop and start', () => {
  it('keep the data, on the same port when it is free', async () => {
    // Prepare
    const created = await host.create('stop-start', input);
    await query(created.port, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$before stop$$)');
    // Act
    const stopped = await host.stop('stop-start');
    const pidFileWhenStopped = readPostmasterPid(created.dataDir);
    const refused = await connectError(connection(created.port));
    const started = await host.start('stop-start');
    // Assess
    expect(stopped.status).toBe('stopped');
    expect(pidFileWhenStopped).toBeUndefined();
    expect(refused?.message).toMatch(/ECONNREFUSED/);
    expect(started).toMatchObject({ status: 'available', port: created.port });
    expect(started.previousPort).toBeUndefined();
    expect(await query(started.port, 'SELECT v FROM kept')).toEqual([{ v: 'before stop' }]);
  });

  it('start on a new port, reported, when another process took the old one', async () => {
    // Prepare
    const created = await host.create('port-taken', input);
    await host.stop('port-taken');
    const squatter = await listen(created.port);
    try {
      // Act
      const started = await host.start('port-taken');
      // Assess
      expect(started.port).not.toBe(created.port);
      expect(started.previousPort).toBe(created.port);
      expect(host.describe('port-taken').port).toBe(started.port);
      expect(await query(started.port, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      squatter.close();
    }
  });

  it('one operation at a time: of two creations or two stops at once, the second is refused', async () => {
    // Act (a prototype name is an ordinary identifier here)
    const creations = await Promise.allSettled([host.create('constructor', input), host.create('constructor', input)]);
    const stops = await Promise.allSettled([host.stop('constructor'), host.stop('constructor')]);
    // Assess
    expect(creations[0]).toMatchObject({ status: 'fulfilled', value: { instanceId: 'constructor' } });
    expect(creations[1]).toMatchObject({ status: 'rejected', reason: { name: 'LocalInstanceExists' } });
    expect(stops[0]).toMatchObject({ status: 'fulfilled', value: { status: 'stopped' } });
    expect(stops[1]).toMatchObject({ status: 'rejected', reason: { name: 'LocalInstanceWrongState' } });
    expect(host.list().filter((i) => i.instanceId === 'constructor')).toHaveLength(1);
  });
});

describe('snapshot and restore', () => {
  it('a row written before the snapshot is in the instance restored after the source was deleted', async () => {
    // Prepare
    const source = await host.create('source', input);
    await query(source.port, 'CREATE TABLE orders (id int); INSERT INTO orders VALUES (7)');
    // Act
    const snapshot = await host.snapshot('source', 'source-final');
    await query(source.port, 'INSERT INTO orders VALUES (8)');
    await host.delete('source');
    const restored = await host.restore('source-final', 'source-restored');
    // Assess
    expect(snapshot).toMatchObject({ snapshotId: 'source-final', status: 'available', instanceId: 'source' });
    expect(snapshot.sizeBytes).toBeGreaterThan(1_000_000);
    expect(existsSync(join(snapshot.dir, 'data', 'server.key'))).toBe(false);
    expect(existsSync(join(stateDir, 'instances', 'source'))).toBe(false);
    expect(() => host.describe('source')).toThrow(LocalInstanceNotFoundError);
    expect(restored).toMatchObject({
      status: 'available',
      restoredFrom: 'source-final',
      masterUsername: 'tenant_admin',
    });
    expect(restored.port).not.toBe(source.port);
    expect(await query(restored.port, 'SELECT id FROM orders')).toEqual([{ id: 7 }]);
  });

  it('an available instance is available again after its snapshot; a stopped one is copied and stays stopped', async () => {
    // Prepare
    const created = await host.create('backed-up', input);
    await query(created.port, 'CREATE TABLE t (v int); INSERT INTO t VALUES (1)');
    // Act
    await host.snapshot('backed-up', 'backed-up-1');
    const afterHotSnapshot = host.describe('backed-up');
    const rows = await query(created.port, 'SELECT v FROM t');
    await host.stop('backed-up');
    const cold = await host.snapshot('backed-up', 'backed-up-2');
    await host.deleteSnapshot('backed-up-2');
    // Assess
    expect(afterHotSnapshot).toMatchObject({ status: 'available', port: created.port });
    expect(rows).toEqual([{ v: 1 }]);
    expect(host.describe('backed-up').status).toBe('stopped');
    expect(existsSync(cold.dir)).toBe(false);
    expect(host.listSnapshots().map((s) => s.snapshotId)).toEqual(expect.arrayContaining(['backed-up-1']));
    expect(host.listSnapshots().map((s) => s.snapshotId)).not.toContain('backed-up-2');
  });
});

describe('restore with a new master password', () => {
  const NEW_PASSWORD = 'Restored-master-pw-41c8e2';

  it('the master user logs in with the new password only; the password is written nowhere', async () => {
    // Act
    const restored = await host.restore('alpha-1', 'alpha-new-password', { masterPassword: NEW_PASSWORD });
    const oldRefused = await connectError(connection(restored.port));
    const newAccepted = await connectError(connection(restored.port, { password: NEW_PASSWORD }));

    // Assess
    expect(restored).toMatchObject({ status: 'available', restoredFrom: 'alpha-1', masterUsername: 'tenant_admin' });
    expect(oldRefused).toMatchObject({ code: '28P01' });
    expect(newAccepted).toBeUndefined();
    expect(filesContaining(stateDir, NEW_PASSWORD)).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['too short', 'short'],
    ['with an @', 'Has-an-@-inside-1'],
    ['not a string', 12345678],
  ])('refuses a new password %s before making anything, without quoting it', async (_case, masterPassword) => {
    // Act
    let error: unknown;
    try {
      await host.restore('alpha-1', 'alpha-bad-password', { masterPassword: masterPassword as string });
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('masterPassword');
    expect((error as Error).message).not.toContain(String(masterPassword));
    expect(() => host.describe('alpha-bad-password')).toThrow(LocalInstanceNotFoundError);
  });
});

describe('two instances created at once', () => {
  it('run side by side on distinct ports (one the caller chose), each with its own data', async () => {
    // Prepare
    const chosen = await unusedPort();
    // Act
    const [one, two] = await Promise.all([
      host.create('twin-one', input),
      host.create('twin-two', { ...input, port: chosen }),
    ]);
    await query(one.port, 'CREATE TABLE mine (v text); INSERT INTO mine VALUES ($$one$$)');
    // Assess
    expect(two.port).toBe(chosen);
    expect(one.port).not.toBe(two.port);
    expect(await query(one.port, 'SELECT v FROM mine')).toEqual([{ v: 'one' }]);
    expect(
      await query(two.port, "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'mine'"),
    ).toEqual([{ n: 0 }]);
  });
});

describe('a new host on the same state directory', () => {
  it('finds running servers, marks dead ones stopped, fails interrupted creations and finishes deletions', async () => {
    // Prepare
    const running = await host.create('survivor', input);
    const crashed = await host.create('crashed', input);
    await query(crashed.port, 'CREATE TABLE t (v int); INSERT INTO t VALUES (3)');
    const crashedPid = readPostmasterPid(crashed.dataDir)?.pid ?? 0;
    process.kill(crashedPid, 'SIGKILL');
    await waitUntil(() => !processExists(crashedPid));
    await host.create('half-made', input);
    await host.create('half-deleted', input);
    await host.snapshot('survivor', 'half-copied');
    updateIndex(join(stateDir, 'index.json'), (index) => {
      const halfMade = index.instances.get('half-made');
      const halfDeleted = index.instances.get('half-deleted');
      const halfCopied = index.snapshots.get('half-copied');
      if (halfMade) halfMade.status = 'creating';
      if (halfDeleted) halfDeleted.status = 'deleting';
      if (halfCopied) halfCopied.status = 'creating';
    });
    const abandonedCopy = join(stateDir, 'snapshots', '.staging-lost-1234');
    mkdirSync(join(abandonedCopy, 'data'), { recursive: true });
    // Act
    const next = new LocalInstanceHost({ stateDir });
    extraHosts.push(next);
    const found = await next.reattach();
    // Assess
    const status = (id: string) => found.find((i) => i.instanceId === id)?.status;
    expect(status('survivor')).toBe('available');
    expect(next.describe('survivor').port).toBe(running.port);
    expect(status('crashed')).toBe('stopped');
    expect(status('half-made')).toBe('failed');
    expect(status('half-deleted')).toBeUndefined();
    expect(existsSync(join(stateDir, 'instances', 'half-deleted'))).toBe(false);
    expect(readIndex(join(stateDir, 'index.json')).snapshots.has('half-copied')).toBe(false);
    expect(existsSync(join(stateDir, 'snapshots', 'half-copied'))).toBe(false);
    expect(existsSync(abandonedCopy)).toBe(false);
    expect(await query(running.port, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    // The crashed server recovers on its next start; the failed one can only be deleted.
    const restarted = await next.start('crashed');
    expect(await query(restarted.port, 'SELECT v FROM t')).toEqual([{ v: 3 }]);
    await expect(next.start('half-made')).rejects.toThrow(LocalInstanceStateError);
    await next.delete('half-made');
    expect(existsSync(join(stateDir, 'instances', 'half-made'))).toBe(false);
  });
});

describe('refusals', () => {
  it.each<[string, () => Promise<unknown>, new (...args: never[]) => Error, string, string]>([
    [
      'create an existing instance',
      () => host.create('alpha', input),
      LocalInstanceExistsError,
      'LocalInstanceExists',
      'DBInstanceAlreadyExists',
    ],
    [
      'stop an unknown instance',
      () => host.stop('nobody'),
      LocalInstanceNotFoundError,
      'LocalInstanceNotFound',
      'DBInstanceNotFound',
    ],
    [
      'delete an unknown instance',
      () => host.delete('nobody'),
      LocalInstanceNotFoundError,
      'LocalInstanceNotFound',
      'DBInstanceNotFound',
    ],
    [
      'start an available instance',
      () => host.start('alpha'),
      LocalInstanceStateError,
      'LocalInstanceWrongState',
      'InvalidDBInstanceState',
    ],
    [
      'take a snapshot under a used id',
      () => host.snapshot('alpha', 'alpha-1'),
      LocalSnapshotExistsError,
      'LocalSnapshotExists',
      'DBSnapshotAlreadyExists',
    ],
    [
      'restore an unknown snapshot',
      () => host.restore('nothing', 'from-nothing'),
      LocalSnapshotNotFoundError,
      'LocalSnapshotNotFound',
      'DBSnapshotNotFound',
    ],
    [
      'restore over an existing instance',
      () => host.restore('alpha-1', 'alpha'),
      LocalInstanceExistsError,
      'LocalInstanceExists',
      'DBInstanceAlreadyExists',
    ],
    [
      'delete an unknown snapshot',
      () => host.deleteSnapshot('nothing'),
      LocalSnapshotNotFoundError,
      'LocalSnapshotNotFound',
      'DBSnapshotNotFound',
    ],
  ])('%s', async (_case, act, errorClass, name, rdsErrorCode) => {
    // Act
    const error = await act().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    // Assess
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(LocalHostError);
    expect(error).toMatchObject({ name, rdsErrorCode });
  });

  it('describing an unknown instance or snapshot names it; a malformed name is refused as input', () => {
    expect(() => host.describe('__proto__')).toThrow(ValidationError);
    expect(() => host.describeSnapshot('a'.repeat(300))).toThrow(/^snapshotId: .*\(302 characters\)\)$/);
    expect(() => host.describe('nobody')).toThrow('Local DB instance nobody not found.');
    expect(() => host.describeSnapshot('nothing')).toThrow('Local DB snapshot nothing not found.');
  });

  it.each<[string, string, Partial<CreateInstanceInput>, RegExp]>([
    ['a prototype name', '__proto__', {}, /^instanceId: must be 1 to 63/],
    ['a path', '../escape', {}, /^instanceId: /],
    ['an oversized identifier', 'a'.repeat(100_000), {}, /^instanceId: .*\(100002 characters\)\)$/],
    ['a reserved master user', 'bad-user', { masterUsername: 'rdsadmin' }, /^masterUsername: must not be a name/],
    ['a short password', 'bad-password', { masterPassword: 'short' }, /^masterPassword: /],
    ['a privileged port', 'bad-port', { port: 80 }, /^port: must be an integer from 1024 to 65535/],
  ])('creating with %s is refused before anything is made', async (_case, id, change, expected) => {
    // Prepare
    const before = readdirSync(join(stateDir, 'instances')).sort();
    // Act
    const error = await Promise.resolve()
      .then(() => host.create(id, { ...input, ...change }))
      .then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );
    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.message).toMatch(expected);
    expect(readdirSync(join(stateDir, 'instances')).sort()).toEqual(before);
  });
});

describe('single-user mode, as the bootstrap uses it', () => {
  it('reports a failing statement by its error only, never by its text (it may hold a password verifier)', async () => {
    // Prepare
    const dataDir = join(stateDir, 'single-user', 'data');
    mkdirSync(join(stateDir, 'single-user'), { mode: 0o755 });
    chmodSync(join(stateDir, 'single-user'), 0o755);
    const binaries = postgresBinaries();
    await initialiseCluster(binaries, {
      dataDir,
      superuser: 'rdsadmin',
      password: 'unused-pw-1',
      initdbFlags: ['--no-sync'],
    });
    const statement = "CREATE ROLE someone PASSWORD 'SCRAM-SHA-256$4096:verifier-marker'";
    // Act
    const error = await runSingleUser(binaries, dataDir, 'postgres', [statement, statement]).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    const spanning = await runSingleUser(binaries, dataDir, 'postgres', ['SELECT\n1']).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    // Assess
    expect(error?.message).toMatch(/ERROR: {2}role "someone" already exists/);
    expect(error?.message).not.toContain('verifier-marker');
    expect(spanning?.message).toMatch(/one statement per line/);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
