import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Client } from 'pg';
import { scramSha256Verifier } from '../../lambdas/shared/database/scram';
import { APP_USERNAME, MASTER_USERNAME } from '../../lambdas/shared/naming';
import { runTenantMigrations } from '../../lambdas/shared/schema/runner';
import type { TenantDatabasesOptions } from '../../lib/client';
import { AwsDouble, installAwsDouble, registryTable } from '../../lib/local/aws';
import { createRdsLikeDatabase, startPostgres, type TestPostgres } from './postgres';

/**
 * A platform in miniature for the client's tests: a TLS-only PostgreSQL hosting several tenant databases, each
 * migrated by the workflow's own migration runner (schema, `tenant_app` role and grants), the registry and the
 * application secrets answered by the AWS double, records written as MarkActive writes them.
 *
 * On RDS every tenant has its own instance; here the tenants share one server, so they share the cluster-wide
 * `tenant_app` role and its password. Database names are deliberately unrelated to the tenant ids, so a client that
 * derived the location from the id instead of reading the registry would fail.
 */
export const REGION = 'us-east-1';
const REGISTRY_TABLE = 'tenant-registry';
const MASTER_PASSWORD = 'Master-Passw0rd-for-tests';
export const APP_PASSWORD = 'App-Passw0rd-for-tests';
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface SeededTenant {
  readonly id: string;
  readonly tier: string;
  readonly database: string;
  readonly secretArn: string;
}

/** Options to change from the world's defaults (registry fields merge with the world's table and Region). */
export type ClientOverrides = Omit<Partial<TenantDatabasesOptions>, 'registry'> & {
  registry?: Partial<TenantDatabasesOptions['registry']>;
};

export interface ClientWorld {
  readonly server: TestPostgres;
  readonly double: AwsDouble;
  readonly tenants: Map<string, SeededTenant>;
  /** Creates, migrates and registers an ACTIVE tenant. */
  addTenant(id: string, tier?: string): Promise<SeededTenant>;
  /** Registers a tenant in `status` with no database (SUSPENDED, OFFBOARDED, ...), or changes a tenant's status. */
  setStatus(id: string, status: string, tier?: string): Promise<void>;
  /** Options for createTenantDatabases against this world. */
  options(overrides?: ClientOverrides): TenantDatabasesOptions;
  /** A superuser connection (for pg_stat_activity and for playing RDS's part). */
  admin(database?: string): Promise<Client>;
  /** Sets the application role's password on the server, as a rotation's setSecret step does. */
  setRolePassword(password: string): Promise<void>;
  /** Writes a new secret version with `password` under `stages`. */
  putSecret(id: string, password: string, stages: string[]): Promise<void>;
  stop(): Promise<void>;
}

let databaseCount = 0;

export async function startClientWorld(): Promise<ClientWorld> {
  const server = await startPostgres({ tls: true });
  const double = new AwsDouble({ region: REGION });
  double.dynamodb.defineTable(registryTable(REGISTRY_TABLE));
  const restore = installAwsDouble(double);
  const secrets = new SecretsManagerClient({ region: REGION });
  const tenants = new Map<string, SeededTenant>();
  const ca = readFileSync(server.caFile as string, 'utf8');

  const record = (id: string, tier: string, status: string, tenant?: SeededTenant) => ({
    tenantId: id,
    tier,
    status,
    requestId: `req-${id}`,
    requestedBy: 'tests',
    executionArn: `arn:aws:states:${REGION}:123456789012:execution:provisioning:${id}-${tier}-1`,
    attempt: 1,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: new Date().toISOString(),
    ...(tenant
      ? {
          instanceId: `instance-${tenant.database}`,
          endpointAddress: server.host,
          endpointPort: server.port,
          secretArn: tenant.secretArn,
          databaseName: tenant.database,
          region: REGION,
        }
      : {}),
  });

  const world: ClientWorld = {
    server,
    double,
    tenants,
    async addTenant(id, tier = 'starter') {
      databaseCount += 1;
      const database = `appdb_${databaseCount}`;
      await createRdsLikeDatabase(server, { database, masterUser: MASTER_USERNAME, masterPassword: MASTER_PASSWORD });
      await runTenantMigrations({
        target: {
          host: server.host,
          port: server.port,
          database,
          user: MASTER_USERNAME,
          password: MASTER_PASSWORD,
          tls: { ca },
        },
        appPassword: APP_PASSWORD,
        logger: silent,
      });
      const { ARN } = await secrets.send(
        new CreateSecretCommand({
          Name: `saas/tenant/${id}/app`,
          SecretString: JSON.stringify({
            engine: 'postgres',
            host: server.host,
            port: server.port,
            username: APP_USERNAME,
            password: APP_PASSWORD,
            dbname: database,
          }),
        }),
      );
      const tenant = { id, tier, database, secretArn: ARN as string };
      tenants.set(id, tenant);
      await double.dynamodb.seed(REGISTRY_TABLE, record(id, tier, 'ACTIVE', tenant));
      return tenant;
    },
    async setStatus(id, status, tier) {
      const tenant = tenants.get(id);
      await double.dynamodb.seed(REGISTRY_TABLE, record(id, tier ?? tenant?.tier ?? 'starter', status, tenant));
    },
    options(overrides = {}) {
      return {
        tls: { caFile: server.caFile as string },
        ...overrides,
        registry: { tableName: REGISTRY_TABLE, region: REGION, ...overrides.registry },
      };
    },
    admin: (database) => server.superuser(database),
    async setRolePassword(password) {
      const admin = await server.superuser();
      try {
        await admin.query(`ALTER ROLE ${APP_USERNAME} PASSWORD ${admin.escapeLiteral(scramSha256Verifier(password))}`);
      } finally {
        await admin.end();
      }
    },
    async putSecret(id, password, stages) {
      const tenant = tenants.get(id);
      if (!tenant) throw new Error(`no tenant ${id}`);
      await secrets.send(
        new PutSecretValueCommand({
          SecretId: tenant.secretArn,
          SecretString: JSON.stringify({ username: APP_USERNAME, password, dbname: tenant.database }),
          VersionStages: stages,
        }),
      );
    },
    async stop() {
      restore();
      await server.stop();
    },
  };
  return world;
}

/** Application sessions the server sees now (pg_stat_activity), optionally in one database. */
export async function appSessions(admin: Client, database?: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND ($2::text IS NULL OR datname = $2)',
    [APP_USERNAME, database ?? null],
  );
  return rows[0]?.n ?? 0;
}

/** Polls `check` until it returns true, at most `attempts` times `intervalMs` apart. */
export async function waitFor(check: () => boolean | Promise<boolean>, attempts = 200, intervalMs = 25): Promise<void> {
  for (let i = 0; i < attempts; i += 1) {
    if (await check()) return;
    await sleep(intervalMs);
  }
  throw new Error(`condition not met after ${attempts} attempts`);
}
