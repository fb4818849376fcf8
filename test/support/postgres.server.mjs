// Runs one throwaway PostgreSQL server for a test suite or a benchmark, in its own process, so that it stops when the
// test process ends however it ends. The binaries and the way they are started (as the OS user `postgres` when we are
// root, from a copy that user can reach) are the product's: lib/postgres.
//
// Protocol: argv[2] is JSON `{ "port": number, "tls": boolean, "logStatements": boolean, "maxConnections": number }`.
// When the server accepts connections, one JSON line with the connection details goes to stdout. The server stops
// (and its temporary folder is removed) when stdin ends, which also happens when the parent process dies. If postgres
// does not start, the process exits with code 1 and the reason (with the end of the server log) on stderr; the parent
// retries once on another port in case the port was taken.
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

const { postgresBinaries } = await tsImport('../../lib/postgres/binaries.ts', import.meta.url);
const { initialiseCluster, startCluster } = await tsImport('../../lib/postgres/cluster.ts', import.meta.url);
const { createCertificateAuthority, installServerCertificate } = await tsImport(
  '../../lib/local/tls.ts',
  import.meta.url,
);

const HOST = '127.0.0.1';
/** Enough for a load run of many concurrent onboardings (each RunMigrations holds a few connections). */
const DEFAULT_MAX_CONNECTIONS = 200;
const options = JSON.parse(process.argv[2] ?? '{}');

// Postgres runs as the `postgres` OS user when we are root: it must reach the data folder inside this one.
const dir = mkdtempSync(join(tmpdir(), 'tenant-pg-'));
chmodSync(dir, 0o755);
const logFile = join(dir, 'postgres.log');
writeFileSync(logFile, '');
const log = (message) => appendFileSync(logFile, message);

/**
 * Gives the server a certificate for 127.0.0.1 signed by a test CA, so clients verify it exactly as they verify RDS
 * (`rejectUnauthorized: true` plus the CA), and makes it refuse unencrypted connections like RDS with
 * `rds.force_ssl=1`. A second, unrelated CA lets tests provoke a verification failure.
 */
function enableTls(dataDir, runAs) {
  const ca = createCertificateAuthority(join(dir, 'test-ca'), 'test-ca', 2);
  const untrusted = createCertificateAuthority(join(dir, 'untrusted-ca'), 'untrusted-ca', 2);
  installServerCertificate(ca, dataDir, runAs);
  const hba = join(dataDir, 'pg_hba.conf');
  writeFileSync(hba, readFileSync(hba, 'utf8').replace(/^host(\s)/gm, 'hostssl$1'));
  return { caFile: ca.certFile, untrustedCaFile: untrusted.certFile };
}

async function main() {
  const password = randomBytes(18).toString('base64url');
  const dataDir = join(dir, 'data');
  const binaries = postgresBinaries();
  await initialiseCluster(binaries, { dataDir, superuser: 'postgres', password, initdbFlags: ['--no-sync'], log });
  const tls = options.tls ? enableTls(dataDir, binaries.runAs) : {};
  const server = await startCluster(binaries, {
    dataDir,
    port: options.port,
    log,
    settings: {
      unix_socket_directories: '',
      listen_addresses: HOST,
      max_connections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      // A throwaway server: durability only costs time.
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      ...(options.logStatements ? { log_statement: 'all' } : {}),
      ...(options.tls ? { ssl: 'on', ssl_cert_file: 'server.crt', ssl_key_file: 'server.key' } : {}),
    },
  });
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  const info = { host: HOST, port: options.port, user: 'postgres', password, dir, logFile, ...tls };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  process.stdin.resume();
  process.stdin.once('end', stop);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, stop);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
