/**
 * `tenantctl credentials <tenant> --local`: how to connect to a local tenant database with psql, the password read
 * from the local secret store into a pgpass file (mode 0600, in the state directory) that psql reads through
 * PGPASSFILE. The password is never printed, never in a process's arguments, never logged.
 *
 * @module
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from '../../lambdas/shared/errors';
import { localCaFile } from '../local/state-dir';
import type { Connection } from './commands/credentials';
import { type AwsOptions, awsSettings, type CliContext, writeJson } from './context';
import { EXIT, type ExitCode } from './exit-codes';

/** A pgpass field: `\` and `:` are escaped with a backslash (PostgreSQL's libpq documentation, "The Password File"). */
const pgpassField = (value: string | number): string => String(value).replace(/[\\:]/g, (c) => `\\${c}`);

/** Quotes `value` for a POSIX shell. */
const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

interface LocalConnection extends Omit<Connection, 'passwordCommand'> {
  /** The local CA that signed the database's certificate. */
  readonly caFile: string;
  /** The pgpass file holding the login (mode 0600). */
  readonly pgpassFile: string;
  /** Connects with psql over verified TLS, the password read from `pgpassFile`. */
  readonly psqlCommand: string;
}

/** Writes the tenant's pgpass file from its application secret and prints how to connect. */
export async function localConnection(
  connection: Connection,
  options: AwsOptions & { stateDir: string },
  ctx: CliContext,
): Promise<ExitCode> {
  if (!ctx.rotationClients) throw new ConfigurationError('tenantctl was started without a Secrets Manager client');
  const { secretsManager } = await ctx.rotationClients(awsSettings(options, ctx));
  const secret = await secretsManager.send(new GetSecretValueCommand({ SecretId: connection.secretArn }));
  let login: { username?: unknown; password?: unknown } = {};
  try {
    login = JSON.parse(secret.SecretString ?? '{}');
  } catch {
    // Reported below without the content.
  }
  if (typeof login.password !== 'string' || login.password === '') {
    throw new ConfigurationError(`the application secret ${connection.secretArn} holds no password`);
  }
  const user = typeof login.username === 'string' && login.username !== '' ? login.username : connection.user;
  const dir = join(options.stateDir, 'credentials');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pgpassFile = join(dir, `${connection.tenantId}.pgpass`);
  const line = [connection.endpoint, connection.port, connection.database, user, login.password].map(pgpassField);
  writeFileSync(pgpassFile, `${line.join(':')}\n`, { mode: 0o600 });
  // libpq ignores a pgpass file others can read; the umask may have widened the mode of an existing file.
  chmodSync(pgpassFile, 0o600);
  const caFile = localCaFile(options.stateDir);
  const conninfo = `host=${connection.endpoint} port=${connection.port} dbname=${connection.database} user=${user} sslmode=verify-full sslrootcert=${caFile}`;
  const { passwordCommand: _aws, ...rest } = connection;
  const local: LocalConnection = {
    ...rest,
    user,
    caFile,
    pgpassFile,
    psqlCommand: `PGPASSFILE=${shellQuote(pgpassFile)} psql ${shellQuote(conninfo)}`,
  };
  if (options.json) {
    writeJson(ctx, local);
    return EXIT.ok;
  }
  ctx.out(
    [
      `Tenant ${local.tenantId} (local platform, state dir ${options.stateDir})`,
      `  host      ${local.endpoint}`,
      `  port      ${local.port}`,
      `  database  ${local.database}`,
      `  user      ${local.user}`,
      `  secret    ${local.secretArn}`,
      '',
      `The password is in ${local.pgpassFile} (readable by you only), never printed here. Connect with:`,
      `  ${local.psqlCommand}`,
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
