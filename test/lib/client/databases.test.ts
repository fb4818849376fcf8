import { setTimeout as sleep } from 'node:timers/promises';
import {
  createTenantDatabases,
  getCurrentTenant,
  runWithTenant,
  TenantClientClosedError,
  TenantContextMissingError,
  TenantDatabaseAuthError,
  type TenantDatabases,
  TenantDatabaseUnreachableError,
  type TenantDbEvent,
  TenantNotActiveError,
  TenantNotFoundError,
  TenantOffboardedError,
  TenantSuspendedError,
} from '../../../lib/client';
import {
  APP_PASSWORD,
  appSessions,
  type ClientOverrides,
  type ClientWorld,
  startClientWorld,
  waitFor,
} from '../../support/client';

jest.setTimeout(120_000);

let world: ClientWorld;
let db: TenantDatabases | undefined;

beforeAll(async () => {
  world = await startClientWorld();
  await world.addTenant('alpha', 'starter');
  await world.addTenant('bravo', 'pro');
  await world.setStatus('sleepy', 'SUSPENDED');
  await world.setStatus('gone', 'OFFBOARDED');
  await world.setStatus('leaving', 'OFFBOARDING');
  await world.setStatus('newbie', 'PROVISIONING');
  await world.setStatus('broken', 'FAILED');
});

afterEach(async () => {
  await db?.close();
  db = undefined;
});

afterAll(() => world.stop());

function client(overrides: ClientOverrides = {}, events: TenantDbEvent[] = []) {
  db = createTenantDatabases(world.options({ onEvent: (event) => events.push(event), ...overrides }));
  return db;
}

/** Terminates every application session on the server, so the next query must log in again. */
async function dropAppSessions(): Promise<void> {
  const admin = await world.admin();
  try {
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'tenant_app'");
    await waitFor(async () => (await appSessions(admin)) === 0);
  } finally {
    await admin.end();
  }
}

describe('tenant isolation on real databases', () => {
  it("tenant A sees only its rows and tenant B cannot read A's project by id", async () => {
    // Prepare
    const databases = client();
    const projectOf = (name: string) =>
      databases
        .query<{ id: string }>('INSERT INTO projects (name) VALUES ($1) RETURNING id', [name])
        .then((r) => r.rows[0]?.id as string);
    const alphaProject = await runWithTenant('alpha', () => projectOf('alpha roadmap'));
    await runWithTenant('bravo', () => projectOf('bravo launch'));

    // Act
    const alphaSees = await runWithTenant('alpha', () =>
      databases.query<{ name: string }>('SELECT name FROM projects'),
    );
    const bravoSees = await runWithTenant('bravo', () =>
      databases.query<{ name: string }>('SELECT name FROM projects'),
    );
    const bravoById = await databases.queryFor('bravo', 'SELECT * FROM projects WHERE id = $1', [alphaProject]);
    const alphaById = await databases.queryFor('alpha', 'SELECT name FROM projects WHERE id = $1', [alphaProject]);

    // Assess
    expect(alphaSees.rows).toEqual([{ name: 'alpha roadmap' }]);
    expect(bravoSees.rows).toEqual([{ name: 'bravo launch' }]);
    expect(bravoById.rows).toEqual([]);
    expect(alphaById.rows).toEqual([{ name: 'alpha roadmap' }]);
  });

  it('connects to the database the registry names, as the least-privilege application role, over TLS', async () => {
    // Act
    const row = await client().withClientFor('bravo', async (c) => {
      const { rows } = await c.query<{ db: string; usr: string; ssl: boolean }>(
        'SELECT current_database() AS db, current_user AS usr, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      return rows[0];
    });

    // Assess
    expect(row).toEqual({ db: world.tenants.get('bravo')?.database, usr: 'tenant_app', ssl: true });
  });

  it('refuses the current-tenant helpers outside a tenant context', async () => {
    const databases = client();
    await expect(databases.query('SELECT 1')).rejects.toThrow(TenantContextMissingError);
    await expect(databases.withTenantClient(async () => 1)).rejects.toThrow(TenantContextMissingError);
  });

  it('runs a job as a tenant with runAs, with its tier and status in the context', async () => {
    // Prepare
    const databases = client();

    // Act
    const seen = await databases.runAs('bravo', async () => {
      const { rows } = await databases.query<{ db: string }>('SELECT current_database() AS db');
      return { tenant: getCurrentTenant(), db: rows[0]?.db };
    });

    // Assess
    expect(seen).toEqual({
      tenant: { id: 'bravo', tier: 'pro', status: 'ACTIVE' },
      db: world.tenants.get('bravo')?.database,
    });
  });
});

describe('registry statuses', () => {
  it.each([
    ['an unknown tenant', 'nobody', TenantNotFoundError, 404, 'tenant nobody is not registered'],
    ['a suspended tenant', 'sleepy', TenantSuspendedError, 403, 'tenant sleepy is SUSPENDED'],
    ['an offboarded tenant', 'gone', TenantOffboardedError, 403, 'tenant gone is OFFBOARDED'],
    ['a tenant being offboarded', 'leaving', TenantOffboardedError, 403, 'tenant leaving is OFFBOARDING'],
    ['a tenant still provisioning', 'newbie', TenantNotActiveError, 403, 'tenant newbie is PROVISIONING'],
    ['a failed tenant', 'broken', TenantNotActiveError, 403, 'tenant broken is FAILED'],
  ])('refuses %s with a typed error', async (_case, id, errorClass, statusCode, message) => {
    // Act
    const act = client().queryFor(id, 'SELECT 1');

    // Assess
    await expect(act).rejects.toThrow(errorClass);
    await expect(act).rejects.toMatchObject({ statusCode, message: expect.stringContaining(message) });
  });

  it('reuses registry answers for the TTL, and "unknown" for the shorter negative TTL', async () => {
    // Prepare
    const events: TenantDbEvent[] = [];
    const databases = client({ registry: { ttlMillis: 60_000, negativeTtlMillis: 150 } }, events);
    const reads = () => world.double.callsTo('dynamodb', 'GetItem').length;
    const before = reads();

    // Act
    for (let i = 0; i < 5; i += 1) await databases.queryFor('alpha', 'SELECT 1');
    for (let i = 0; i < 3; i += 1) await expect(databases.resolve('ghost')).rejects.toThrow(TenantNotFoundError);
    const afterBurst = reads() - before;
    await sleep(200);
    await expect(databases.resolve('ghost')).rejects.toThrow(TenantNotFoundError);

    // Assess
    expect(afterBurst).toBe(2);
    expect(reads() - before).toBe(3);
    expect(events.filter((e) => e.type === 'registry-hit')).toHaveLength(6);
  });

  it('serves the last registry answer while the registry cannot be read', async () => {
    // Prepare
    const databases = client({ registry: { ttlMillis: 50 } });
    await databases.queryFor('bravo', 'SELECT 1');
    await sleep(100);
    world.double.faults.add({ service: 'dynamodb', command: 'GetItem', kind: 'throttle', times: 3 });

    // Act
    const results = [];
    for (let i = 0; i < 3; i += 1) results.push((await databases.queryFor('bravo', 'SELECT 1 AS ok')).rows[0]);

    // Assess
    expect(results).toEqual([{ ok: 1 }, { ok: 1 }, { ok: 1 }]);
    expect(world.double.faults.pending()).toEqual([]);
  });

  it('shares one registry read between concurrent first requests', async () => {
    // Prepare
    const databases = client();
    const before = world.double.callsTo('dynamodb', 'GetItem').length;

    // Act
    await Promise.all(Array.from({ length: 10 }, () => databases.resolve('bravo')));

    // Assess
    expect(world.double.callsTo('dynamodb', 'GetItem').length - before).toBe(1);
  });

  it('refuses a tenant suspended while it is served within the registry TTL, and closes its pool', async () => {
    // Prepare
    const events: TenantDbEvent[] = [];
    const databases = client({ registry: { ttlMillis: 300 } }, events);
    await world.addTenant('charlie', 'starter');
    await databases.queryFor('charlie', 'SELECT 1');

    // Act
    await world.setStatus('charlie', 'SUSPENDED');
    let refused: unknown;
    await waitFor(async () => {
      refused = await databases.queryFor('charlie', 'SELECT 1').then(
        () => undefined,
        (error: unknown) => error,
      );
      return refused !== undefined;
    });

    // Assess
    expect(refused).toBeInstanceOf(TenantSuspendedError);
    expect(events).toContainEqual({ type: 'pool-evicted', tenantId: 'charlie', reason: 'unavailable' });
    await world.setStatus('charlie', 'ACTIVE');
  });
});

describe('credentials', () => {
  it('reads the secret again once when the database refuses the cached password, and no query fails', async () => {
    // Prepare
    const events: TenantDbEvent[] = [];
    const databases = client({}, events);
    await databases.queryFor('alpha', 'SELECT 1');
    const reads = () => world.double.callsTo('secretsmanager', 'GetSecretValue').length;
    const before = reads();
    await world.setRolePassword('Rotated-Passw0rd-1');
    await world.putSecret('alpha', 'Rotated-Passw0rd-1', ['AWSCURRENT']);
    await world.putSecret('bravo', 'Rotated-Passw0rd-1', ['AWSCURRENT']);
    await dropAppSessions();

    // Act
    const results = await Promise.all(Array.from({ length: 5 }, () => databases.queryFor('alpha', 'SELECT 1 AS ok')));

    // Assess
    expect(results.map((r) => r.rows[0])).toEqual(Array(5).fill({ ok: 1 }));
    expect(reads() - before).toBe(1);
    expect(events).toContainEqual({
      type: 'secret-read',
      tenantId: 'alpha',
      reason: 'auth-failure',
      stage: 'AWSCURRENT',
    });
  });

  it('uses AWSPENDING while a single-user rotation has set the new password but not yet made it current', async () => {
    // Prepare
    const databases = client();
    await databases.queryFor('bravo', 'SELECT 1');
    await world.putSecret('bravo', 'Rotated-Passw0rd-2', ['AWSPENDING']);
    await world.setRolePassword('Rotated-Passw0rd-2');
    await dropAppSessions();

    // Act
    const { rows } = await databases.queryFor('bravo', 'SELECT 2 AS ok');

    // Assess
    expect(rows).toEqual([{ ok: 2 }]);
  });

  it('fails with a typed error naming no password when the secret is wrong even after a re-read', async () => {
    // Prepare
    await world.setRolePassword('Out-of-band-Passw0rd');
    await dropAppSessions();

    // Act
    const act = client().queryFor('alpha', 'SELECT 1');

    // Assess
    await expect(act).rejects.toThrow(TenantDatabaseAuthError);
    const message = await act.catch((error: Error) => error.message);
    for (const secret of ['Out-of-band-Passw0rd', 'Rotated-Passw0rd-1', APP_PASSWORD])
      expect(message).not.toContain(secret);
    await world.setRolePassword('Rotated-Passw0rd-1');
  });

  afterAll(async () => {
    // Later tests expect every secret to hold the role's password again.
    for (const id of world.tenants.keys()) await world.putSecret(id, 'Rotated-Passw0rd-1', ['AWSCURRENT']);
  });
});

describe('pools', () => {
  it.each([
    ['starter', 'alpha', 2],
    ['pro', 'bravo', 4],
  ])('sizes the pool of a %s tenant by its tier', async (_tier, id, size) => {
    // Prepare
    const databases = client({ poolSizeByTier: { starter: 2, pro: 4 } });
    const admin = await world.admin();
    let seenByServer = 0;

    // Act
    const work = Promise.all(Array.from({ length: 12 }, () => databases.queryFor(id, 'SELECT pg_sleep(0.05)')));
    const sampling = (async () => {
      for (let i = 0; i < 10; i += 1) {
        seenByServer = Math.max(seenByServer, await appSessions(admin, world.tenants.get(id)?.database));
        await sleep(20);
      }
    })();
    await Promise.all([work, sampling]);
    await admin.end();

    // Assess
    const pool = databases.stats().tenants.find((t) => t.tenantId === id);
    expect(pool?.max).toBe(size);
    expect(seenByServer).toBeLessThanOrEqual(size);
    expect(seenByServer).toBeGreaterThan(0);
  });

  it('refuses a server whose certificate does not verify against the configured CA bundle', async () => {
    // Prepare
    const databases = client({ tls: { caFile: world.server.untrustedCaFile as string } });

    // Act
    const act = databases.queryFor('alpha', 'SELECT 1');

    // Assess
    await expect(act).rejects.toThrow(TenantDatabaseUnreachableError);
    await expect(act).rejects.toThrow(/certificate/i);
  });

  it('logs in with an IAM token instead of the secret when asked', async () => {
    // Prepare: the server knows the "token" as the role's password, as RDS would accept a valid token.
    await world.setRolePassword('iam-token-standing-in');
    await dropAppSessions();
    const token = jest.fn(async () => 'iam-token-standing-in');
    const databases = client({ auth: { type: 'iam', username: 'tenant_app', token } });
    const secretReads = world.double.callsTo('secretsmanager', 'GetSecretValue').length;

    // Act
    const { rows } = await databases.queryFor('alpha', 'SELECT current_user AS usr');

    // Assess
    expect(rows).toEqual([{ usr: 'tenant_app' }]);
    expect(token).toHaveBeenCalledWith(
      expect.objectContaining({ tenantId: 'alpha', port: world.server.port }),
      'tenant_app',
    );
    expect(world.double.callsTo('secretsmanager', 'GetSecretValue')).toHaveLength(secretReads);
    await world.setRolePassword('Rotated-Passw0rd-1');
  });

  it('closes every pool on close() and refuses work afterwards', async () => {
    // Prepare
    const events: TenantDbEvent[] = [];
    const databases = client({}, events);
    await databases.queryFor('alpha', 'SELECT 1');
    await databases.queryFor('bravo', 'SELECT 1');
    const admin = await world.admin();

    // Act
    await databases.close();

    // Assess
    await waitFor(async () => (await appSessions(admin)) === 0);
    await admin.end();
    await expect(databases.queryFor('alpha', 'SELECT 1')).rejects.toThrow(TenantClientClosedError);
    expect(events.filter((e) => e.type === 'pool-evicted').map((e) => e.type === 'pool-evicted' && e.reason)).toEqual([
      'closed',
      'closed',
    ]);
    expect(databases.stats()).toMatchObject({ pools: 0, connections: 0 });
  });
});
