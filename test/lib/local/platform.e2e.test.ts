/**
 * The local platform as a person uses it: `npm start` in a clean clone of the repository (installed and built as
 * `npm ci` leaves it), then tenantctl `--local`, the client library and the Express example from
 * docs/local-platform.md against it, with real PostgreSQL servers behind every tenant (the daemon runs lib/local/host
 * through lib/local/aws). One platform for the whole file: the cases run in order and build on each other, as a
 * session at a terminal would.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Client } from 'pg';
import { forwardToLocalPlatform } from '../../../lib/local/remote/client';
import { readEndpoint } from '../../../lib/local/state-dir';
import { REPOSITORY_ROOT } from '../../support/paths';

jest.setTimeout(20 * 60_000);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let workDir: string;
let checkout: string;
let stateDir: string;
const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  CI: 'true',
  TENANT_DB_LOCAL_DIR: stateDir,
  // No AWS settings at all: the local platform needs none.
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  NO_COLOR: '1',
});

function runIn(cwd: string, command: string, args: readonly string[], timeoutMs = 8 * 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { cwd, env: env(), timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

const npmStart = () => runIn(checkout, 'npm', ['start', '--silent']);
const tenantctl = (...args: string[]) => runIn(checkout, process.execPath, ['bin/tenantctl.mjs', ...args, '--local']);

async function tenantctlJson<T>(...args: string[]): Promise<T> {
  const result = await tenantctl(...args, '--json');
  if (result.code !== 0) throw new Error(`tenantctl ${args.join(' ')}: ${result.code}\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

interface Connection {
  endpoint: string;
  port: number;
  database: string;
  user: string;
  secretArn: string;
}

/** The tenant's application login, read from the local secret store the way an application reads it. */
async function appLogin(tenantId: string): Promise<{ connection: Connection; password: string }> {
  const connection = await tenantctlJson<Connection>('credentials', tenantId);
  const endpoint = readEndpoint(stateDir);
  if (!endpoint) throw new Error('no endpoint.json');
  const secrets = forwardToLocalPlatform(new SecretsManagerClient({ region: 'us-east-1' }), endpoint);
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: connection.secretArn }));
  return { connection, password: (JSON.parse(SecretString ?? '{}') as { password: string }).password };
}

async function connectApp(tenantId: string, ssl: boolean | 'verify' = 'verify'): Promise<Client> {
  const { connection, password } = await appLogin(tenantId);
  const client = new Client({
    host: connection.endpoint,
    port: connection.port,
    database: connection.database,
    user: connection.user,
    password,
    ssl:
      ssl === 'verify' ? { ca: readFileSync(join(stateDir, 'ca', 'ca.pem'), 'utf8'), rejectUnauthorized: true } : false,
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  return client;
}

async function tenantStatus(tenantId: string): Promise<{ status: string; tier: string }> {
  return tenantctlJson('status', tenantId);
}

/** The PostgreSQL servers whose data folders are under the state directory. */
function serversOfStateDir(): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes(stateDir) && line.includes('postgres'));
}

let example: ChildProcess | undefined;

beforeAll(async () => {
  // Prepare: a clean clone (what `git clone` gives), with what `npm ci` leaves: node_modules and the built dist.
  workDir = mkdtempSync(join(tmpdir(), 'local-platform-'));
  chmodSync(workDir, 0o755);
  checkout = join(workDir, 'repo');
  stateDir = join(workDir, 'state');
  execFileSync('git', ['clone', '--quiet', REPOSITORY_ROOT, checkout]);
  // The installed packages are the checkout's own (hard links when the file system allows); the build is what
  // `npm ci` runs next (its prepare script), done here in the clone.
  try {
    execFileSync('cp', ['-al', join(REPOSITORY_ROOT, 'node_modules'), join(checkout, 'node_modules')]);
  } catch {
    rmSync(join(checkout, 'node_modules'), { recursive: true, force: true });
    execFileSync('cp', ['-a', join(REPOSITORY_ROOT, 'node_modules'), join(checkout, 'node_modules')]);
  }
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: checkout, stdio: 'pipe' });
});

afterAll(async () => {
  example?.kill('SIGTERM');
  if (existsSync(join(stateDir, 'endpoint.json'))) await tenantctl('local', 'down');
  rmSync(workDir, { recursive: true, force: true });
});

describe('the local platform, from npm start to local reset', () => {
  let started: Run;

  it('npm start synthesizes, starts the platform, onboards the demo tenant and says how to connect', async () => {
    // Act
    started = await npmStart();

    // Assess
    expect(started.stderr).not.toMatch(/error/i);
    expect(started.code).toBe(0);
    expect(started.stdout).toContain('demo');
    expect(started.stdout).toContain('ACTIVE');
    expect(started.stdout).toContain('tenantctl credentials demo --local');
    expect(await tenantStatus('demo')).toMatchObject({ status: 'ACTIVE', tier: 'starter' });
  });

  it('never prints the demo password, and credentials --local gives a psql command without it', async () => {
    // Prepare
    const { password } = await appLogin('demo');

    // Act
    const credentials = await tenantctl('credentials', 'demo');

    // Assess
    expect(credentials.code).toBe(0);
    expect(credentials.stdout).toContain('psql');
    expect(credentials.stdout).toContain('sslmode=verify-full');
    for (const output of [started.stdout, started.stderr, credentials.stdout, credentials.stderr]) {
      expect(output).not.toContain(password);
    }
  });

  it('lets the application role log in over verified TLS only, and refuses it DDL', async () => {
    // Act
    const client = await connectApp('demo');
    const { rows } = await client.query<{ user: string; ssl: boolean }>(
      'SELECT current_user AS user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    const ddl = client.query('CREATE TABLE intruder (id int)').then(
      () => 'created',
      (error: { code?: string }) => error.code,
    );

    // Assess
    expect(rows[0]).toEqual({ user: 'tenant_app', ssl: true });
    expect(await ddl).toBe('42501');
    await client.end();
    await expect(connectApp('demo', false)).rejects.toThrow(/pg_hba.conf rejects connection .* no encryption/);
  });

  it('onboards two more tenants whose data the client keeps apart (the Express example of the docs)', async () => {
    // Act
    const [alpha, beta] = await Promise.all([
      tenantctl('onboard', 'alpha', '--tier', 'starter', '--wait'),
      tenantctl('onboard', 'beta', '--tier', 'starter', '--wait'),
    ]);
    expect([alpha.code, beta.code, alpha.stderr, beta.stderr]).toEqual([0, 0, '', '']);
    example = spawn(process.execPath, ['docs/examples/local-app.mjs'], {
      cwd: checkout,
      env: { ...env(), PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      example?.stdout?.on('data', (chunk: Buffer) => {
        const found = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(chunk.toString());
        if (found) resolve(Number(found[1]));
      });
      example?.once('exit', (code) => reject(new Error(`the example exited with ${String(code)}`)));
    });
    const call = async (tenant: string, method = 'GET', body?: unknown) => {
      const response = await fetch(`http://127.0.0.1:${port}/projects`, {
        method,
        headers: { 'x-tenant-id': tenant, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { projects?: { name: string }[] } };
    };
    const created = await call('alpha', 'POST', { name: 'alpha launch' });
    const seenByAlpha = await call('alpha');
    const seenByBeta = await call('beta');
    const unknown = await call('nobody');

    // Assess
    expect(created.status).toBe(201);
    expect(seenByAlpha.body.projects?.map((p) => p.name)).toEqual(['alpha launch']);
    expect(seenByBeta.body.projects).toEqual([]);
    expect(unknown.status).toBe(404);
  });

  it('offboards a tenant with a final snapshot, and onboarding it again restores its data', async () => {
    // Prepare
    const before = await connectApp('beta');
    await before.query("INSERT INTO projects (name) VALUES ('kept through offboarding')");
    await before.end();

    // Act
    const offboarded = await tenantctl('offboard', 'beta', '--now', '--yes', '--wait');
    const statusAfterOffboarding = await tenantStatus('beta');
    const again = await tenantctl('onboard', 'beta', '--tier', 'starter', '--wait');
    const after = await connectApp('beta');
    const { rows } = await after.query<{ name: string }>('SELECT name FROM projects');
    await after.end();

    // Assess
    expect([offboarded.code, offboarded.stderr]).toEqual([0, '']);
    expect(statusAfterOffboarding.status).toBe('OFFBOARDED');
    expect([again.code, again.stderr]).toEqual([0, '']);
    expect(rows.map((r) => r.name)).toEqual(['kept through offboarding']);
  });

  it('suspends and resumes a tenant: its server stops, then serves again', async () => {
    // Act
    const suspended = await tenantctl('suspend', 'alpha', '--wait');
    const whileSuspended = await tenantStatus('alpha');
    const refused = connectApp('alpha').then(
      (c) => c.end().then(() => 'connected'),
      () => 'refused',
    );
    const resumed = await tenantctl('resume', 'alpha', '--wait');
    const client = await connectApp('alpha');
    const { rows } = await client.query<{ name: string }>('SELECT name FROM projects');
    await client.end();

    // Assess
    expect([suspended.code, resumed.code]).toEqual([0, 0]);
    expect(whileSuspended.status).toBe('SUSPENDED');
    expect(await refused).toBe('refused');
    expect(rows.map((r) => r.name)).toEqual(['alpha launch']);
  });

  it('applies a tier change', async () => {
    // Act
    const changed = await tenantctl('change-tier', 'alpha', '--to', 'pro', '--when', 'now', '--yes', '--wait');

    // Assess
    expect([changed.code, changed.stderr]).toEqual([0, '']);
    expect(await tenantStatus('alpha')).toMatchObject({ status: 'ACTIVE', tier: 'pro' });
  });

  it('keeps every tenant across local down and up, and rolls a new migration out to all of them', async () => {
    // Prepare: a schema change in the checkout, which the next start synthesizes into the bundles.
    writeFileSync(
      join(checkout, 'lambdas', 'shared', 'schema', 'migrations', '20270101000000000_release-notes.sql'),
      '-- Up Migration\nCREATE TABLE release_notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL);\n' +
        'GRANT SELECT, INSERT ON release_notes TO tenant_app;\n\n-- Down Migration\nDROP TABLE release_notes;\n',
    );

    // Act
    const down = await tenantctl('local', 'down');
    const serversWhileDown = serversOfStateDir();
    const up = await npmStart();
    const statuses = await Promise.all(['demo', 'alpha', 'beta'].map(tenantStatus));
    const rollout = await tenantctl('migrations', 'rollout', '--wait');
    const tables = await Promise.all(
      ['demo', 'alpha', 'beta'].map(async (tenantId) => {
        const client = await connectApp(tenantId);
        const { rows } = await client.query<{ name: string | null }>("SELECT to_regclass('release_notes') AS name");
        await client.end();
        return rows[0]?.name;
      }),
    );

    // Assess
    expect(down.code).toBe(0);
    expect(serversWhileDown).toEqual([]);
    expect([up.code, up.stderr]).toEqual([0, '']);
    expect(statuses.map((s) => s.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    expect([rollout.code, rollout.stderr]).toEqual([0, '']);
    expect(tables).toEqual(['release_notes', 'release_notes', 'release_notes']);
  });

  it('local reset removes every server and all state', async () => {
    // Prepare
    example?.kill('SIGTERM');

    // Act
    const reset = await tenantctl('local', 'reset', '--yes');

    // Assess
    expect(reset.code).toBe(0);
    expect(existsSync(stateDir)).toBe(false);
    expect(serversOfStateDir()).toEqual([]);
  });
});
