/**
 * DisableAppLogin and EnableAppLogin: the application role's LOGIN attribute, set as the master user over verified
 * TLS. Disabling also ends the role's open sessions, so a suspended tenant's application is cut off at once rather
 * than when its pool next reconnects. Both are idempotent (ALTER ROLE to the state it is in is a no-op), and the
 * role keeps its password: resuming needs no new credentials.
 *
 * @module
 */
import { Client, type ClientConfig } from 'pg';
import type { Login } from '../shared/database/login';
import { pgSslOption, type TlsSetting } from '../shared/database/tls';
import { RetryableError } from '../shared/errors';
import type { AppLoginResult } from '../shared/lifecycle/suspension';

/** Where and as whom the step connects. */
export interface LoginTarget {
  host: string;
  port: number;
  database: string;
  master: Login;
  tls: TlsSetting;
}

/** The statements that set `role`'s login (identifier-escaped by the caller's client). */
function loginStatements(escapedRole: string, login: boolean): string[] {
  return [`ALTER ROLE ${escapedRole} WITH ${login ? 'LOGIN' : 'NOLOGIN'}`];
}

/** Ends every session of `role` (the master user, an rds_superuser member, may end a non-superuser's). */
const END_SESSIONS_SQL =
  'SELECT count(*)::int AS ended FROM (SELECT pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()) AS t';

/** Bounds so a database that hangs fails the step long before the function's timeout. */
const TIMEOUTS = { connectMs: 10_000, statementMs: 30_000 };

function clientConfig(target: LoginTarget): ClientConfig {
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.master.username,
    password: target.master.password,
    ssl: pgSslOption(target.tls),
    application_name: 'tenant-db-lifecycle',
    connectionTimeoutMillis: TIMEOUTS.connectMs,
    statement_timeout: TIMEOUTS.statementMs,
    query_timeout: TIMEOUTS.statementMs + TIMEOUTS.connectMs,
  };
}

/** Sets `role`'s login on the tenant database; connection failures are retryable (the database may be starting). */
export async function setAppLogin(target: LoginTarget, role: string, login: boolean): Promise<AppLoginResult> {
  const client = new Client(clientConfig(target));
  try {
    await client.connect();
  } catch (error) {
    // Never the error's own text alone: it may quote the connection string's parts. Host and code only.
    const code = (error as { code?: string }).code ?? (error as Error).name;
    throw new RetryableError(`cannot connect to the tenant database at ${target.host}:${target.port} (${code})`);
  }
  try {
    for (const statement of loginStatements(client.escapeIdentifier(role), login)) await client.query(statement);
    if (login) return { login, sessionsEnded: 0 };
    const { rows } = await client.query<{ ended: number }>(END_SESSIONS_SQL, [role]);
    return { login, sessionsEnded: rows[0]?.ended ?? 0 };
  } finally {
    await client.end().catch(() => undefined);
  }
}
