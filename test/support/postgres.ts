import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, type ClientConfig } from 'pg';
import { scramSha256Verifier } from '../../lambdas/shared/database/scram';
import { unusedPort } from '../../lib/local/network';

/** A local port nothing listens on (it was free a moment ago): connecting to it is refused. */
export { unusedPort };

/**
 * A throwaway PostgreSQL server for one test suite or benchmark, run by `postgres.server.mjs` in a child process
 * (so it stops when the test process ends, however it ends) with the product's PostgreSQL launcher (lib/postgres).
 * Each call picks its own free port and temporary folder, so suites running in parallel never collide. Works as
 * root from any checkout (postgres runs as the OS user `postgres` from a copy of the binaries that user can reach)
 * and as a normal user.
 *
 * @example
 * ```ts
 * let server: TestPostgres;
 * beforeAll(async () => { server = await startPostgres(); });
 * afterAll(() => server.stop());
 * ```
 */
export interface TestPostgres {
  host: string;
  port: number;
  /** The bootstrap superuser; tests use it only to set up what RDS would have (master role, database). */
  user: string;
  password: string;
  /** Set when started with `tls: true`: the CA that signed the server certificate. */
  caFile?: string;
  /** Set when started with `tls: true`: a CA that did not sign it. */
  untrustedCaFile?: string;
  logFile: string;
  /** The server's log so far. */
  readLog(): string;
  /** A client connected as the bootstrap superuser (over TLS when the server has it). */
  superuser(database?: string): Promise<Client>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Serve TLS with a certificate for 127.0.0.1 signed by a test CA. */
  tls?: boolean;
  /** `log_statement=all`, to prove what never reaches the server log. */
  logStatements?: boolean;
  /** `max_connections`. @default 200, enough for a load run of many concurrent onboardings */
  maxConnections?: number;
}

interface ServerInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  logFile: string;
  caFile?: string;
  untrustedCaFile?: string;
}

const SERVER_SCRIPT = join(__dirname, 'postgres.server.mjs');

function waitForInfo(child: ChildProcessWithoutNullStreams): Promise<ServerInfo> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline >= 0) resolve(JSON.parse(stdout.slice(0, newline)) as ServerInfo);
    });
    child.once('exit', (code) => reject(new Error(`test postgres exited with code ${code}: ${stderr}`)));
  });
}

/** Starts a server on a free port; resolves once it accepts connections. */
export async function startPostgres(options: StartOptions = {}): Promise<TestPostgres> {
  const launch = async () => {
    const child = spawn(process.execPath, [SERVER_SCRIPT, JSON.stringify({ ...options, port: await unusedPort() })], {
      stdio: 'pipe',
    });
    return { child, info: await waitForInfo(child) };
  };
  // Another process may take the port between our probe and postgres binding it: one more try on another port.
  const { child, info } = await launch().catch(launch);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: TestPostgres = {
    ...info,
    readLog: () => readFileSync(info.logFile, 'utf8'),
    superuser: async (database = 'postgres') => {
      const client = new Client(connectionTo(server, database, info));
      await client.connect();
      return client;
    },
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
  return server;
}

export interface RdsLikeDatabase {
  database: string;
  masterUser: string;
  masterPassword: string;
}

/**
 * Recreates what RDS gives us: a master login that is NOT a superuser (RDS masters are members of `rds_superuser`,
 * with CREATEDB and CREATEROLE) owning the tenant database. Migrations run as that role, so a statement that only a
 * real superuser could run fails here as it would on RDS. The password is sent pre-hashed, like the handler does.
 */
export async function createRdsLikeDatabase(server: TestPostgres, db: RdsLikeDatabase): Promise<void> {
  const admin = await server.superuser();
  try {
    const role = admin.escapeIdentifier(db.masterUser);
    const verifier = admin.escapeLiteral(scramSha256Verifier(db.masterPassword));
    const { rowCount } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [db.masterUser]);
    if (rowCount === 0) await admin.query(`CREATE ROLE ${role} LOGIN CREATEDB CREATEROLE PASSWORD ${verifier}`);
    // As on RDS, where the master user's rds_superuser role holds pg_signal_backend: it may end other roles' sessions.
    await admin.query(`GRANT pg_signal_backend TO ${role}`);
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(db.database)} OWNER ${role}`);
  } finally {
    await admin.end();
  }
}

/** Connection settings for `user` on the test server (over TLS when the server has it). */
export function connectionTo(
  server: TestPostgres,
  database: string,
  credentials: { user: string; password: string },
): ClientConfig {
  const ssl = server.caFile ? { rejectUnauthorized: true, ca: readFileSync(server.caFile, 'utf8') } : false;
  return { host: server.host, port: server.port, database, ...credentials, ssl };
}
