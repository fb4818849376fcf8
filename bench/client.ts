import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Pool } from 'pg';
import { APP_USERNAME } from '../lambdas/shared/naming';
import { createTenantDatabases, runWithTenant } from '../lib/client';
import { APP_PASSWORD, startClientWorld } from '../test/support/client';
import { formatKiB, formatRatio, renderSection, renderTable } from './format';
import { median } from './stats';

/** Queries per timed block, blocks per side (the sides alternate block by block), tenants whose pools are weighed. */
const QUERIES = 100;
const ROUNDS = 40;
const IDLE_TENANTS = 20;

export interface ClientBench {
  readonly queries: number;
  readonly rounds: number;
  /** Median over blocks of µs per `SELECT 1` through a raw pg.Pool on the tenant's database. */
  readonly rawMicros: number;
  /** The same through `db.queryFor(tenantId, ...)` on a warm cache. */
  readonly explicitMicros: number;
  /** The same through `runWithTenant` + `db.query(...)`, as a request behind the middleware does. */
  readonly contextMicros: number;
  readonly explicitRatio: number;
  readonly contextRatio: number;
  readonly idleTenants: number;
  /** Heap bytes per tenant pool holding one idle TLS connection. */
  readonly heapPerPoolWithConnection: number;
  /** Heap bytes per tenant pool whose connections have idled out (what thousands of quiet tenants cost). */
  readonly heapPerEmptyPool: number;
}

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function microsPerQuery(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < QUERIES; i += 1) await run();
  return ((performance.now() - started) * 1000) / QUERIES;
}

/**
 * The client's cost on top of pg: per-query overhead on a warm cache against a raw pg.Pool on the same database
 * (both over TLS, one connection each, sequential queries), and the memory an idle tenant pool holds.
 */
export async function benchClient(onProgress: (label: string) => void): Promise<ClientBench> {
  onProgress('client: tenant databases');
  const world = await startClientWorld();
  try {
    const ids = Array.from({ length: IDLE_TENANTS }, (_, i) => `bench-${String(i).padStart(2, '0')}`);
    for (const id of ids) await world.addTenant(id, 'starter');
    const first = world.tenants.get(ids[0] as string);
    if (!first) throw new Error('no tenant');
    const ca = readFileSync(world.server.caFile as string, 'utf8');
    const raw = new Pool({
      host: world.server.host,
      port: world.server.port,
      database: first.database,
      user: APP_USERNAME,
      password: APP_PASSWORD,
      ssl: { ca, rejectUnauthorized: true },
      max: 1,
    });
    const db = createTenantDatabases(world.options({ poolSizeByTier: { starter: 1 }, idleTimeoutMillis: 600_000 }));
    const tenant = first.id;
    await raw.query('SELECT 1');
    await db.queryFor(tenant, 'SELECT 1');
    const rawRounds: number[] = [];
    const explicitRounds: number[] = [];
    const contextRounds: number[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      if (round % 10 === 0) onProgress(`client: query overhead ${round}/${ROUNDS}`);
      rawRounds.push(await microsPerQuery(() => raw.query('SELECT 1')));
      explicitRounds.push(await microsPerQuery(() => db.queryFor(tenant, 'SELECT 1')));
      contextRounds.push(await microsPerQuery(() => runWithTenant(tenant, () => db.query('SELECT 1'))));
    }
    await raw.end();
    await db.close();

    onProgress('client: idle pool memory');
    const weighed = createTenantDatabases(world.options({ idleTimeoutMillis: 1_000, poolIdleMillis: 600_000 }));
    collectGarbage();
    const before = process.memoryUsage();
    for (const id of ids) await weighed.queryFor(id, 'SELECT 1');
    collectGarbage();
    const withConnections = process.memoryUsage();
    while (weighed.stats().connections > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    collectGarbage();
    const empty = process.memoryUsage();
    await weighed.close();

    const rawMicros = median(rawRounds);
    const explicitMicros = median(explicitRounds);
    const contextMicros = median(contextRounds);
    return {
      queries: QUERIES,
      rounds: ROUNDS,
      rawMicros,
      explicitMicros,
      contextMicros,
      explicitRatio: explicitMicros / rawMicros,
      contextRatio: contextMicros / rawMicros,
      idleTenants: IDLE_TENANTS,
      heapPerPoolWithConnection: (withConnections.heapUsed - before.heapUsed) / IDLE_TENANTS,
      heapPerEmptyPool: (empty.heapUsed - before.heapUsed) / IDLE_TENANTS,
    };
  } finally {
    await world.stop();
  }
}

/** The client's section of the report. */
export function clientSection(bench: ClientBench): string {
  const us = (value: number) => value.toFixed(0);
  return renderSection(
    'Tenant database client',
    [
      renderTable(
        [{ header: 'SELECT 1 through', align: 'left' }, { header: 'µs/query' }, { header: 'ratio' }],
        [
          ['raw pg.Pool', us(bench.rawMicros), formatRatio(1)],
          ['db.queryFor(tenant, …)', us(bench.explicitMicros), formatRatio(bench.explicitRatio)],
          ['runWithTenant + db.query(…)', us(bench.contextMicros), formatRatio(bench.contextRatio)],
        ],
      ),
      '',
      renderTable(
        [{ header: 'idle tenant pool', align: 'left' }, { header: 'heap KiB' }],
        [
          ['with one idle TLS connection', formatKiB(bench.heapPerPoolWithConnection)],
          ['after its connection idled out', formatKiB(bench.heapPerEmptyPool)],
        ],
      ),
    ].join('\n'),
    [
      `Sequential queries on one TLS connection to a local PostgreSQL; median of ${bench.rounds} blocks of ${bench.queries}`,
      "queries per side, the sides alternating block by block; the client's caches are warm. ratio: to the raw pool.",
      `Memory: V8 heap after GC, per tenant, over ${bench.idleTenants} tenants; client-side only (TLS buffers outside`,
      'the heap and the server’s backend process per connection come on top).',
    ],
  );
}
