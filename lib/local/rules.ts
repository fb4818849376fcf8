/**
 * The decisions of the local instance host, free of I/O: where things live in the state directory, what input is
 * accepted (RDS's own rules for identifiers, user names and passwords), the server's configuration, which status
 * allows which operation, and what a restarted host makes of an instance it finds on disk.
 *
 * @module
 */
import { join } from 'node:path';
import { escapeIdentifier, escapeLiteral } from 'pg';
import { ValidationError } from '../../lambdas/shared/errors';

/** An instance's status, named as RDS names them. */
export type InstanceStatus =
  | 'creating'
  | 'available'
  | 'stopping'
  | 'stopped'
  | 'starting'
  | 'backing-up'
  | 'deleting'
  | 'failed';

/** An operation on an existing instance. */
export type InstanceOperation = 'stop' | 'start' | 'delete' | 'snapshot';

/** The only interface local servers listen on: nothing beyond loopback. */
export const LOOPBACK = '127.0.0.1';

/**
 * The bootstrap superuser initdb creates. Like AWS's `rdsadmin` on RDS, nobody can log in as it: it has no password,
 * and the host acts as it only in single-user mode, with no server running.
 */
export const BOOTSTRAP_SUPERUSER = 'rdsadmin';

/** The file of server settings the host owns, included from `postgresql.conf`. */
export const SETTINGS_FILE = 'local-platform.conf';

/** Where everything of one host lives under its state directory. */
export interface StateLayout {
  /** The JSON index of instances and snapshots, replaced atomically (write beside it, then rename). */
  indexFile: string;
  /** The local CA (`ca.pem`, `ca.key`). */
  caDir: string;
  instancesDir: string;
  snapshotsDir: string;
  /** Freshly initialised clusters, one per binaries version, that new instances are copies of. */
  templatesDir: string;
  instanceDir(instanceId: string): string;
  dataDir(instanceId: string): string;
  logFile(instanceId: string): string;
  snapshotDir(snapshotId: string): string;
  /** The copy of the data folder inside a snapshot. */
  snapshotDataDir(snapshotId: string): string;
}

export function stateLayout(stateDir: string): StateLayout {
  const instancesDir = join(stateDir, 'instances');
  const snapshotsDir = join(stateDir, 'snapshots');
  return {
    indexFile: join(stateDir, 'index.json'),
    caDir: join(stateDir, 'ca'),
    instancesDir,
    snapshotsDir,
    templatesDir: join(stateDir, 'templates'),
    instanceDir: (id) => join(instancesDir, id),
    dataDir: (id) => join(instancesDir, id, 'data'),
    logFile: (id) => join(instancesDir, id, 'postgres.log'),
    snapshotDir: (id) => join(snapshotsDir, id),
    snapshotDataDir: (id) => join(snapshotsDir, id, 'data'),
  };
}

// RDS: 1 to 63 letters, digits or hyphens (snapshots: 255); a letter first; no hyphen last, no two in a row. The
// identifier also names a folder, so these rules keep it a plain file name (no `..`, `/`, `__proto__`).
const IDENTIFIER = /^[a-z](?:[a-z0-9]|-(?!-))*$/;
// RDS for PostgreSQL: 1 to 16 letters, digits or underscores, a letter first.
const MASTER_USERNAME = /^[A-Za-z][A-Za-z0-9_]{0,15}$/;
// RDS for PostgreSQL: 1 to 63 letters, digits or underscores, a letter first.
const DB_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
// RDS for PostgreSQL: 8 to 128 printable ASCII characters other than /, " and @.
const MASTER_PASSWORD = /^[\x20-\x7e]{8,128}$/;
const FORBIDDEN_IN_PASSWORD = /[/"@]/;
/** PostgreSQL reserves names starting pg_; RDS reserves its own roles and databases. */
const RESERVED_NAMES = new Set(['rdsadmin', 'rds_superuser', 'postgres', 'public', 'template0', 'template1']);

/**
 * An instance or snapshot identifier as RDS accepts it, lower-cased as RDS stores it; throws a ValidationError naming
 * `field` and the rule otherwise.
 */
export function validIdentifier(field: string, value: unknown, maxLength: number): string {
  const rule = `must be 1 to ${maxLength} letters, digits or hyphens, start with a letter, not end with a hyphen nor contain two consecutive hyphens`;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new ValidationError(field, rule, value);
  }
  const lower = value.toLowerCase();
  if (!IDENTIFIER.test(lower) || lower.endsWith('-')) throw new ValidationError(field, rule, value);
  return lower;
}

/** Longest DBInstanceIdentifier and DBSnapshotIdentifier RDS accepts. */
export const MAX_INSTANCE_ID = 63;
export const MAX_SNAPSHOT_ID = 255;

export interface MasterCredentials {
  masterUsername: string;
  masterPassword: string;
  dbName: string;
}

/** The master user, its password and the first database as RDS for PostgreSQL accepts them. */
export function validCredentials(input: { [key: string]: unknown }): MasterCredentials {
  const { masterUsername, masterPassword, dbName } = input;
  const name = (field: string, value: unknown, pattern: RegExp, rule: string): string => {
    if (typeof value !== 'string' || !pattern.test(value)) throw new ValidationError(field, rule, value);
    if (RESERVED_NAMES.has(value.toLowerCase()) || value.toLowerCase().startsWith('pg_')) {
      throw new ValidationError(field, 'must not be a name PostgreSQL or RDS reserves', value);
    }
    return value;
  };
  const user = name(
    'masterUsername',
    masterUsername,
    MASTER_USERNAME,
    'must be 1 to 16 letters, digits or underscores, starting with a letter',
  );
  const db = name('dbName', dbName, DB_NAME, 'must be 1 to 63 letters, digits or underscores, starting with a letter');
  return { masterUsername: user, masterPassword: validPassword(masterPassword), dbName: db };
}

/** A master password as RDS for PostgreSQL accepts it. */
export function validPassword(masterPassword: unknown): string {
  // The password itself is never quoted back: an error message can end up in a log.
  if (
    typeof masterPassword !== 'string' ||
    !MASTER_PASSWORD.test(masterPassword) ||
    FORBIDDEN_IN_PASSWORD.test(masterPassword)
  ) {
    throw new ValidationError('masterPassword', 'must be 8 to 128 printable ASCII characters other than /, " and @');
  }
  return masterPassword;
}

/** A TCP port a caller may ask for: unprivileged, so no root-only port is ever taken. */
export function validPort(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1024 || value > 65_535) {
    throw new ValidationError('port', 'must be an integer from 1024 to 65535', value);
  }
  return value;
}

/**
 * pg_hba.conf of a local instance: password (SCRAM) logins over TLS from loopback, nothing else. An unencrypted
 * connection is refused, as RDS refuses it with `rds.force_ssl=1`; there is no Unix socket to bypass it.
 */
export function hbaConf(): string {
  return [
    '# Written by the local platform: TLS and a SCRAM password from loopback only (as RDS with rds.force_ssl=1).',
    '# TYPE    DATABASE USER ADDRESS       METHOD',
    `hostnossl all      all  ${LOOPBACK}/32 reject`,
    `hostssl   all      all  ${LOOPBACK}/32 scram-sha-256`,
    '',
  ].join('\n');
}

/** The server settings the host owns (the port is given on the command line: it may change at each start). */
export function serverSettings(): string {
  const settings: Record<string, string> = {
    listen_addresses: `'${LOOPBACK}'`,
    unix_socket_directories: "''",
    ssl: 'on',
    ssl_cert_file: "'server.crt'",
    ssl_key_file: "'server.key'",
    ssl_min_protocol_version: "'TLSv1.2'",
    password_encryption: "'scram-sha-256'",
    // A laptop holds many tenants: small buffers, few connections (RDS's smallest classes allow about 80).
    max_connections: '50',
    shared_buffers: "'16MB'",
    // The log goes to the file the host opens for the server; the collector would be one more process.
    logging_collector: 'off',
  };
  return `${Object.entries(settings)
    .map(([name, value]) => `${name} = ${value}`)
    .join('\n')}\n`;
}

/**
 * What makes a fresh cluster look like a new RDS instance: an `rds_superuser` role with the predefined roles RDS gives
 * it, the master user (not a superuser: CREATEDB, CREATEROLE, member of rds_superuser) with the password sent as a
 * SCRAM verifier, the first database owned by the master user, and the bootstrap superuser's password removed.
 */
export function bootstrapStatements(
  credentials: { masterUsername: string; dbName: string },
  verifier: string,
): string[] {
  const master = escapeIdentifier(credentials.masterUsername);
  return [
    'CREATE ROLE rds_superuser NOLOGIN',
    'GRANT pg_signal_backend, pg_monitor, pg_checkpoint TO rds_superuser',
    `CREATE ROLE ${master} LOGIN CREATEDB CREATEROLE PASSWORD ${escapeLiteral(verifier)} IN ROLE rds_superuser`,
    `CREATE DATABASE ${escapeIdentifier(credentials.dbName)} OWNER ${master}`,
    `ALTER ROLE ${BOOTSTRAP_SUPERUSER} PASSWORD NULL`,
  ];
}

/** Gives the master user of a restored cluster a new password (a SCRAM verifier), in single-user mode. */
export function masterPasswordStatement(masterUsername: string, verifier: string): string {
  return `ALTER ROLE ${escapeIdentifier(masterUsername)} PASSWORD ${escapeLiteral(verifier)}`;
}

/** Which statuses allow each operation. */
export const ALLOWED_FROM: Readonly<Record<InstanceOperation, readonly InstanceStatus[]>> = {
  stop: ['available'],
  start: ['stopped'],
  // A failed instance (its creation did not finish) can only be deleted.
  delete: ['available', 'stopped', 'failed'],
  // A stopped instance is copied as it is; an available one is stopped for the copy and started again.
  snapshot: ['available', 'stopped'],
};

export function isAllowed(operation: InstanceOperation, status: InstanceStatus): boolean {
  return ALLOWED_FROM[operation].includes(status);
}

/** What a host finds for an instance when it starts: files on disk and whether its server answers. */
export interface Observed {
  /** The data folder holds a cluster (`PG_VERSION`). */
  initialised: boolean;
  /** `postmaster.pid` names a live process and the port it names answers as PostgreSQL. */
  running: boolean;
}

/**
 * The status a restarted host gives an instance recorded with `recorded`. `gone`: a deletion was under way, the host
 * finishes it. A creation or restore that was interrupted cannot be trusted (the master user may be missing): failed.
 */
export function reattachedStatus(recorded: InstanceStatus, observed: Observed): InstanceStatus | 'gone' {
  if (recorded === 'deleting') return 'gone';
  if (recorded === 'creating' || recorded === 'failed' || !observed.initialised) return 'failed';
  return observed.running ? 'available' : 'stopped';
}

/** Whether a server's start-up log says another process holds the port. */
export function isPortConflict(log: string): boolean {
  return /could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(log);
}
