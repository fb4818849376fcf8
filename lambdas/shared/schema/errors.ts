/**
 * Why the migration step failed, as error classes the workflow matches by `name`. Each message names the endpoint
 * and the cause and becomes the tenant's failure reason; none ever contains a password (see {@link redact}).
 *
 * @module
 */
import { DatabaseError } from 'pg';
import { ERROR_NAMES } from '../error-names';
import { PlatformError } from '../errors';

/**
 * No connection: refused, timed out, reset, DNS not (yet) resolving, or the server is starting up or full.
 * Retryable: an instance that has just become available can refuse connections for a short while.
 */
export class DatabaseUnreachableError extends PlatformError {
  public override readonly name = ERROR_NAMES.databaseUnreachable;
  public readonly retryable = true;
}

/** The server rejected the login (wrong password, unknown user, no CONNECT privilege). */
export class DatabaseAuthenticationError extends PlatformError {
  public override readonly name = ERROR_NAMES.databaseAuthentication;
  public readonly retryable = false;
}

/** The TLS handshake failed or the server certificate did not verify against the RDS certificate authority. */
export class DatabaseTlsError extends PlatformError {
  public override readonly name = ERROR_NAMES.databaseTls;
  public readonly retryable = false;
}

/** A migration or the role setup failed with an SQL error; the migrations of this run were rolled back. */
export class MigrationFailedError extends PlatformError {
  public override readonly name = ERROR_NAMES.migrationFailed;
  public readonly retryable = false;
}

/**
 * The tenant database disagrees with its registry record or with the shipped migrations (see `drift.ts`): reported,
 * never migrated over. Not retryable: an operator must look.
 */
export class SchemaDriftError extends PlatformError {
  public override readonly name = ERROR_NAMES.schemaDrift;
  public readonly retryable = false;
}

/**
 * Another session held the migration lock for longer than `lock_timeout`. Retryable: the holder is either a
 * concurrent run that will finish, or the session of a run whose Lambda died, which the server ends after
 * `idle_session_timeout`.
 */
export class MigrationLockTimeoutError extends PlatformError {
  public override readonly name = ERROR_NAMES.migrationLockTimeout;
  public readonly retryable = true;
}

/** What the runner was doing when the error happened. */
type DatabasePhase = 'connect' | 'lock' | 'migrate' | 'role';

export interface ErrorContext {
  /** `host:port`, named in every message. */
  endpoint: string;
  /** The login used. */
  user: string;
  phase: DatabasePhase;
  /** The migration being applied when `phase` is `migrate`, when known. */
  migration?: string;
  /** Values that must never appear in a message (passwords, verifiers). */
  secrets: readonly string[];
}

const AUTH_CODES = new Set(['28000', '28P01']);
// 08xxx connection exceptions, shutdown, "the database system is starting up", too many connections.
const UNAVAILABLE_CODES = /^(08...|57P01|57P02|57P03|53300)$/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
// pg's own messages for a connect timeout, a dropped connection and an unanswered query.
const NETWORK_MESSAGES = /connection terminated|timeout/i;
// Node's TLS codes (ERR_TLS_*, ERR_SSL_*) and OpenSSL's certificate verification codes.
const TLS_CODES = /TLS|SSL|CERT|ISSUER|SIGNATURE|HOSTNAME|INVALID_CA|PATH_LENGTH|INVALID_PURPOSE/;
// pg's message when the server answers the SSLRequest with "no", and OpenSSL's handshake failures (EPROTO).
const TLS_MESSAGES = /does not support SSL|SSL routines|certificate/i;
const LOCK_NOT_AVAILABLE = '55P03';
const DEADLOCK_DETECTED = '40P01';

interface ErrorLike {
  code?: unknown;
  message?: unknown;
}

/** `text` with every secret replaced by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((out, secret) => out.replaceAll(secret, '***'), text);
}

function describe(error: unknown): { code: string; message: string; detail: string } {
  const e = (error ?? {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  return { code, message, detail: code ? `${code}: ${message}` : message };
}

/**
 * Maps whatever the database driver threw to one of the classes above. Server-side SQL states are checked first (an
 * authentication failure is a `DatabaseError` with state 28P01), then Node's network and TLS errors.
 *
 * @example
 * ```ts
 * toMigrationError(error, { endpoint: 'db:5432', user: 'tenant_admin', phase: 'connect', secrets: [password] });
 * // DatabaseAuthenticationError: database db:5432 rejected the login of tenant_admin (28P01: password authentication failed ...)
 * ```
 */
export function toMigrationError(error: unknown, context: ErrorContext): PlatformError {
  if (error instanceof PlatformError) return error;
  const { code, message, detail: raw } = describe(error);
  const detail = redact(raw, context.secrets);
  const { endpoint, user, phase } = context;
  if (error instanceof DatabaseError) {
    if (AUTH_CODES.has(code) || (phase === 'connect' && code === '42501')) {
      return new DatabaseAuthenticationError(
        `database ${endpoint} rejected the login of ${user} (${detail}); check that its secret holds the current password`,
      );
    }
    if (UNAVAILABLE_CODES.test(code)) {
      return new DatabaseUnreachableError(`database ${endpoint} is not accepting connections yet (${detail})`);
    }
    if (code === LOCK_NOT_AVAILABLE || code === DEADLOCK_DETECTED) {
      // Waiting for a lock (the migration lock, or a table lock a migration's DDL needs) outlasted lock_timeout, or
      // PostgreSQL broke a deadlock: the run's transaction rolled back whole, so running it again is safe.
      return new MigrationLockTimeoutError(
        phase === 'lock'
          ? `another migration run on ${endpoint} held the migration lock longer than lock_timeout (${detail})`
          : `${phase} on ${endpoint} waited for a lock longer than lock_timeout or deadlocked; its transaction was rolled back (${detail})`,
      );
    }
    return new MigrationFailedError(sqlFailure(context, detail));
  }
  if (TLS_CODES.test(code) || TLS_MESSAGES.test(message)) {
    return new DatabaseTlsError(
      `TLS connection to ${endpoint} failed (${detail}); the server certificate must verify against the RDS CA bundle`,
    );
  }
  if (NETWORK_CODES.has(code) || NETWORK_MESSAGES.test(message)) {
    return new DatabaseUnreachableError(
      `database ${endpoint} is unreachable (${detail}); check that it is available and that its security group ` +
        'admits the migration function',
    );
  }
  return new MigrationFailedError(sqlFailure(context, detail));
}

function sqlFailure(context: ErrorContext, detail: string): string {
  switch (context.phase) {
    case 'migrate':
      return `migration ${context.migration ?? '(before the first migration)'} failed on ${context.endpoint}; this run's migrations were rolled back (${detail})`;
    case 'role':
      return `setting up the application role on ${context.endpoint} failed (${detail})`;
    case 'lock':
      return `taking the migration lock on ${context.endpoint} failed (${detail})`;
    case 'connect':
      return `connecting to ${context.endpoint} as ${context.user} failed (${detail})`;
  }
}
