import { DatabaseError } from 'pg';
import { ERROR_NAMES, RETRYABLE_MIGRATION_ERROR_NAMES } from '../../../../lambdas/shared/error-names';
import { ConfigurationError } from '../../../../lambdas/shared/errors';
import {
  DatabaseAuthenticationError,
  DatabaseTlsError,
  DatabaseUnreachableError,
  type ErrorContext,
  MigrationFailedError,
  MigrationLockTimeoutError,
  redact,
  toMigrationError,
} from '../../../../lambdas/shared/schema/errors';

const PASSWORD = 'S3cret-Passw0rd';

function serverError(code: string, message: string): DatabaseError {
  const error = new DatabaseError(message, message.length, 'error');
  error.code = code;
  return error;
}

function nodeError(code: string | undefined, message: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

const context = (phase: ErrorContext['phase']): ErrorContext => ({
  endpoint: 'tenant-acme.abc.us-east-1.rds.amazonaws.com:5432',
  user: 'tenant_admin',
  phase,
  migration: phase === 'migrate' ? '20261101000100000_tenant-data-model' : undefined,
  secrets: [PASSWORD],
});

describe('toMigrationError', () => {
  it.each([
    [
      'wrong password',
      serverError('28P01', 'password authentication failed for user "tenant_admin"'),
      'connect',
      DatabaseAuthenticationError,
    ],
    [
      'no pg_hba entry',
      serverError('28000', 'no pg_hba.conf entry for host "10.0.0.1"'),
      'connect',
      DatabaseAuthenticationError,
    ],
    [
      'no CONNECT privilege',
      serverError('42501', 'permission denied for database "tenant"'),
      'connect',
      DatabaseAuthenticationError,
    ],
    [
      'server starting up',
      serverError('57P03', 'the database system is starting up'),
      'connect',
      DatabaseUnreachableError,
    ],
    [
      'too many connections',
      serverError('53300', 'too many connections for role'),
      'connect',
      DatabaseUnreachableError,
    ],
    [
      'connection refused',
      nodeError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:5432'),
      'connect',
      DatabaseUnreachableError,
    ],
    [
      'DNS not resolving yet',
      nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND tenant-acme'),
      'connect',
      DatabaseUnreachableError,
    ],
    [
      'connect timeout',
      nodeError(undefined, 'Connection terminated due to connection timeout'),
      'connect',
      DatabaseUnreachableError,
    ],
    [
      'connection dropped mid-run',
      nodeError(undefined, 'Connection terminated unexpectedly'),
      'migrate',
      DatabaseUnreachableError,
    ],
    [
      'unknown CA',
      nodeError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'),
      'connect',
      DatabaseTlsError,
    ],
    [
      'host name mismatch',
      nodeError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
      'connect',
      DatabaseTlsError,
    ],
    [
      'server without TLS',
      nodeError(undefined, 'The server does not support SSL connections'),
      'connect',
      DatabaseTlsError,
    ],
    [
      'lock wait timed out',
      serverError('55P03', 'canceling statement due to lock timeout'),
      'lock',
      MigrationLockTimeoutError,
    ],
    [
      'DDL lock wait timed out (rolled back whole: retried)',
      serverError('55P03', 'canceling statement due to lock timeout'),
      'migrate',
      MigrationLockTimeoutError,
    ],
    [
      'role setup lock wait timed out',
      serverError('55P03', 'canceling statement due to lock timeout'),
      'role',
      MigrationLockTimeoutError,
    ],
    ['a deadlock PostgreSQL broke', serverError('40P01', 'deadlock detected'), 'migrate', MigrationLockTimeoutError],
    ['syntax error', serverError('42601', 'syntax error at or near "TABEL"'), 'migrate', MigrationFailedError],
    [
      'statement timeout',
      serverError('57014', 'canceling statement due to statement timeout'),
      'migrate',
      MigrationFailedError,
    ],
    ['role setup denied', serverError('42501', 'permission denied to alter role'), 'role', MigrationFailedError],
    [
      'missing migrations folder',
      nodeError('ENOENT', "Can't get migration files: ENOENT"),
      'migrate',
      MigrationFailedError,
    ],
  ] as const)('%s → %p', (_case, error, phase, expected) => {
    // Act
    const mapped = toMigrationError(error, context(phase));

    // Assess
    expect(mapped).toBeInstanceOf(expected);
    expect(mapped.message).toContain(context(phase).endpoint);
    expect(mapped.message).toContain(error.message);
  });

  it('names the migration that failed', () => {
    // Act
    const mapped = toMigrationError(serverError('42P01', 'relation "nope" does not exist'), context('migrate'));

    // Assess
    expect(mapped.message).toContain('migration 20261101000100000_tenant-data-model failed');
    expect(mapped.message).toContain('42P01: relation "nope" does not exist');
  });

  it('passes platform errors through unchanged', () => {
    // Prepare
    const original = new ConfigurationError('RDS_CA_BUNDLE_PATH');

    // Act & Assess
    expect(toMigrationError(original, context('connect'))).toBe(original);
  });

  it('never lets a password through, whatever the driver put in the message', () => {
    // Act
    const mapped = toMigrationError(serverError('42601', `syntax error at or near "${PASSWORD}"`), context('role'));

    // Assess
    expect(mapped.message).not.toContain(PASSWORD);
    expect(mapped.message).toContain('***');
  });
});

describe('redact', () => {
  it.each([
    ['replaces every occurrence', 'a pw b pw', ['pw'], 'a *** b ***'],
    ['replaces several secrets', 'one two', ['one', 'two'], '*** ***'],
    ['ignores empty secrets', 'text', [''], 'text'],
  ])('%s', (_case, text, secrets, expected) => {
    expect(redact(text, secrets)).toBe(expected);
  });
});

describe('migration error names', () => {
  it.each([
    [ERROR_NAMES.databaseUnreachable, new DatabaseUnreachableError('x'), true],
    [ERROR_NAMES.databaseAuthentication, new DatabaseAuthenticationError('x'), false],
    [ERROR_NAMES.databaseTls, new DatabaseTlsError('x'), false],
    [ERROR_NAMES.migrationFailed, new MigrationFailedError('x'), false],
    [ERROR_NAMES.migrationLockTimeout, new MigrationLockTimeoutError('x'), true],
  ])('%s is the name Step Functions sees, retryable=%p', (name, error, retryable) => {
    expect(error.name).toBe(name);
    expect(error.retryable).toBe(retryable);
    expect(RETRYABLE_MIGRATION_ERROR_NAMES.includes(name as never)).toBe(retryable);
  });
});
