import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { LRUCache } from 'lru-cache';
import {
  DatabaseError,
  Pool,
  type PoolClient,
  type PoolConfig,
  type QueryConfig,
  type QueryResult,
  type QueryResultRow,
} from 'pg';
import { ConnectionBudget } from './budget';
import { budgetedClientClass } from './budgeted-client';
import { checkedTenantId, requireTenant, runWithTenant } from './context';
import { CredentialStore, type SecretReadReason, secretsClientsByRegion } from './credentials';
import {
  ConnectionBudgetError,
  TenantClientClosedError,
  TenantClientConfigError,
  TenantDatabaseAuthError,
  TenantDatabaseUnreachableError,
  TenantDbError,
  TenantLookupError,
  TenantNotFoundError,
} from './errors';
import { type IamAuthOptions, rdsSignerToken } from './iam';
import { type LocalPlatformOptions, localPlatformAccess } from './local';
import {
  answerFor,
  DEFAULT_SERVED_STATUSES,
  type RegistryAnswer,
  type RegistryItem,
  refusalFor,
  sameDatabase,
  type TenantLocation,
} from './location';
import { caBundle, type TlsOptions } from './tls';

/** Connections per tenant pool by tier, unless `poolSizeByTier` says otherwise. */
export const DEFAULT_POOL_SIZE_BY_TIER: Readonly<Record<string, number>> = { starter: 3, pro: 10, enterprise: 20 };

/** Why a tenant pool was closed. */
export type PoolEvictionReason =
  /** The global budget was exhausted and this pool was the least recently used idle one. */
  | 'budget'
  /** No connection for `poolIdleMillis`. */
  | 'idle'
  /** More than `maxPools` pools. */
  | 'max-pools'
  /** The registry moved the tenant (endpoint, database, secret), changed its tier, or the login changed. */
  | 'replaced'
  /** The tenant is no longer served (suspended, offboarded...). */
  | 'unavailable'
  /** `close()`. */
  | 'closed';

/** What the client reports through `onEvent`, for metrics. Never carries a secret. */
export type TenantDbEvent =
  | { readonly type: 'registry-hit' | 'registry-miss'; readonly tenantId: string }
  | { readonly type: 'pool-opened'; readonly tenantId: string; readonly tier: string; readonly max: number }
  | { readonly type: 'pool-evicted'; readonly tenantId: string; readonly reason: PoolEvictionReason }
  | { readonly type: 'connection-opened' | 'connection-closed'; readonly tenantId: string }
  | {
      readonly type: 'secret-read';
      readonly tenantId: string;
      readonly reason: SecretReadReason;
      readonly stage: string;
    }
  | { readonly type: 'auth-retry'; readonly tenantId: string };

/** Options of {@link createTenantDatabases}. Only `registry.tableName` is required (or `local`). */
export interface TenantDatabasesOptions {
  /**
   * Use the local platform (`tenantctl local up`) instead of AWS: the registry table, its Region, the registry and
   * Secrets Manager clients and the CA of the tenant databases come from the daemon of the state directory
   * (`true`: the default one). Options given explicitly still win.
   * @default false
   */
  local?: true | LocalPlatformOptions;
  registry?: {
    /** The registry table (the workflow stack's `RegistryTableName` output); optional with `local`. */
    tableName?: string;
    /** Region of the registry; default: the SDK's (AWS_REGION). */
    region?: string;
    /** A DynamoDB document client to use instead of one made from `region`. */
    client?: DynamoDBDocumentClient;
    /** Strongly consistent reads (twice the read cost). Default false: the TTL already allows this much lag. */
    consistentRead?: boolean;
    /** How long a registry answer is reused, default 30 s: a suspension takes effect within it. */
    ttlMillis?: number;
    /** How long "no such tenant" is reused, default 5 s (a new tenant is found soon after its onboarding). */
    negativeTtlMillis?: number;
    /** Registry answers kept, default 10,000. */
    maxEntries?: number;
  };
  secrets?: {
    /** How long a secret value is reused, default 1 hour; a refused login re-reads it at once anyway. */
    ttlMillis?: number;
    /** The Secrets Manager client of a Region; default one SDK client per Region. */
    clientFor?: (region: string) => SecretsManagerClient;
  };
  /** How the application logs in: the application secret (default) or IAM database authentication. */
  auth?: { type: 'secret' } | IamAuthOptions;
  /** Where the RDS certificate authorities come from; verification is always on. */
  tls?: TlsOptions;
  /** The global connection budget across every tenant pool of this process, default 50. */
  maxConnections?: number;
  /** Pool size by tier, default {@link DEFAULT_POOL_SIZE_BY_TIER}; capped by `maxConnections`. */
  poolSizeByTier?: Readonly<Record<string, number>>;
  /** Pool size of a tier not in `poolSizeByTier`, default 3. */
  defaultPoolSize?: number;
  /** Registry statuses whose database is served, default ACTIVE and MODIFYING (a tier change keeps serving). */
  servedStatuses?: readonly string[];
  /** Tenant pools kept at most (least recently used closed first), default 1,000. */
  maxPools?: number;
  /** A connection idle this long is closed, default 10 s. */
  idleTimeoutMillis?: number;
  /** A pool with no connection for this long is dropped, default 60 s. */
  poolIdleMillis?: number;
  /** Longest wait for a connection (pool and global budget), default 10 s. */
  acquireTimeoutMillis?: number;
  /** TCP + TLS + login of a new connection, default 5 s. */
  connectTimeoutMillis?: number;
  /** A connection is closed after this many checkouts, default unlimited (pg-pool's `maxUses`). */
  maxConnectionUses?: number;
  /**
   * A connection is closed after this many seconds, default unlimited (pg-pool's `maxLifetimeSeconds`): spreads
   * connections after a failover, and bounds how long a connection logged in with an old password lives.
   */
  maxConnectionLifetimeSeconds?: number;
  /** Server-side `statement_timeout` of every session, default none. */
  statementTimeoutMillis?: number;
  /** `application_name` of every session (shown in pg_stat_activity), default `tenant-db-client`. */
  applicationName?: string;
  /** Receives every {@link TenantDbEvent}; exceptions it throws are ignored. */
  onEvent?: (event: TenantDbEvent) => void;
}

/** A snapshot of the client's pools and budget. */
export interface TenantDatabasesStats {
  readonly maxConnections: number;
  /** Open connections across all pools. */
  readonly connections: number;
  /** New connections waiting for the budget. */
  readonly waiting: number;
  readonly pools: number;
  readonly tenants: readonly {
    readonly tenantId: string;
    readonly tier: string;
    readonly max: number;
    readonly total: number;
    readonly idle: number;
    readonly waiting: number;
  }[];
}

/** The tenant databases of an application: see {@link createTenantDatabases}. */
export interface TenantDatabases {
  /**
   * Where `tenantId`'s database is, from the registry (cached). Throws the typed refusals: {@link TenantNotFoundError},
   * `TenantSuspendedError`, `TenantOffboardedError`, `TenantNotActiveError`.
   */
  resolve(tenantId: string): Promise<TenantLocation>;
  /** Runs `fn` with a connection to the current tenant's database; the connection is released afterwards. */
  withTenantClient<T>(fn: (client: PoolClient) => Promise<T>): Promise<T>;
  /** One query on the current tenant's database. */
  query<R extends QueryResultRow = QueryResultRow>(
    text: string | QueryConfig,
    values?: readonly unknown[],
  ): Promise<QueryResult<R>>;
  /** {@link withTenantClient} for an explicit tenant (jobs, queues, admin tools). */
  withClientFor<T>(tenantId: string, fn: (client: PoolClient) => Promise<T>): Promise<T>;
  /** {@link query} for an explicit tenant. */
  queryFor<R extends QueryResultRow = QueryResultRow>(
    tenantId: string,
    text: string | QueryConfig,
    values?: readonly unknown[],
  ): Promise<QueryResult<R>>;
  /** Checks that `tenantId` is served, then runs `fn` inside `runWithTenant` (with its tier and status). */
  runAs<T>(tenantId: string, fn: () => T | Promise<T>): Promise<T>;
  /** Forgets the cached registry answer of `tenantId` (or of every tenant), e.g. on a lifecycle event. */
  invalidate(tenantId?: string): void;
  stats(): TenantDatabasesStats;
  /** Closes every pool (waiting for connections in use to be released); later calls fail. */
  close(): Promise<void>;
}

interface PoolEntry {
  readonly location: TenantLocation;
  readonly username: string;
  readonly pool: Pool;
  readonly max: number;
  /** Checkouts in progress or held through this client. */
  leased: number;
  lastUsed: number;
  retireReason?: PoolEvictionReason;
}

const AUTH_FAILURE_CODES = new Set(['28P01', '28000']);

function isAuthFailure(error: unknown): boolean {
  return error instanceof DatabaseError && AUTH_FAILURE_CODES.has(error.code ?? '');
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new TenantClientConfigError(`${name} must be a positive integer (got ${value})`);
  }
  return value;
}

/**
 * Creates the application's access to its tenants' databases: the registry says where each tenant's database is and
 * whether it may be served, Secrets Manager holds the login, and one `pg.Pool` per tenant (sized by tier) connects
 * over TLS verified against the RDS certificate authorities. All pools share one connection budget; when it is spent,
 * the least recently used idle pools are closed to make room.
 *
 * @example
 * ```ts
 * const db = createTenantDatabases({
 *   registry: { tableName: process.env.TENANT_REGISTRY_TABLE! },
 *   tls: { caFile: '/opt/rds/global-bundle.pem' },
 *   maxConnections: 40,
 * });
 * await runWithTenant('acme', async () => {
 *   const { rows } = await db.query('SELECT id, name FROM projects WHERE status = $1', ['active']);
 * });
 * await db.queryFor('globex', 'DELETE FROM audit_logs WHERE created_at < now() - interval $1', ['90 days']);
 * await db.close();
 * ```
 *
 * On the local platform (`npm start` or `tenantctl local up`), the same code with `local`: the registry, the secrets
 * and the CA of the local tenant databases come from the running daemon, no AWS account or credentials involved.
 * ```ts
 * const db = createTenantDatabases({ local: true }); // or { local: { stateDir: '/tmp/tenant-db' } }
 * const { rows } = await db.queryFor('demo', 'SELECT current_user');
 * ```
 * @throws {TenantClientConfigError} when an option is invalid, no RDS CA bundle can be found, or with `local` the
 * local platform is not running
 */
export function createTenantDatabases(options: TenantDatabasesOptions): TenantDatabases {
  return new TenantDatabasesClient(options);
}

class TenantDatabasesClient implements TenantDatabases {
  private closed = false;
  private readonly ca: string;
  private readonly registryClient: DynamoDBDocumentClient;
  private readonly registry: LRUCache<string, RegistryAnswer>;
  private readonly pools: LRUCache<string, PoolEntry>;
  private readonly budget: ConnectionBudget;
  private readonly credentials: CredentialStore;
  private readonly tokens = new Map<string, { token: string; expires: number }>();
  private readonly endings = new Set<Promise<void>>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly settings: Required<
    Pick<
      TenantDatabasesOptions,
      | 'maxConnections'
      | 'poolSizeByTier'
      | 'defaultPoolSize'
      | 'servedStatuses'
      | 'idleTimeoutMillis'
      | 'poolIdleMillis'
      | 'acquireTimeoutMillis'
      | 'connectTimeoutMillis'
      | 'applicationName'
    >
  >;

  private readonly tableName: () => Promise<string>;

  constructor(private readonly options: TenantDatabasesOptions) {
    const local = options.local ? localPlatformAccess(options.local) : undefined;
    const givenTable = options.registry?.tableName;
    if (!givenTable && !local) throw new TenantClientConfigError('registry.tableName is required');
    this.tableName = givenTable ? () => Promise.resolve(givenTable) : (local as NonNullable<typeof local>).tableName;
    this.settings = {
      maxConnections: positive('maxConnections', options.maxConnections ?? 50),
      poolSizeByTier: options.poolSizeByTier ?? DEFAULT_POOL_SIZE_BY_TIER,
      defaultPoolSize: positive('defaultPoolSize', options.defaultPoolSize ?? 3),
      servedStatuses: options.servedStatuses ?? DEFAULT_SERVED_STATUSES,
      idleTimeoutMillis: positive('idleTimeoutMillis', options.idleTimeoutMillis ?? 10_000),
      poolIdleMillis: positive('poolIdleMillis', options.poolIdleMillis ?? 60_000),
      acquireTimeoutMillis: positive('acquireTimeoutMillis', options.acquireTimeoutMillis ?? 10_000),
      connectTimeoutMillis: positive('connectTimeoutMillis', options.connectTimeoutMillis ?? 5_000),
      applicationName: options.applicationName ?? 'tenant-db-client',
    };
    for (const [tier, size] of Object.entries(this.settings.poolSizeByTier)) positive(`poolSizeByTier.${tier}`, size);
    this.ca = caBundle(options.tls ?? (local ? { caFile: local.caFile } : undefined));
    const registry = options.registry ?? {};
    this.registryClient =
      registry.client ??
      local?.registryClient ??
      DynamoDBDocumentClient.from(new DynamoDBClient(registry.region ? { region: registry.region } : {}));
    const negativeTtl = positive('registry.negativeTtlMillis', registry.negativeTtlMillis ?? 5_000);
    this.registry = new LRUCache<string, RegistryAnswer>({
      max: positive('registry.maxEntries', registry.maxEntries ?? 10_000),
      ttl: positive('registry.ttlMillis', registry.ttlMillis ?? 30_000),
      // A registry hiccup serves the last answer instead of failing every request.
      allowStaleOnFetchRejection: true,
      fetchMethod: async (tenantId, _stale, { options: fetchOptions }) => {
        const answer = answerFor(tenantId, await this.readRegistry(tenantId), this.settings.servedStatuses);
        if (answer.kind === 'unknown') fetchOptions.ttl = negativeTtl;
        return answer;
      },
    });
    this.pools = new LRUCache<string, PoolEntry>({
      max: positive('maxPools', options.maxPools ?? 1_000),
      dispose: (entry, tenantId, reason) => {
        this.endPool(entry, entry.retireReason ?? (reason === 'evict' ? 'max-pools' : 'replaced'), tenantId);
      },
    });
    this.budget = new ConnectionBudget(this.settings.maxConnections, () => this.relieve());
    this.credentials = new CredentialStore({
      ttlMillis: positive('secrets.ttlMillis', options.secrets?.ttlMillis ?? 3_600_000),
      clientFor: options.secrets?.clientFor ?? local?.secretsClientFor ?? secretsClientsByRegion(),
      onRead: (location, reason, stage) =>
        this.emit({ type: 'secret-read', tenantId: location.tenantId, reason, stage }),
    });
    this.sweeper = setInterval(() => this.sweep(), Math.min(this.settings.poolIdleMillis, 30_000));
    this.sweeper.unref();
  }

  async resolve(tenantId: string): Promise<TenantLocation> {
    this.assertOpen();
    checkedTenantId(tenantId);
    const status: LRUCache.Status<string, RegistryAnswer> = {};
    const answer = await this.registry.fetch(tenantId, { status });
    this.emit({ type: status.fetch === 'hit' ? 'registry-hit' : 'registry-miss', tenantId });
    // A failed read with no earlier answer to fall back on resolves to undefined; the reason is in the status.
    if (!answer) throw status.fetchError ?? new TenantLookupError(`cannot read tenant ${tenantId} from the registry`);
    if (answer.kind === 'unknown') {
      this.retire(tenantId, 'unavailable');
      throw new TenantNotFoundError(tenantId);
    }
    if (answer.kind === 'refused') {
      this.retire(tenantId, 'unavailable');
      throw refusalFor(tenantId, answer.error.status);
    }
    return answer.location;
  }

  async withTenantClient<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.withClientFor(requireTenant('withTenantClient()').id, fn);
  }

  async query<R extends QueryResultRow = QueryResultRow>(
    text: string | QueryConfig,
    values?: readonly unknown[],
  ): Promise<QueryResult<R>> {
    return this.queryFor<R>(requireTenant('query()').id, text, values);
  }

  async withClientFor<T>(tenantId: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const { client, entry } = await this.checkout(tenantId);
    let failed = false;
    let failure: unknown;
    try {
      return await fn(client);
    } catch (error) {
      failed = true;
      failure = error;
      throw error;
    } finally {
      this.release(client, entry, failed, failure);
    }
  }

  queryFor<R extends QueryResultRow = QueryResultRow>(
    tenantId: string,
    text: string | QueryConfig,
    values?: readonly unknown[],
  ): Promise<QueryResult<R>> {
    return this.withClientFor(tenantId, (client) =>
      typeof text === 'string' ? client.query<R>(text, values as unknown[]) : client.query<R>(text),
    );
  }

  async runAs<T>(tenantId: string, fn: () => T | Promise<T>): Promise<T> {
    const location = await this.resolve(tenantId);
    return runWithTenant({ id: tenantId, tier: location.tier, status: location.status }, fn);
  }

  invalidate(tenantId?: string): void {
    if (tenantId === undefined) this.registry.clear();
    else this.registry.delete(tenantId);
  }

  stats(): TenantDatabasesStats {
    const tenants = [...this.pools.entries()].map(([tenantId, entry]) => ({
      tenantId,
      tier: entry.location.tier,
      max: entry.max,
      total: entry.pool.totalCount,
      idle: entry.pool.idleCount,
      waiting: entry.pool.waitingCount,
    }));
    return {
      maxConnections: this.budget.limit,
      connections: this.budget.used,
      waiting: this.budget.waiting,
      pools: this.pools.size,
      tenants,
    };
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      clearInterval(this.sweeper);
      for (const tenantId of [...this.pools.keys()]) this.retire(tenantId, 'closed');
      this.registry.clear();
      this.credentials.clear();
      this.tokens.clear();
    }
    await Promise.all([...this.endings]);
  }

  private assertOpen(): void {
    if (this.closed) throw new TenantClientClosedError();
  }

  private emit(event: TenantDbEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A metrics exporter must never break a request.
    }
  }

  private async readRegistry(tenantId: string): Promise<RegistryItem | undefined> {
    const tableName = await this.tableName();
    try {
      const { Item } = await this.registryClient.send(
        new GetCommand({
          TableName: tableName,
          Key: { tenantId },
          ConsistentRead: this.options.registry?.consistentRead ?? false,
        }),
      );
      return Item as RegistryItem | undefined;
    } catch (error) {
      const name = (error as { name?: string }).name ?? 'Error';
      throw new TenantLookupError(
        `cannot read tenant ${tenantId} from the registry ${tableName} (${name}: ${(error as Error).message})`,
      );
    }
  }

  private poolSize(tier: string): number {
    const size = this.settings.poolSizeByTier[tier] ?? this.settings.defaultPoolSize;
    return Math.min(size, this.settings.maxConnections);
  }

  private async usernameFor(location: TenantLocation): Promise<string> {
    const { auth } = this.options;
    if (auth?.type === 'iam') return auth.username;
    return (await this.credentials.get(location)).username;
  }

  private async passwordFor(location: TenantLocation, username: string): Promise<string> {
    const { auth } = this.options;
    if (auth?.type !== 'iam') return (await this.credentials.get(location)).password;
    const cached = this.tokens.get(location.tenantId);
    if (cached && cached.expires > Date.now()) return cached.token;
    const token = await (auth.token ?? rdsSignerToken)(location, username);
    this.tokens.set(location.tenantId, { token, expires: Date.now() + (auth.tokenTtlMillis ?? 600_000) });
    return token;
  }

  /** The pool of `location`'s tenant, made (or remade, when the location, tier or login changed) as needed. */
  private async entryFor(location: TenantLocation): Promise<PoolEntry> {
    // The common case, without an await: the tenant's pool exists and still matches the registry. A changed login
    // shows as a refused connection, and checkout() then comes back here the long way.
    const current = this.pools.get(location.tenantId);
    if (current && sameDatabase(current.location, location) && current.location.tier === location.tier) {
      const cached = this.options.auth?.type === 'iam' ? undefined : this.credentials.peek(location);
      if (!cached || cached.username === current.username) return current;
    }
    const username = await this.usernameFor(location);
    this.assertOpen();
    const existing = this.pools.get(location.tenantId);
    if (
      existing &&
      sameDatabase(existing.location, location) &&
      existing.location.tier === location.tier &&
      existing.username === username
    ) {
      return existing;
    }
    if (existing) this.retire(location.tenantId, 'replaced');
    const max = this.poolSize(location.tier);
    const { tenantId } = location;
    const config: PoolConfig = {
      host: location.host,
      port: location.port,
      database: location.database,
      user: username,
      password: () => this.passwordFor(location, username),
      ssl: { ca: this.ca, rejectUnauthorized: true },
      max,
      idleTimeoutMillis: this.settings.idleTimeoutMillis,
      allowExitOnIdle: true,
      application_name: this.settings.applicationName,
      ...(this.options.statementTimeoutMillis ? { statement_timeout: this.options.statementTimeoutMillis } : {}),
      ...(this.options.maxConnectionUses ? { maxUses: this.options.maxConnectionUses } : {}),
      ...(this.options.maxConnectionLifetimeSeconds
        ? { maxLifetimeSeconds: this.options.maxConnectionLifetimeSeconds }
        : {}),
      Client: budgetedClientClass(this.budget, {
        permitTimeoutMillis: this.settings.acquireTimeoutMillis,
        connectTimeoutMillis: this.settings.connectTimeoutMillis,
        onOpen: () => this.emit({ type: 'connection-opened', tenantId }),
        onClose: () => this.emit({ type: 'connection-closed', tenantId }),
      }),
    };
    const pool = new Pool(config);
    // An idle connection the server ended (restart, failover) is dropped by the pool; without a listener it would crash.
    pool.on('error', () => undefined);
    const entry: PoolEntry = { location, username, pool, max, leased: 0, lastUsed: Date.now() };
    this.pools.set(tenantId, entry);
    this.emit({ type: 'pool-opened', tenantId, tier: location.tier, max });
    return entry;
  }

  private async checkout(tenantId: string): Promise<{ client: PoolClient; entry: PoolEntry }> {
    const location = await this.resolve(tenantId);
    let entry = await this.entryFor(location);
    entry.leased += 1;
    entry.lastUsed = Date.now();
    try {
      const version = this.credentials.peek(location)?.versionId ?? '';
      try {
        return { client: await this.connect(entry), entry };
      } catch (error) {
        if (!isAuthFailure(error)) throw this.connectFailure(error, entry);
        this.emit({ type: 'auth-retry', tenantId });
        if (this.options.auth?.type === 'iam') this.tokens.delete(tenantId);
        else await this.credentials.refreshAfterFailure(location, version);
        const next = await this.entryFor(location);
        if (next !== entry) {
          entry.leased -= 1;
          entry = next;
          entry.leased += 1;
        }
      }
      try {
        return { client: await this.connect(entry), entry };
      } catch (error) {
        if (!isAuthFailure(error)) throw this.connectFailure(error, entry);
        throw new TenantDatabaseAuthError(
          `the database of tenant ${tenantId} (${location.host}:${location.port}/${location.database}) refused the login of ${entry.username}, also after its secret ${location.secretArn} was read again (${(error as Error).message})`,
        );
      }
    } catch (error) {
      entry.leased -= 1;
      throw error;
    }
  }

  /** `pool.connect()` bounded by `acquireTimeoutMillis`; a connection that arrives too late goes back to the pool. */
  private async connect(entry: PoolEntry): Promise<PoolClient> {
    // An idle connection is handed over at once: no timer needed.
    const immediate = entry.pool.idleCount > 0 && entry.pool.waitingCount === 0;
    const pending = entry.pool.connect();
    if (immediate) return pending;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        pending.then(
          (late) => late.release(),
          () => undefined,
        );
        reject(
          new ConnectionBudgetError(
            `no connection to the database of tenant ${entry.location.tenantId} within ${this.settings.acquireTimeoutMillis} ms (${this.budget.used}/${this.budget.limit} connections of the budget open, ${this.budget.waiting} waiting)`,
          ),
        );
      }, this.settings.acquireTimeoutMillis);
    });
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private connectFailure(error: unknown, entry: PoolEntry): Error {
    if (error instanceof TenantDbError) return error;
    const { tenantId, host, port, database } = entry.location;
    const { code, message } = error as { code?: string; message?: string };
    return new TenantDatabaseUnreachableError(
      `cannot connect to the database of tenant ${tenantId} at ${host}:${port}/${database} (${code ? `${code}: ` : ''}${message ?? String(error)})`,
    );
  }

  private release(client: PoolClient, entry: PoolEntry, failed: boolean, failure: unknown): void {
    entry.leased -= 1;
    entry.lastUsed = Date.now();
    // An SQL error leaves the connection usable; anything else (a broken socket, a timeout) may not.
    const broken = failed && !(failure instanceof DatabaseError);
    // Other tenants wait for the budget, nobody here waits for this connection and the pool keeps another idle one:
    // close this one to pass on its permit. (The pool's last idle connection stays for the tenant's next request;
    // the whole pool goes once it is idle, least recently used first, see relieve().)
    const donate = this.budget.waiting > 0 && entry.pool.waitingCount === 0 && entry.pool.idleCount > 0;
    client.release(broken || donate ? true : undefined);
    if (this.budget.waiting > 0) this.relieve();
  }

  /** Closes least recently used idle pools while new connections wait for the budget. */
  private relieve(): void {
    let needed = this.budget.waiting;
    const idle: string[] = [];
    for (const tenantId of this.pools.rkeys()) {
      if (needed <= 0) break;
      const entry = this.pools.peek(tenantId);
      if (!entry) continue;
      const { pool } = entry;
      if (entry.leased === 0 && pool.waitingCount === 0 && pool.totalCount > 0 && pool.idleCount === pool.totalCount) {
        idle.push(tenantId);
        needed -= pool.totalCount;
      }
    }
    for (const tenantId of idle) this.retire(tenantId, 'budget');
  }

  /** Drops pools that have had no connection for `poolIdleMillis`. */
  private sweep(): void {
    const cutoff = Date.now() - this.settings.poolIdleMillis;
    for (const [tenantId, entry] of [...this.pools.entries()]) {
      if (entry.leased === 0 && entry.pool.totalCount === 0 && entry.lastUsed < cutoff) this.retire(tenantId, 'idle');
    }
  }

  private retire(tenantId: string, reason: PoolEvictionReason): void {
    const entry = this.pools.peek(tenantId);
    if (!entry) return;
    entry.retireReason = reason;
    this.pools.delete(tenantId);
  }

  /** Ends a pool that left the map: idle connections close now, those in use when released. */
  private endPool(entry: PoolEntry, reason: PoolEvictionReason, tenantId: string): void {
    this.tokens.delete(tenantId);
    const ending = entry.pool.end().catch(() => undefined);
    this.endings.add(ending);
    void ending.finally(() => this.endings.delete(ending));
    this.emit({ type: 'pool-evicted', tenantId, reason });
  }
}
