import { once } from 'node:events';
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import type { Client } from 'pg';
import {
  createTenantDatabases,
  getCurrentTenant,
  type TenantDatabases,
  type TenantDbEvent,
  tenantMiddleware,
} from '../../../lib/client';
import { appSessions, type ClientWorld, startClientWorld, waitFor } from '../../support/client';

/**
 * Many tenants, few connections: 1,000 concurrent HTTP requests spread over 50 tenant databases, served under a
 * global budget of 40 connections while the server's own view (pg_stat_activity) is sampled throughout.
 */
jest.setTimeout(300_000);

const TENANTS = 50;
const REQUESTS = 1_000;
const BUDGET = 40;
const tierOf = (i: number) => (i % 25 === 0 ? 'enterprise' : i % 5 === 0 ? 'pro' : 'starter');
const ids = Array.from({ length: TENANTS }, (_, i) => `tenant-${String(i).padStart(2, '0')}`);

let world: ClientWorld;
let db: TenantDatabases;
let server: Server;
let port: number;
const events: TenantDbEvent[] = [];

function get(
  path: string,
  tenant: string,
  agent: Agent,
): Promise<{ status: number; body: { tenant?: string; n?: number } }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent, headers: { 'x-tenant-id': tenant } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        data += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  world = await startClientWorld();
  // One after the other: the migrations of every database set the cluster-wide role's password.
  for (const [i, id] of ids.entries()) await world.addTenant(id, tierOf(i));
  db = createTenantDatabases(
    world.options({
      maxConnections: BUDGET,
      acquireTimeoutMillis: 120_000,
      idleTimeoutMillis: 2_000,
      poolIdleMillis: 2_000,
      onEvent: (event) => events.push(event),
    }),
  );
  for (const id of ids) await db.queryFor(id, 'INSERT INTO projects (name) VALUES ($1)', [`${id} project`]);
  const app = express();
  app.use(tenantMiddleware({ databases: db, strategies: [{ type: 'header', name: 'x-tenant-id' }] }));
  app.get('/projects', async (_req: Request, res: Response) => {
    const { rows } = await db.query<{ name: string }>('SELECT name, pg_sleep(0.005) FROM projects');
    res.json({ tenant: getCurrentTenant()?.id, n: rows.length, name: rows[0]?.name });
  });
  // A listen backlog above the default 511, so 1,000 simultaneous connects are all accepted.
  server = createServer(app).listen({ port: 0, host: '127.0.0.1', backlog: 2 * REQUESTS });
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server?.close();
  await db?.close();
  await world?.stop();
});

it('serves 1,000 concurrent requests across 50 tenants within a budget of 40 connections, then evicts idle pools', async () => {
  // Prepare
  const admin: Client = await world.admin();
  const agent = new Agent({ keepAlive: true, maxSockets: REQUESTS });
  let sampling = true;
  const samples: number[] = [];
  const sampler = (async () => {
    while (sampling) samples.push(await appSessions(admin));
  })();
  events.length = 0;

  // Act
  const responses = await Promise.all(
    Array.from({ length: REQUESTS }, (_, i) => {
      const tenant = ids[(i * 7) % TENANTS] as string;
      return get('/projects', tenant, agent).then((response) => ({ tenant, response }));
    }),
  );
  const duringLoad = db.stats();
  sampling = false;
  await sampler;
  agent.destroy();

  // Assess: every request answered by its own tenant's database, never more sessions than the budget.
  const wrong = responses.filter(({ tenant, response }) => response.status !== 200 || response.body.tenant !== tenant);
  expect(wrong).toEqual([]);
  expect(responses.every(({ response }) => response.body.n === 1)).toBe(true);
  expect(samples.length).toBeGreaterThan(10);
  expect(Math.max(...samples)).toBeLessThanOrEqual(BUDGET);
  expect(duringLoad.connections).toBeLessThanOrEqual(BUDGET);
  const budgetEvictions = events.filter((e) => e.type === 'pool-evicted' && e.reason === 'budget');
  expect(budgetEvictions.length).toBeGreaterThan(0);

  // Assess: once traffic stops, idle connections close and idle pools are dropped.
  await waitFor(() => db.stats().pools === 0, 400);
  await waitFor(async () => (await appSessions(admin)) === 0, 400);
  expect(events.filter((e) => e.type === 'pool-evicted' && e.reason === 'idle').length).toBeGreaterThan(0);
  expect(db.stats()).toMatchObject({ connections: 0, waiting: 0, pools: 0 });
  await admin.end();
});
