import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  createTenantDatabases,
  TenantClientConfigError,
  type TenantDatabases,
  TenantDatabaseUnreachableError,
  type TenantDbEvent,
  TenantSuspendedError,
} from '../../../lib/client';
import { forwardToLocalPlatform } from '../../../lib/local/remote/client';
import { LOCAL_REGION, LOCAL_REGISTRY, startTestPlatform, type TestPlatform } from '../../support/local-platform';

let platform: TestPlatform;
let db: TenantDatabases | undefined;
let secretArn: string;

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeEach(async () => {
  platform = await startTestPlatform();
  platform.extra.cloudformation = async () => ({
    Stacks: [
      {
        StackName: 'tenant-db-workflow',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: [{ OutputKey: 'RegistryTableName', OutputValue: LOCAL_REGISTRY }],
      },
    ],
  });
  mkdirSync(join(platform.stateDir, 'ca'));
  writeFileSync(
    join(platform.stateDir, 'ca', 'ca.pem'),
    '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  );
  const secrets = forwardToLocalPlatform(new SecretsManagerClient({ region: LOCAL_REGION }), platform.endpoint);
  const created = await secrets.send(
    new CreateSecretCommand({
      Name: 'saas/tenant/acme/app',
      SecretString: JSON.stringify({ username: 'app_user', password: 'local-secret-pw' }),
    }),
  );
  secretArn = created.ARN as string;
  platform.requests.length = 0;
});
afterEach(async () => {
  await db?.close();
  db = undefined;
  await platform.close();
});

const seed = (fields: Record<string, unknown>) =>
  platform.double.dynamodb.seed(LOCAL_REGISTRY, {
    tenantId: 'acme',
    tier: 'pro',
    status: 'ACTIVE',
    endpointAddress: '127.0.0.1',
    endpointPort: 54321,
    secretArn,
    ...fields,
  });

describe('createTenantDatabases({ local })', () => {
  it('resolves a tenant from the local registry, the table named by the stack, in the daemon Region', async () => {
    // Prepare
    await seed({});
    db = createTenantDatabases({ local: { stateDir: platform.stateDir } });
    // Act
    const location = await db.resolve('acme');
    // Assess
    expect(location).toEqual({
      tenantId: 'acme',
      tier: 'pro',
      status: 'ACTIVE',
      host: '127.0.0.1',
      port: 54321,
      database: 'tenant',
      secretArn,
      region: LOCAL_REGION,
    });
    expect(platform.requests.map((r) => `${r.service} ${r.command} ${r.region}`)).toEqual([
      `cloudformation DescribeStacks ${LOCAL_REGION}`,
      `dynamodb GetItem ${LOCAL_REGION}`,
    ]);
  });

  it('reads the login from the local secret store before it connects', async () => {
    // Prepare
    await seed({ endpointPort: await closedPort() });
    const events: TenantDbEvent[] = [];
    db = createTenantDatabases({
      local: { stateDir: platform.stateDir },
      onEvent: (e) => events.push(e),
      connectTimeoutMillis: 2_000,
    });
    // Act
    const error = await db.queryFor('acme', 'SELECT 1').catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(TenantDatabaseUnreachableError);
    expect(events).toContainEqual({ type: 'secret-read', tenantId: 'acme', reason: 'first-use', stage: 'AWSCURRENT' });
    expect(platform.requests.map((r) => `${r.service} ${r.command}`)).toContain('secretsmanager GetSecretValue');
    expect(String((error as Error).message)).not.toContain('local-secret-pw');
  });

  it('refuses a suspended tenant as it does against AWS', async () => {
    // Prepare
    await seed({ status: 'SUSPENDED' });
    db = createTenantDatabases({ local: { stateDir: platform.stateDir } });
    // Act / Assess
    await expect(db.resolve('acme')).rejects.toBeInstanceOf(TenantSuspendedError);
  });

  it('says the local platform is not running, as a configuration error', () => {
    expect(() => createTenantDatabases({ local: { stateDir: '/nonexistent/tenant-db' } })).toThrow(
      new TenantClientConfigError(
        'the local platform is not running (state dir /nonexistent/tenant-db): start it with `npm start` or `tenantctl local up`',
      ),
    );
  });

  it('still requires registry.tableName without local', () => {
    expect(() => createTenantDatabases({ tls: { ca: '-----BEGIN CERTIFICATE-----' } })).toThrow(
      'registry.tableName is required',
    );
  });
});
