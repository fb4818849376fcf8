import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, DatabaseError } from 'pg';
import { clock } from '../../../../lambdas/shared/clock';
import { scramSha256Verifier } from '../../../../lambdas/shared/database/scram';
import { APP_USERNAME, MASTER_USERNAME } from '../../../../lambdas/shared/naming';
import { MIGRATIONS_DIR } from '../../../../lambdas/shared/schema/bundling';
import { APPLICATION_NAME, type DatabaseTarget, DEFAULT_TIMEOUTS } from '../../../../lambdas/shared/schema/connection';
import {
  DatabaseUnreachableError,
  MigrationFailedError,
  MigrationLockTimeoutError,
} from '../../../../lambdas/shared/schema/errors';
import {
  MIGRATION_LOCK_KEY,
  type MigrationLogger,
  type RunMigrationsOptions,
  runTenantMigrations,
} from '../../../../lambdas/shared/schema/runner';
import { connectionTo, createRdsLikeDatabase, startPostgres, type TestPostgres } from '../../../support/postgres';

/**
 * The init migrations and the application role against a real PostgreSQL. The migrations run as a master login
 * that is not a superuser, like on RDS, so anything only a superuser could do fails here too.
 */

const MASTER_PASSWORD = 'Master-Passw0rd-for-tests';
const APP_PASSWORD = 'App-Passw0rd-first';
const ROTATED_APP_PASSWORD = 'App-Passw0rd-rotated';
const MIGRATIONS = readdirSync(MIGRATIONS_DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort()
  .map((f) => f.replace(/\.sql$/, ''));
const silent: MigrationLogger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };

let server: TestPostgres;
let databases = 0;
const tempDirs: string[] = [];

beforeAll(async () => {
  server = await startPostgres({ logStatements: true });
});
afterAll(async () => {
  await server?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A new, empty tenant database owned by the master login. */
async function freshDatabase(): Promise<DatabaseTarget> {
  databases += 1;
  const database = `tenant_${databases}`;
  await createRdsLikeDatabase(server, { database, masterUser: MASTER_USERNAME, masterPassword: MASTER_PASSWORD });
  return masterTarget(database);
}

function masterTarget(database: string): DatabaseTarget {
  return {
    host: server.host,
    port: server.port,
    database,
    user: MASTER_USERNAME,
    password: MASTER_PASSWORD,
    tls: 'disabled',
  };
}

function run(target: DatabaseTarget, overrides: Partial<RunMigrationsOptions> = {}) {
  return runTenantMigrations({ target, appPassword: APP_PASSWORD, logger: silent, ...overrides });
}

async function migratedDatabase(): Promise<DatabaseTarget> {
  const target = await freshDatabase();
  await run(target);
  return target;
}

async function connect(database: string, user: string, password: string): Promise<Client> {
  const client = new Client(connectionTo(server, database, { user, password }));
  await client.connect();
  return client;
}

async function withClient<T>(client: Client, work: (c: Client) => Promise<T>): Promise<T> {
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const asMaster = <T>(target: DatabaseTarget, work: (c: Client) => Promise<T>) =>
  connect(target.database, MASTER_USERNAME, MASTER_PASSWORD).then((c) => withClient(c, work));
const asApp = <T>(target: DatabaseTarget, work: (c: Client) => Promise<T>, password = APP_PASSWORD) =>
  connect(target.database, APP_USERNAME, password).then((c) => withClient(c, work));
const asSuperuser = <T>(database: string, work: (c: Client) => Promise<T>) =>
  server.superuser(database).then((c) => withClient(c, work));

/** Polls `condition` every 20 ms until it holds, failing with `what` after 10 s. */
async function waitFor(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The SQL state a statement fails with, or undefined when it succeeds. */
async function sqlState(client: Client, sql: string): Promise<string | undefined> {
  try {
    await client.query(sql);
    return undefined;
  } catch (error) {
    if (error instanceof DatabaseError) return error.code;
    throw error;
  }
}

/**
 * Everything the migrations define, as sorted text: relations with owner and grants, columns, constraints,
 * indexes, functions, database grants and the applied-migration rows. The bookkeeping table's own definition is
 * left out: node-pg-migrate creates it before the migrations' transaction.
 */
async function schemaSnapshot(target: DatabaseTarget): Promise<string[]> {
  return asSuperuser(target.database, async (c) => {
    const { rows } = await c.query<{ line: string }>(`
      SELECT format('rel %s %s owner=%s acl=%s', c.relname, c.relkind, pg_get_userbyid(c.relowner), c.relacl) AS line
        FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relname NOT LIKE 'pgmigrations%'
      UNION ALL SELECT format('col %s.%s %s default=%s null=%s', table_name, column_name, data_type, column_default, is_nullable)
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'pgmigrations'
      UNION ALL SELECT format('con %s %s', conname, pg_get_constraintdef(oid))
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conname NOT LIKE 'pgmigrations%'
      UNION ALL SELECT 'fn ' || oid::regprocedure FROM pg_proc WHERE pronamespace = 'public'::regnamespace
      UNION ALL SELECT 'db ' || datacl::text FROM pg_database WHERE datname = current_database()
      ORDER BY 1`);
    const history = await c.query<{ present: boolean }>("SELECT to_regclass('pgmigrations') IS NOT NULL AS present");
    const applied = history.rows[0]?.present
      ? await c.query<{ line: string }>(
          "SELECT 'migration ' || name || ' ' || run_on AS line FROM pgmigrations ORDER BY id",
        )
      : { rows: [] };
    return [...rows.map((r) => r.line), ...applied.rows.map((r) => r.line)];
  });
}

/** A copy of the real migrations plus one that creates a table and then fails. */
function migrationsWithBrokenOne(): string {
  const dir = mkdtempSync(join(tmpdir(), 'broken-migrations-'));
  tempDirs.push(dir);
  for (const file of readdirSync(MIGRATIONS_DIR)) copyFileSync(join(MIGRATIONS_DIR, file), join(dir, file));
  writeFileSync(
    join(dir, '29991231000000000_broken.sql'),
    '-- Up Migration\nCREATE TABLE half_done (id int);\nALTER TABLE users ADD COLUMN nickname text;\nSELECT * FROM no_such_table;\n',
  );
  return dir;
}

describe('a fresh tenant database', () => {
  let target: DatabaseTarget;
  let applied: string[];

  beforeAll(async () => {
    target = await freshDatabase();
    ({ applied } = await run(target));
  });

  it('gets every migration, in file order', () => {
    expect(MIGRATIONS.length).toBeGreaterThan(0);
    expect(applied).toEqual(MIGRATIONS);
  });

  it('has the tenant tables with UUID keys, timestamptz times and JSONB settings', async () => {
    // Act
    const columns = await asMaster(target, (c) =>
      c.query<{ column: string; type: string; nullable: string; default: string | null }>(`
        SELECT table_name || '.' || column_name AS column, data_type AS type, is_nullable AS nullable,
               column_default AS default
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'pgmigrations'`),
    );
    const byName = Object.fromEntries(columns.rows.map((r) => [r.column, r]));

    // Assess
    expect(Object.keys(byName).sort()).toEqual(
      [
        'users.id',
        'users.email',
        'users.password_hash',
        'users.name',
        'users.role',
        'users.status',
        'users.last_login_at',
        'users.settings',
        'users.created_at',
        'users.updated_at',
        'projects.id',
        'projects.name',
        'projects.description',
        'projects.owner_id',
        'projects.status',
        'projects.settings',
        'projects.created_at',
        'projects.updated_at',
        'audit_logs.id',
        'audit_logs.user_id',
        'audit_logs.action',
        'audit_logs.entity_type',
        'audit_logs.entity_id',
        'audit_logs.old_values',
        'audit_logs.new_values',
        'audit_logs.ip_address',
        'audit_logs.user_agent',
        'audit_logs.created_at',
      ].sort(),
    );
    expect(byName['users.id']).toMatchObject({ type: 'uuid', default: 'gen_random_uuid()' });
    expect(byName['projects.id']).toMatchObject({ type: 'uuid', default: 'gen_random_uuid()' });
    expect(byName['audit_logs.id']).toMatchObject({ type: 'bigint', nullable: 'NO' });
    expect(byName['users.settings']).toMatchObject({ type: 'jsonb', nullable: 'NO', default: "'{}'::jsonb" });
    expect(byName['audit_logs.ip_address']).toMatchObject({ type: 'inet' });
    const timeColumns = columns.rows.filter((r) => r.type.startsWith('timestamp'));
    expect(timeColumns.map((r) => r.column).sort()).toEqual(
      [
        'audit_logs.created_at',
        'projects.created_at',
        'projects.updated_at',
        'users.created_at',
        'users.last_login_at',
        'users.updated_at',
      ].sort(),
    );
    expect(new Set(timeColumns.map((r) => r.type))).toEqual(new Set(['timestamp with time zone']));
  });

  it('has the foreign keys and indexes of the data model', async () => {
    // Act
    const { rows } = await asMaster(target, (c) =>
      c.query<{ line: string }>(`
        SELECT format('%s %s', conrelid::regclass, pg_get_constraintdef(oid)) AS line
          FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace
        UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%pkey'
          AND tablename <> 'pgmigrations'
        ORDER BY 1`),
    );

    // Assess
    expect(rows.map((r) => r.line.replace(/ USING btree/, '').replace(/ ON public\./, ' ON '))).toEqual([
      'CREATE INDEX audit_logs_action_idx ON audit_logs (action)',
      'CREATE INDEX audit_logs_created_at_idx ON audit_logs (created_at DESC)',
      'CREATE INDEX audit_logs_user_id_idx ON audit_logs (user_id)',
      'CREATE INDEX projects_owner_id_idx ON projects (owner_id)',
      'CREATE INDEX projects_status_idx ON projects (status)',
      "CREATE INDEX users_status_idx ON users (status) WHERE (status <> 'active'::text)",
      'CREATE UNIQUE INDEX users_email_key ON users (lower(email))',
      'audit_logs FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL',
      'projects FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE SET NULL',
    ]);
  });

  it('fills in the defaults and keeps updated_at current', async () => {
    // Act
    const [created, updated] = await asApp(target, async (c) => {
      const inserted = await c.query(
        "INSERT INTO users (email, password_hash) VALUES ('defaults@example.com', 'h') RETURNING *",
      );
      await c.query('SELECT pg_sleep(0.01)');
      const changed = await c.query(
        "UPDATE users SET name = 'D' WHERE email = 'defaults@example.com' RETURNING updated_at",
      );
      return [inserted.rows[0], changed.rows[0]];
    });

    // Assess
    expect(created).toMatchObject({ role: 'member', status: 'active', settings: {}, last_login_at: null });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.created_at).toBeInstanceOf(Date);
    expect(updated.updated_at.getTime()).toBeGreaterThan(created.updated_at.getTime());
  });

  it.each([
    ['an unknown role', "INSERT INTO users (email, password_hash, role) VALUES ('r@example.com', 'h', 'god')", '23514'],
    [
      'an unknown status',
      "INSERT INTO users (email, password_hash, status) VALUES ('s@example.com', 'h', 'gone')",
      '23514',
    ],
    ['an e-mail without @', "INSERT INTO users (email, password_hash) VALUES ('not-an-email', 'h')", '23514'],
    ['an e-mail with spaces', "INSERT INTO users (email, password_hash) VALUES ('a b@example.com', 'h')", '23514'],
    ['an empty password hash', "INSERT INTO users (email, password_hash) VALUES ('p@example.com', '')", '23514'],
    [
      'settings that are not an object',
      "INSERT INTO users (email, password_hash, settings) VALUES ('j@example.com', 'h', '[]')",
      '23514',
    ],
    [
      'the same e-mail in another case',
      "INSERT INTO users (email, password_hash) VALUES ('Defaults@Example.com', 'h')",
      '23505',
    ],
    ['a user without e-mail', "INSERT INTO users (password_hash) VALUES ('h')", '23502'],
    ['a blank project name', "INSERT INTO projects (name) VALUES ('  ')", '23514'],
    ['an unknown project status', "INSERT INTO projects (name, status) VALUES ('p', 'deleted')", '23514'],
    [
      'a project owned by nobody known',
      `INSERT INTO projects (name, owner_id) VALUES ('p', '${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}')`,
      '23503',
    ],
    ['an audit entry with an empty action', "INSERT INTO audit_logs (action) VALUES ('')", '23514'],
    [
      'an audit entry with half an entity',
      "INSERT INTO audit_logs (action, entity_type) VALUES ('x', 'project')",
      '23514',
    ],
    ['an audit entry with a chosen id', "INSERT INTO audit_logs (id, action) VALUES (1, 'x')", '428C9'],
  ])('rejects %s', async (_case, sql, state) => {
    // Act & Assess
    await expect(asApp(target, (c) => sqlState(c, sql))).resolves.toBe(state);
  });
});

describe('re-running', () => {
  it('applies nothing and changes nothing', async () => {
    // Prepare
    const target = await migratedDatabase();
    const before = await schemaSnapshot(target);

    // Act
    const result = await run(target);

    // Assess
    expect(result.applied).toEqual([]);
    expect(await schemaSnapshot(target)).toEqual(before);
  });

  it.each([0, 90_000])('reports a run that took %i ms on the workflow clock', async (elapsedMs) => {
    // Prepare: the clock the workflow tests and the benchmark replace with a virtual one
    const target = await migratedDatabase();
    const start = Date.parse('2026-11-26T10:00:00.000Z');
    const now = jest
      .spyOn(clock, 'now')
      .mockReturnValueOnce(start)
      .mockReturnValue(start + elapsedMs);

    // Act
    const result = await run(target).finally(() => now.mockRestore());

    // Assess
    expect(result.durationMs).toBe(elapsedMs);
  });

  it('serializes two concurrent runs: one applies everything, the other finds it done', async () => {
    // Prepare: hold the lock until both runs are waiting for it, so they really overlap
    const target = await freshDatabase();
    const holder = await connect(target.database, MASTER_USERNAME, MASTER_PASSWORD);
    await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const runs = [run(target), run(target)];
    await waitFor('both runs to wait for the migration lock', async () => {
      const { rows } = await holder.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
         WHERE application_name = $1 AND datname = current_database() AND wait_event_type = 'Lock'`,
        [APPLICATION_NAME],
      );
      return rows[0]?.waiting === 2;
    });

    // Act
    await holder.end();
    const results = await Promise.all(runs);

    // Assess
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, MIGRATIONS.length]);
    const names = await asMaster(target, (c) => c.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id'));
    expect(names.rows.map((r) => r.name)).toEqual(MIGRATIONS);
  });
});

describe('a failing migration', () => {
  it.each([
    ['a fresh database', freshDatabase],
    ['a migrated database', migratedDatabase],
  ])('leaves %s as it was', async (_case, prepare) => {
    // Prepare
    const target = await prepare();
    const before = await schemaSnapshot(target);

    // Act
    const failure = run(target, { migrationsDir: migrationsWithBrokenOne() });

    // Assess
    await expect(failure).rejects.toThrow(MigrationFailedError);
    await expect(failure).rejects.toThrow(/migration 29991231000000000_broken failed.*42P01/);
    expect(await schemaSnapshot(target)).toEqual(before);
  });
});

describe('the application role', () => {
  let target: DatabaseTarget;

  beforeAll(async () => {
    target = await migratedDatabase();
  });

  it('reads and writes the tenant tables and appends to the audit log', async () => {
    // Act
    const outcome = await asApp(target, async (c) => {
      const user = await c.query<{ id: string }>(
        "INSERT INTO users (email, password_hash, role) VALUES ('app@example.com', 'h', 'admin') RETURNING id",
      );
      const userId = user.rows[0]?.id;
      await c.query('INSERT INTO projects (name, owner_id, settings) VALUES (\'Apollo\', $1, \'{"color":"red"}\')', [
        userId,
      ]);
      await c.query("UPDATE projects SET status = 'archived' WHERE name = 'Apollo'");
      await c.query(
        "INSERT INTO audit_logs (user_id, action, entity_type, entity_id, new_values, ip_address) VALUES ($1, 'project.archive', 'project', 'p1', '{}', '203.0.113.7')",
        [userId],
      );
      await c.query('DELETE FROM users WHERE id = $1', [userId]);
      const project = await c.query("SELECT owner_id, status, settings FROM projects WHERE name = 'Apollo'");
      const audit = await c.query("SELECT user_id, ip_address FROM audit_logs WHERE action = 'project.archive'");
      await c.query("DELETE FROM projects WHERE name = 'Apollo'");
      return { project: project.rows[0], audit: audit.rows[0] };
    });

    // Assess: deleting the user cleared the references to it (foreign keys ON DELETE SET NULL)
    expect(outcome.project).toEqual({ owner_id: null, status: 'archived', settings: { color: 'red' } });
    expect(outcome.audit).toEqual({ user_id: null, ip_address: '203.0.113.7' });
  });

  it.each([
    ['rewrite the audit log', "UPDATE audit_logs SET action = 'forged'"],
    ['erase the audit log', 'DELETE FROM audit_logs'],
    ['burn audit ids', "SELECT nextval('audit_logs_id_seq')"],
    ['truncate a table', 'TRUNCATE users'],
    ['drop a table', 'DROP TABLE projects'],
    ['alter a table', 'ALTER TABLE users ADD COLUMN x int'],
    ['create a table', 'CREATE TABLE scratch (id int)'],
    ['create a temporary table', 'CREATE TEMP TABLE scratch (id int)'],
    ['create a role', 'CREATE ROLE intruder'],
    ['create a database', 'CREATE DATABASE intruder'],
    ['read password hashes', 'SELECT rolpassword FROM pg_authid'],
    ['read the migration history', 'SELECT * FROM pgmigrations'],
  ])('cannot %s', async (_case, sql) => {
    // Act & Assess: 42501 insufficient_privilege
    await expect(asApp(target, (c) => sqlState(c, sql))).resolves.toBe('42501');
  });

  it('is a plain login that owns nothing and belongs to no role', async () => {
    // Act
    const { rows } = await asMaster(target, (c) =>
      c.query(
        `SELECT r.rolcanlogin, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls,
           (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS memberships,
           (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owned_relations,
           (SELECT count(*)::int FROM pg_proc p WHERE p.proowner = r.oid) AS owned_functions
         FROM pg_roles r WHERE r.rolname = $1`,
        [APP_USERNAME],
      ),
    );

    // Assess
    expect(rows).toEqual([
      {
        rolcanlogin: true,
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolreplication: false,
        rolbypassrls: false,
        memberships: 0,
        owned_relations: 0,
        owned_functions: 0,
      },
    ]);
  });

  it('logs in with the rotated password after a re-run, and no longer with the old one', async () => {
    // Act
    await run(target, { appPassword: ROTATED_APP_PASSWORD });

    // Assess
    await expect(asApp(target, (c) => c.query('SELECT 1'), ROTATED_APP_PASSWORD)).resolves.toBeDefined();
    await expect(asApp(target, (c) => c.query('SELECT 1'), APP_PASSWORD)).rejects.toMatchObject({ code: '28P01' });
    await run(target);
  });

  it.each([
    ['gained CREATEDB', `ALTER ROLE ${APP_USERNAME} CREATEDB`, `ALTER ROLE ${APP_USERNAME} NOCREATEDB`, 'has CREATEDB'],
    [
      'joined a powerful role',
      `GRANT pg_read_all_data TO ${APP_USERNAME}`,
      `REVOKE pg_read_all_data FROM ${APP_USERNAME}`,
      'is a member of pg_read_all_data',
    ],
    [
      'took over a table',
      `ALTER TABLE projects OWNER TO ${APP_USERNAME}`,
      `ALTER TABLE projects OWNER TO ${MASTER_USERNAME}`,
      'owns projects',
    ],
  ])('is not given a login when it %s', async (_case, escalate, restore, problem) => {
    // Prepare
    await asSuperuser(target.database, (c) => c.query(escalate));

    // Act
    const attempt = run(target).finally(() => asSuperuser(target.database, (c) => c.query(restore)));

    // Assess
    await expect(attempt).rejects.toThrow(MigrationFailedError);
    await expect(attempt).rejects.toThrow(problem);
  });
});

describe('bounded waits', () => {
  // Each test's own timeout (well under the 30 s / 10 s defaults) is what proves the configured bound ended the wait.
  it('gives up on a migration lock held elsewhere after lock_timeout, with a retryable error', async () => {
    // Prepare
    const target = await migratedDatabase();
    const holder = await connect(target.database, MASTER_USERNAME, MASTER_PASSWORD);
    await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);

    // Act
    const attempt = run(target, { timeouts: { ...DEFAULT_TIMEOUTS, lockMs: 200 } }).finally(() => holder.end());

    // Assess
    await expect(attempt).rejects.toThrow(MigrationLockTimeoutError);
  }, 8_000);

  describe('a server that accepts connections but never answers', () => {
    let silentServer: Server;
    const sockets = new Set<Socket>();
    let port: number;

    beforeAll(async () => {
      silentServer = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
      port = (silentServer.address() as AddressInfo).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silentServer.close(resolve));
    });

    it('fails the connect after the connect timeout, with a retryable error', async () => {
      // Act
      const attempt = run({ ...masterTarget('tenant'), port }, { timeouts: { ...DEFAULT_TIMEOUTS, connectMs: 300 } });

      // Assess
      await expect(attempt).rejects.toThrow(DatabaseUnreachableError);
    }, 8_000);
  });
});

describe('passwords', () => {
  it('are hashed exactly as PostgreSQL hashes them', async () => {
    // Prepare: let the server compute a verifier, then recompute it with the same salt
    const stored = await asSuperuser('postgres', async (c) => {
      await c.query("SET password_encryption = 'scram-sha-256'");
      await c.query("CREATE ROLE scram_probe PASSWORD 'pencil-Sharpener_42'");
      const { rows } = await c.query<{ rolpassword: string }>(
        "SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_probe'",
      );
      await c.query('DROP ROLE scram_probe');
      return rows[0]?.rolpassword ?? '';
    });
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored) ?? [];

    // Act
    const ours = scramSha256Verifier('pencil-Sharpener_42', Buffer.from(salt ?? '', 'base64'), Number(iterations));

    // Assess
    expect(ours).toBe(stored);
  });

  it('never reach the server log in clear, although every statement is logged', () => {
    // Act
    const log = server.readLog();

    // Assess: the ALTER ROLE statements are there, with verifiers instead of passwords
    expect(log).toContain(`ALTER ROLE "${APP_USERNAME}" WITH LOGIN PASSWORD 'SCRAM-SHA-256$`);
    for (const secret of [APP_PASSWORD, ROTATED_APP_PASSWORD, MASTER_PASSWORD]) expect(log).not.toContain(secret);
  });
});
