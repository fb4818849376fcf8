import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type RotationSecrets, type RotationStep, rotate } from '../../../lambdas/rotate-app-secret/rotation';
import { sdkRotationSecrets } from '../../../lambdas/rotate-app-secret/secrets';
import { createTenantDatabases, type TenantDatabases } from '../../../lib/client';
import { type ClientWorld, REGION, startClientWorld } from '../../support/client';

/**
 * The application secret's rotation function, step by step as Secrets Manager calls it, against a real TLS-only
 * PostgreSQL and the AWS double, while the application client keeps querying the tenant's database.
 */
jest.setTimeout(180_000);

const STEPS: RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
let world: ClientWorld;
let db: TenantDatabases;

/**
 * The SDK adapter on the AWS double, with the two things the double does not model: a rotation started at once (the
 * rotation flag, and the AWSPENDING label on the new version before the first step), and UpdateSecretVersionStage
 * (done as PutSecretValue of the pending value under AWSCURRENT, which the client sees the same way: a new
 * AWSCURRENT holding the new password).
 */
function secretsOnDouble(rotationToken: string): RotationSecrets {
  const client = new SecretsManagerClient({ region: REGION });
  const sdk = sdkRotationSecrets(client);
  // RotateSecret labels the new version AWSPENDING before it calls the function's first step.
  const pending = new Set<string>([rotationToken]);
  return {
    ...sdk,
    describe: async (id) => {
      const { versions } = await sdk.describe(id);
      return {
        rotationEnabled: true,
        versions: { ...versions, ...Object.fromEntries([...pending.keys()].map((t) => [t, ['AWSPENDING']])) },
      };
    },
    putPending: async (id, token, value) => {
      await sdk.putPending(id, token, value);
      pending.add(token);
    },
    moveCurrent: async (id, token) => {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: id, VersionId: token }));
      await client.send(new PutSecretValueCommand({ SecretId: id, SecretString, VersionStages: ['AWSCURRENT'] }));
      pending.delete(token);
    },
  };
}

beforeAll(async () => {
  world = await startClientWorld();
  await world.addTenant('alpha', 'starter');
  db = createTenantDatabases(world.options({ maxConnectionUses: 5 }));
});

afterAll(async () => {
  await db?.close();
  await world?.stop();
});

it('rotates the application password with no failed query, every step idempotent', async () => {
  // Prepare
  const secretArn = world.tenants.get('alpha')?.secretArn as string;
  const token = randomUUID();
  const deps = { secrets: secretsOnDouble(token), tls: { ca: readFileSync(world.server.caFile as string, 'utf8') } };
  let running = true;
  let served = 0;
  const failures: unknown[] = [];
  const traffic = Array.from({ length: 4 }, async (_, worker) => {
    while (running) {
      await db.queryFor('alpha', 'SELECT 1').then(
        () => {
          served += 1;
        },
        (error: unknown) => failures.push(error),
      );
      await sleep(worker);
    }
  });

  // Act: each step twice, as Secrets Manager may retry it.
  try {
    for (const step of STEPS) {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        await rotate({ SecretId: secretArn, ClientRequestToken: token, Step: step }, deps);
        const target = served + 20;
        for (let wait = 0; served < target && wait < 2_000; wait += 1) await sleep(5);
      }
    }
  } finally {
    running = false;
    await Promise.all(traffic);
  }

  // Assess: the secret's current password is new and logs in; the application never failed.
  const current = JSON.parse(
    (await new SecretsManagerClient({ region: REGION }).send(new GetSecretValueCommand({ SecretId: secretArn })))
      .SecretString as string,
  ) as { password: string };
  expect(current.password).not.toBe('App-Passw0rd-for-tests');
  expect(failures).toEqual([]);
  const fresh = createTenantDatabases(world.options());
  await expect(fresh.queryFor('alpha', 'SELECT 1 AS ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
  await fresh.close();
  const adminLog = world.server.readLog();
  expect(adminLog).not.toContain(current.password);
});
