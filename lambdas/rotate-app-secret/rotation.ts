import { Client } from 'pg';
import { scramSha256Verifier } from '../shared/database/scram';
import type { TlsSetting } from '../shared/database/tls';
import { pgSslOption } from '../shared/database/tls';
import { ConfigurationError } from '../shared/errors';

/**
 * Single-user rotation of a tenant's application secret, the four steps Secrets Manager calls a rotation function
 * with. The application role changes its own password (PostgreSQL lets any role do that), so the function needs no
 * master credentials. Between setSecret and finishSecret the database already has the new password while AWSCURRENT
 * still holds the old one: the application client covers that window by reading AWSPENDING after a refused login,
 * and connections already open are not affected, so a rotation costs the application no failed query.
 */
export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

export interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: RotationStep;
}

/** What the steps need from Secrets Manager (see `sdkRotationSecrets` for the SDK implementation). */
export interface RotationSecrets {
  describe(secretId: string): Promise<{ rotationEnabled: boolean; versions: Record<string, readonly string[]> }>;
  /** The SecretString of a version (by id and/or stage), or undefined when there is no such version. */
  value(secretId: string, version: { versionId?: string; stage?: string }): Promise<string | undefined>;
  randomPassword(): Promise<string>;
  putPending(secretId: string, token: string, secretString: string): Promise<void>;
  moveCurrent(secretId: string, token: string, fromVersionId: string): Promise<void>;
}

export interface RotationDeps {
  secrets: RotationSecrets;
  tls: TlsSetting;
  connectTimeoutMs?: number;
}

interface AppSecret {
  host: string;
  port: number;
  dbname: string;
  username: string;
  password: string;
  [key: string]: unknown;
}

function parse(secretString: string | undefined, what: string): AppSecret {
  let value: Partial<AppSecret> | undefined;
  try {
    value = secretString === undefined ? undefined : (JSON.parse(secretString) as Partial<AppSecret>);
  } catch {
    value = undefined;
  }
  const ok =
    value &&
    typeof value.host === 'string' &&
    typeof value.dbname === 'string' &&
    typeof value.username === 'string' &&
    typeof value.password === 'string' &&
    value.password !== '';
  // Never quote the value: it holds a password.
  if (!ok)
    throw new ConfigurationError(`${what} is not an application secret (host, port, dbname, username, password)`);
  return { ...(value as AppSecret), port: Number(value?.port ?? 5432) };
}

async function login(secret: AppSecret, deps: RotationDeps): Promise<Client | undefined> {
  const client = new Client({
    host: secret.host,
    port: secret.port,
    database: secret.dbname,
    user: secret.username,
    password: secret.password,
    ssl: pgSslOption(deps.tls),
    connectionTimeoutMillis: deps.connectTimeoutMs ?? 10_000,
    application_name: 'tenant-db-rotation',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    if ((error as { code?: string }).code === '28P01') return undefined;
    throw error;
  }
}

/** Runs one rotation step; idempotent, as Secrets Manager may call a step more than once. */
export async function rotate(event: RotationEvent, deps: RotationDeps): Promise<void> {
  const { SecretId: id, ClientRequestToken: token, Step: step } = event;
  const { rotationEnabled, versions } = await deps.secrets.describe(id);
  if (!rotationEnabled) throw new ConfigurationError(`secret ${id} does not have rotation enabled`);
  const stages = versions[token];
  if (!stages) throw new ConfigurationError(`secret ${id} has no version ${token} to rotate to`);
  if (stages.includes('AWSCURRENT')) return; // already rotated
  if (!stages.includes('AWSPENDING'))
    throw new ConfigurationError(`version ${token} of secret ${id} is not AWSPENDING`);
  switch (step) {
    case 'createSecret':
      return createSecret(id, token, deps);
    case 'setSecret':
      return setSecret(id, token, deps);
    case 'testSecret':
      return testSecret(id, token, deps);
    case 'finishSecret':
      return finishSecret(id, token, versions, deps);
  }
}

async function createSecret(id: string, token: string, deps: RotationDeps): Promise<void> {
  if (await deps.secrets.value(id, { versionId: token, stage: 'AWSPENDING' })) return;
  const current = parse(await deps.secrets.value(id, { stage: 'AWSCURRENT' }), `the AWSCURRENT version of ${id}`);
  const password = await deps.secrets.randomPassword();
  await deps.secrets.putPending(id, token, JSON.stringify({ ...current, password }));
}

async function setSecret(id: string, token: string, deps: RotationDeps): Promise<void> {
  const pending = parse(
    await deps.secrets.value(id, { versionId: token, stage: 'AWSPENDING' }),
    `version ${token} of ${id}`,
  );
  const already = await login(pending, deps);
  if (already) {
    await already.end();
    return;
  }
  for (const stage of ['AWSCURRENT', 'AWSPREVIOUS']) {
    const previous = await deps.secrets.value(id, { stage });
    if (!previous) continue;
    const old = parse(previous, `the ${stage} version of ${id}`);
    const client = await login({ ...pending, password: old.password }, deps);
    if (!client) continue;
    try {
      // A SCRAM verifier, never the password in clear (statement logs, pg_stat_statements).
      const verifier = client.escapeLiteral(scramSha256Verifier(pending.password));
      await client.query(`ALTER ROLE ${client.escapeIdentifier(pending.username)} PASSWORD ${verifier}`);
      return;
    } finally {
      await client.end();
    }
  }
  throw new ConfigurationError(
    `neither AWSCURRENT nor AWSPREVIOUS of ${id} logs in as ${pending.username}; set the role's password from the secret first (re-run the migrations)`,
  );
}

/**
 * Logs in with the pending password. A pending version with no value is Secrets Manager's configuration test
 * (RotateSecret with `RotateImmediately: false` runs testSecret on an empty AWSPENDING version it then removes): no
 * createSecret ran, so the test checks what the next rotation starts from, a login with the current password,
 * which also proves the function reaches the database through its network path and TLS.
 */
async function testSecret(id: string, token: string, deps: RotationDeps): Promise<void> {
  const pendingValue = await deps.secrets.value(id, { versionId: token, stage: 'AWSPENDING' });
  const [which, secret] =
    pendingValue === undefined
      ? ['current', parse(await deps.secrets.value(id, { stage: 'AWSCURRENT' }), `the AWSCURRENT version of ${id}`)]
      : ['pending', parse(pendingValue, `version ${token} of ${id}`)];
  const client = await login(secret, deps);
  if (!client) throw new ConfigurationError(`the ${which} password of ${id} does not log in as ${secret.username}`);
  try {
    await client.query('SELECT 1');
  } finally {
    await client.end();
  }
}

async function finishSecret(
  id: string,
  token: string,
  versions: Record<string, readonly string[]>,
  deps: RotationDeps,
): Promise<void> {
  const current = Object.entries(versions).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
  if (!current) throw new ConfigurationError(`secret ${id} has no AWSCURRENT version`);
  await deps.secrets.moveCurrent(id, token, current);
}
