import type { ClientConfig } from 'pg';
import { pgSslOption, type TlsSetting } from '../database/tls';

/** Where and as whom the runner connects. */
export interface DatabaseTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  tls: TlsSetting;
}

/**
 * Bounds on every wait, so a database that hangs fails the step with a clear error long before the Lambda's own
 * timeout kills it mid-flight. The function timeout must exceed `connectMs + lockMs + statementMs` per migration.
 */
export interface DatabaseTimeouts {
  /** TCP + TLS + authentication. */
  connectMs: number;
  /** Waiting for any lock: the migration advisory lock and the table locks DDL takes. */
  lockMs: number;
  /** Any single statement. */
  statementMs: number;
  /**
   * How long the server keeps a session that stopped talking, idle or inside a transaction. If the Lambda dies
   * holding the migration lock, the server ends its session (and frees the lock) after this.
   */
  idleSessionMs: number;
}

export const DEFAULT_TIMEOUTS: DatabaseTimeouts = {
  connectMs: 10_000,
  lockMs: 30_000,
  statementMs: 60_000,
  idleSessionMs: 60_000,
};

/** Shown in `pg_stat_activity`, so an operator can tell the migration session apart. */
export const APPLICATION_NAME = 'tenant-db-migrations';

/**
 * The pg client settings for `target`. The server-side limits travel as startup parameters, so they hold from the
 * first statement; `query_timeout` is the client-side backstop for a server that stops answering altogether.
 */
export function clientConfig(target: DatabaseTarget, timeouts: DatabaseTimeouts = DEFAULT_TIMEOUTS): ClientConfig {
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password,
    ssl: pgSslOption(target.tls),
    application_name: APPLICATION_NAME,
    connectionTimeoutMillis: timeouts.connectMs,
    lock_timeout: timeouts.lockMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.statementMs + timeouts.connectMs,
    idle_in_transaction_session_timeout: timeouts.idleSessionMs,
    options: `-c idle_session_timeout=${timeouts.idleSessionMs}`,
    keepAlive: true,
  };
}
