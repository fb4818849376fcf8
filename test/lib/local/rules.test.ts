import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../../lambdas/shared/errors';
import { type HostIndex, readIndex, updateIndex, writeIndex } from '../../../lib/local/index-file';
import {
  bootstrapStatements,
  hbaConf,
  type InstanceOperation,
  type InstanceStatus,
  isAllowed,
  isPortConflict,
  reattachedStatus,
  serverSettings,
  stateLayout,
  validCredentials,
  validIdentifier,
  validPort,
} from '../../../lib/local/rules';
import { certificateNeedsRenewal } from '../../../lib/local/tls';
import { parsePostmasterPid } from '../../../lib/postgres/cluster';

const credentials = { masterUsername: 'tenant_admin', masterPassword: 'correct-horse-9', dbName: 'app' };

describe('validIdentifier', () => {
  it.each([
    ['alpha', 'alpha'],
    ['Tenant-ACME-1', 'tenant-acme-1'],
    ['a', 'a'],
    ['constructor', 'constructor'],
    ['a'.repeat(63), 'a'.repeat(63)],
  ])('accepts %j as %j (lower-cased, as RDS stores it)', (input, expected) => {
    // Act / Assess
    expect(validIdentifier('instanceId', input, 63)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['a digit first', '1alpha'],
    ['a hyphen last', 'alpha-'],
    ['two hyphens in a row', 'al--pha'],
    ['a path', '../etc'],
    ['a slash', 'a/b'],
    ['an underscore', '__proto__'],
    ['a dot', 'a.b'],
    ['64 characters', 'a'.repeat(64)],
    ['100 000 characters', 'a'.repeat(100_000)],
    ['a number', 42],
    ['null', null],
  ])('refuses %s, naming the field and the rule', (_case, input) => {
    // Act
    const act = () => validIdentifier('instanceId', input, 63);
    // Assess
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(/^instanceId: must be 1 to 63 letters, digits or hyphens/);
  });

  it('quotes an oversized value as a short prefix', () => {
    // Act / Assess
    expect(() => validIdentifier('snapshotId', `a-${'b'.repeat(100_000)}!`, 255)).toThrow(
      /b… \(100005 characters\)\)$/,
    );
  });
});

describe('validCredentials', () => {
  it('accepts RDS-valid credentials as they are', () => {
    // Act / Assess
    expect(validCredentials(credentials)).toEqual(credentials);
  });

  it.each([
    ['masterUsername', { masterUsername: '' }, /masterUsername: must be 1 to 16/],
    ['masterUsername', { masterUsername: '1admin' }, /masterUsername: must be 1 to 16/],
    ['masterUsername', { masterUsername: 'a'.repeat(17) }, /masterUsername: must be 1 to 16/],
    ['masterUsername', { masterUsername: '__proto__' }, /masterUsername: must be 1 to 16/],
    ['masterUsername', { masterUsername: 'rdsadmin' }, /masterUsername: must not be a name PostgreSQL or RDS reserves/],
    ['masterUsername', { masterUsername: 'pg_admin' }, /masterUsername: must not be a name/],
    ['masterUsername', { masterUsername: 'Postgres' }, /masterUsername: must not be a name/],
    ['dbName', { dbName: 'a'.repeat(64) }, /dbName: must be 1 to 63/],
    ['dbName', { dbName: 'app; DROP' }, /dbName: must be 1 to 63/],
    ['dbName', { dbName: 'template1' }, /dbName: must not be a name/],
    ['dbName', { dbName: 'constructor' }, undefined],
    ['masterPassword', { masterPassword: 'short' }, /masterPassword: must be 8 to 128 printable ASCII/],
    ['masterPassword', { masterPassword: 'x'.repeat(129) }, /masterPassword: must be 8 to 128/],
    ['masterPassword', { masterPassword: 'has/slash-in-it' }, /masterPassword: .* other than \/, " and @/],
    ['masterPassword', { masterPassword: 'has@at-sign-in' }, /masterPassword/],
    ['masterPassword', { masterPassword: 'has"quote-in-it' }, /masterPassword/],
    ['masterPassword', { masterPassword: 'tab\tinside-it' }, /masterPassword/],
    ['masterPassword', { masterPassword: 'ünïcödé-pässwörd' }, /masterPassword/],
    ['masterPassword', { masterPassword: undefined }, /masterPassword/],
  ])('%s %j', (_field, change, expected) => {
    // Prepare
    const input = { ...credentials, ...change };
    // Act
    const act = () => validCredentials(input);
    // Assess
    if (expected === undefined) expect(act()).toMatchObject(change);
    else expect(act).toThrow(expected);
  });

  it('never quotes a refused password back', () => {
    // Prepare
    const password = 'sekrit/value-1';
    // Act
    const error = (() => {
      try {
        validCredentials({ ...credentials, masterPassword: password });
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    // Assess
    expect(error?.message).toMatch(/^masterPassword:/);
    expect(error?.message).not.toContain(password);
  });

  it('ignores a __proto__ key in parsed input', () => {
    // Prepare
    const input = JSON.parse(
      '{"masterUsername":"tenant_admin","masterPassword":"correct-horse-9","dbName":"app","__proto__":{"dbName":"x"}}',
    );
    // Act / Assess
    expect(validCredentials(input)).toEqual(credentials);
  });
});

describe('validPort', () => {
  it.each([1024, 5432, 65_535])('accepts %i', (port) => {
    expect(validPort(port)).toBe(port);
  });
  it.each([0, 80, 1023, 65_536, 5432.5, '5432', Number.NaN])('refuses %p', (port) => {
    expect(() => validPort(port)).toThrow(/^port: must be an integer from 1024 to 65535/);
  });
});

describe('server configuration', () => {
  it('pg_hba.conf admits SCRAM over TLS from loopback only', () => {
    // Act
    const rules = hbaConf()
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => line.split(/\s+/));
    // Assess
    expect(rules).toEqual([
      ['hostnossl', 'all', 'all', '127.0.0.1/32', 'reject'],
      ['hostssl', 'all', 'all', '127.0.0.1/32', 'scram-sha-256'],
    ]);
  });

  it.each([
    ['listen_addresses', "'127.0.0.1'"],
    ['unix_socket_directories', "''"],
    ['ssl', 'on'],
    ['ssl_min_protocol_version', "'TLSv1.2'"],
    ['password_encryption', "'scram-sha-256'"],
  ])('postgresql settings: %s = %s', (name, value) => {
    expect(serverSettings().split('\n')).toContain(`${name} = ${value}`);
  });

  it('the bootstrap makes a master that is no superuser, quotes names, and locks the bootstrap superuser out', () => {
    // Act
    const statements = bootstrapStatements({ masterUsername: 'Admin', dbName: 'App' }, "SCRAM-SHA-256$4096:a'b");
    // Assess
    expect(statements).toEqual([
      'CREATE ROLE rds_superuser NOLOGIN',
      'GRANT pg_signal_backend, pg_monitor, pg_checkpoint TO rds_superuser',
      `CREATE ROLE "Admin" LOGIN CREATEDB CREATEROLE PASSWORD 'SCRAM-SHA-256$4096:a''b' IN ROLE rds_superuser`,
      'CREATE DATABASE "App" OWNER "Admin"',
      'ALTER ROLE rdsadmin PASSWORD NULL',
    ]);
    expect(statements.join('\n')).not.toMatch(/\bSUPERUSER\b/);
  });

  it('lays the state directory out under its root', () => {
    // Act
    const layout = stateLayout('/state');
    // Assess
    expect([
      layout.indexFile,
      layout.caDir,
      layout.dataDir('a'),
      layout.logFile('a'),
      layout.snapshotDataDir('s'),
    ]).toEqual([
      '/state/index.json',
      '/state/ca',
      '/state/instances/a/data',
      '/state/instances/a/postgres.log',
      '/state/snapshots/s/data',
    ]);
  });
});

describe('isAllowed', () => {
  const statuses: InstanceStatus[] = [
    'creating',
    'available',
    'stopping',
    'stopped',
    'starting',
    'backing-up',
    'deleting',
    'failed',
  ];
  const allowed: Record<InstanceOperation, InstanceStatus[]> = {
    stop: ['available'],
    start: ['stopped'],
    delete: ['available', 'stopped', 'failed'],
    snapshot: ['available', 'stopped'],
  };
  const cases = (Object.keys(allowed) as InstanceOperation[]).flatMap((operation) =>
    statuses.map((status) => [operation, status, allowed[operation].includes(status)] as const),
  );
  it.each(cases)('%s from %s: %p', (operation, status, expected) => {
    expect(isAllowed(operation, status)).toBe(expected);
  });
});

describe('reattachedStatus', () => {
  it.each<[InstanceStatus, boolean, boolean, InstanceStatus | 'gone']>([
    ['available', true, true, 'available'],
    ['available', true, false, 'stopped'],
    ['stopped', true, false, 'stopped'],
    ['stopped', true, true, 'available'],
    ['stopping', true, false, 'stopped'],
    ['starting', true, true, 'available'],
    ['backing-up', true, false, 'stopped'],
    ['creating', true, true, 'failed'],
    ['creating', false, false, 'failed'],
    ['failed', true, false, 'failed'],
    ['available', false, false, 'failed'],
    ['deleting', true, true, 'gone'],
    ['deleting', false, false, 'gone'],
  ])('recorded %s, initialised %p, running %p: %s', (recorded, initialised, running, expected) => {
    expect(reattachedStatus(recorded, { initialised, running })).toBe(expected);
  });
});

describe('isPortConflict', () => {
  it.each([
    ['LOG:  could not bind IPv4 address "127.0.0.1": Address already in use', true],
    ['FATAL:  could not create any TCP/IP sockets', true],
    ['FATAL:  data directory "/x" has invalid permissions', false],
    ['', false],
  ])('%j: %p', (log, expected) => {
    expect(isPortConflict(log)).toBe(expected);
  });
});

describe('parsePostmasterPid', () => {
  it.each([
    ['4242\n/data\n1700000000\n5433\n\n127.0.0.1\n  123  456\nready   \n', { pid: 4242, port: 5433, status: 'ready' }],
    [
      '4242\n/data\n1700000000\n5433\n\n127.0.0.1\n  123  456\nstarting\n',
      { pid: 4242, port: 5433, status: 'starting' },
    ],
    ['4242\n/data\n1700000000\n5433\n', undefined],
    ['', undefined],
    ['not a pid file', undefined],
  ])('%j', (text, expected) => {
    expect(parsePostmasterPid(text)).toEqual(expected);
  });
});

describe('certificateNeedsRenewal', () => {
  const now = new Date('2026-12-04T00:00:00Z');
  it.each([
    ['2027-12-04T00:00:00Z', false],
    ['2027-01-04T00:00:01Z', false],
    ['2027-01-02T00:00:00Z', true],
    ['2026-12-01T00:00:00Z', true],
  ])('valid until %s: %p', (validTo, expected) => {
    expect(certificateNeedsRenewal(new Date(validTo), now)).toBe(expected);
  });
});

describe('index file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-index-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const record = (instanceId: string) => ({
    instanceId,
    status: 'available' as const,
    port: 5433,
    masterUsername: 'tenant_admin',
    dbName: 'app',
    createdAt: '2026-12-04T00:00:00.000Z',
  });

  it('is empty before the first write', () => {
    // Act
    const index = readIndex(join(dir, 'index.json'));
    // Assess
    expect([index.instances.size, index.snapshots.size]).toEqual([0, 0]);
  });

  it.each(['alpha', 'constructor', 'hasownproperty', 'tostring'])(
    'keeps an instance named %s and nothing else',
    (instanceId) => {
      // Prepare
      const file = join(dir, 'index.json');
      // Act
      updateIndex(file, (index) => index.instances.set(instanceId, record(instanceId)));
      const read = readIndex(file);
      // Assess
      expect([...read.instances.keys()]).toEqual([instanceId]);
      expect(read.instances.get(instanceId)).toEqual(record(instanceId));
      expect(readdirSync(dir)).toEqual(['index.json']);
    },
  );

  it('replaces the file whole: an abandoned temporary file changes nothing', () => {
    // Prepare
    const file = join(dir, 'index.json');
    const index: HostIndex = { instances: new Map([['alpha', record('alpha')]]), snapshots: new Map() };
    writeIndex(file, index);
    writeFileSync(`${file}.abandoned.tmp`, '{"version":1,"instances":[');
    // Act
    const read = readIndex(file);
    // Assess
    expect([...read.instances.keys()]).toEqual(['alpha']);
    expect(existsSync(file)).toBe(true);
  });

  it('refuses a file that is not an index', () => {
    // Prepare
    const file = join(dir, 'index.json');
    writeFileSync(file, '{"version":2,"instances":[],"snapshots":[]}');
    // Act / Assess
    expect(() => readIndex(file)).toThrow(`${file} is not a local instance index (format version 1).`);
    expect(readFileSync(file, 'utf8')).toContain('"version":2');
  });
});
