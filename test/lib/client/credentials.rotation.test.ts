import { setTimeout as sleep } from 'node:timers/promises';
import { createTenantDatabases, type TenantDatabases, type TenantDbEvent } from '../../../lib/client';
import { type ClientWorld, startClientWorld } from '../../support/client';

/**
 * A single-user rotation of the application secret in the middle of traffic, step by step as Secrets Manager runs a
 * rotation function: createSecret (new version AWSPENDING), setSecret (the role's password changes on the server),
 * testSecret, finishSecret (the new version becomes AWSCURRENT). Connections close after five uses, so the client logs
 * in again and again throughout, with the old, the pending and the new password in turn.
 */
jest.setTimeout(180_000);

const WORKERS = 8;
let world: ClientWorld;
let db: TenantDatabases;
const events: TenantDbEvent[] = [];

beforeAll(async () => {
  world = await startClientWorld();
  await world.addTenant('alpha', 'starter');
  db = createTenantDatabases(
    world.options({ maxConnectionUses: 5, defaultPoolSize: 3, onEvent: (event) => events.push(event) }),
  );
});

afterAll(async () => {
  await db?.close();
  await world?.stop();
});

it('loses no request while the application secret is rotated under traffic', async () => {
  // Prepare
  let running = true;
  let served = 0;
  const failures: unknown[] = [];
  const traffic = Array.from({ length: WORKERS }, async (_, worker) => {
    while (running) {
      try {
        await db.queryFor('alpha', 'SELECT 1');
        served += 1;
      } catch (error) {
        failures.push(error);
      }
      await sleep(worker % 4);
    }
  });
  const servedBy = async (count: number) => {
    const target = served + count;
    while (served < target) await sleep(5);
  };
  await servedBy(50);

  // Act
  await world.putSecret('alpha', 'Rotated-Passw0rd-A', ['AWSPENDING']); // createSecret
  await servedBy(50);
  await world.setRolePassword('Rotated-Passw0rd-A'); // setSecret
  await servedBy(100); // testSecret happens here; the client must already cope
  await world.putSecret('alpha', 'Rotated-Passw0rd-A', ['AWSCURRENT']); // finishSecret
  await servedBy(100);
  const loginsAfterRotation = events.filter((e) => e.type === 'connection-opened').length;
  await servedBy(100);
  running = false;
  await Promise.all(traffic);

  // Assess
  expect(failures).toEqual([]);
  expect(served).toBeGreaterThanOrEqual(400);
  expect(events).toContainEqual({ type: 'auth-retry', tenantId: 'alpha' });
  expect(events).toContainEqual({
    type: 'secret-read',
    tenantId: 'alpha',
    reason: 'auth-failure',
    stage: 'AWSPENDING',
  });
  expect(events.filter((e) => e.type === 'connection-opened').length).toBeGreaterThan(loginsAfterRotation);
});
