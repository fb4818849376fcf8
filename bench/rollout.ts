/**
 * Schema rollout throughput: a simulated rollout over 10,000 registry tenants at several concurrencies, the
 * per-tenant database work drawn from a sample measured on a real PostgreSQL (the new migration applied to tenant
 * databases at the previous release, with the rollout's drift check, through the production runner).
 *
 * The fleet-scale part is a discrete-event simulation of the workflow, not an execution of it: the harness runs the
 * real workflow (see test/lib/workflow/rollout), but 10,000 real databases do not fit a two-core machine. What the
 * simulation adds to the measured database time is stated in {@link ROLLOUT_OVERHEADS_MS}.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { MASTER_USERNAME } from '../lambdas/shared/naming';
import { DEFAULT_WAVE_STEPS } from '../lambdas/shared/rollout/options';
import { ROLLOUT_DEFAULTS } from '../lambdas/shared/rollout/settings';
import { planWaves } from '../lambdas/shared/rollout/waves';
import type { MigrationLogger } from '../lambdas/shared/schema/runner';
import { runTenantMigrations } from '../lambdas/shared/schema/runner';
import { createRdsLikeDatabase, startPostgres } from '../test/support/postgres';
import { migrationsFolder } from '../test/support/schema-change';
import { seededRandom } from '../test/support/workflow-harness/timing';
import { formatUsd, renderSection, renderTable } from './format';
import { PRICES } from './simulation';
import { median } from './stats';

const MASTER_PASSWORD = 'Bench-Rollout-Passw0rd';
const silent: MigrationLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * What a tenant costs besides its database work, per child execution (ms): starting the child execution and
 * invoking MigrateTenant (warm), the registry read, the master secret read, the registry write (20 ms each, the
 * simulation's API latency), and the TLS handshake to RDS in the same Region.
 */
const ROLLOUT_OVERHEADS_MS = { childStart: 60, awsCalls: 3 * 20, tlsHandshake: 15 } as const;
const PER_TENANT_OVERHEAD_MS = Object.values(ROLLOUT_OVERHEADS_MS).reduce((a, b) => a + b, 0);
/** PlanRollout (10,000 records read, manifests written) and each wave's RecordWave, seconds. */
const PLAN_SECONDS = 5;
const RECORD_WAVE_SECONDS = 2;
/** MigrateTenant's memory (MB), from its step record. */
const MIGRATE_MEMORY_MB = 512;

/**
 * Times the new migration on `tenants` real tenant databases at the previous release (each a database on one
 * embedded PostgreSQL): connect, lock, drift check, the migration in its transaction, the version read.
 */
export async function measureTenantMigrations(tenants: number): Promise<number[]> {
  const server = await startPostgres();
  const before = migrationsFolder(false);
  const after = migrationsFolder(true);
  try {
    const durations: number[] = [];
    for (let i = 0; i < tenants; i++) {
      const database = `bench_rollout_${i}`;
      await createRdsLikeDatabase(server, { database, masterUser: MASTER_USERNAME, masterPassword: MASTER_PASSWORD });
      const target = {
        host: server.host,
        port: server.port,
        database,
        user: MASTER_USERNAME,
        password: MASTER_PASSWORD,
        tls: 'disabled' as const,
      };
      await runTenantMigrations({ target, appPassword: MASTER_PASSWORD, migrationsDir: before.dir, logger: silent });
      const started = performance.now();
      await runTenantMigrations({
        target,
        migrationsDir: after.dir,
        logger: silent,
        driftCheck: { recorded: before.names.at(-1) },
      });
      durations.push(performance.now() - started);
    }
    return durations;
  } finally {
    before.remove();
    after.remove();
    await server.stop();
  }
}

/** One simulated rollout. */
export interface RolloutSimulation {
  tenants: number;
  concurrency: number;
  waves: number;
  minutes: number;
  tenantsPerMinute: number;
  transitions: number;
  costPer1000TenantsUsd: number;
  /** With a migration that fails on every tenant of the first wave after the canary and tolerance 0. */
  halt: { wave: number; touchedAfterThreshold: number; untouched: number };
}

/** A pool of `concurrency` workers through `durations` (ms); returns when each item started and the pool's end. */
function pool(durations: readonly number[], concurrency: number) {
  const free = Array.from({ length: Math.min(concurrency, durations.length) }, () => 0);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const duration of durations) {
    let slot = 0;
    for (let i = 1; i < free.length; i++) if ((free[i] as number) < (free[slot] as number)) slot = i;
    const start = free[slot] as number;
    starts.push(start);
    ends.push(start + duration);
    free[slot] = start + duration;
  }
  return { starts, ends, end: Math.max(0, ...ends) };
}

/**
 * Simulates a rollout of `tenants` with the default waves (a canary of {@link ROLLOUT_DEFAULTS.canarySize}, then 10 %,
 * 50 %, 100 %), each tenant's time drawn from `sample` plus the fixed overheads; and the same rollout halting in
 * its first wave after the canary.
 */
export function simulateRollout(
  sample: readonly number[],
  tenants: number,
  concurrency: number,
  seed = 7,
): RolloutSimulation {
  const random = seededRandom(seed);
  const fleet = Array.from({ length: tenants }, (_, i) => ({
    tenantId: `t${String(i).padStart(6, '0')}`,
    tier: 'pro',
  }));
  const { waves } = planWaves(fleet, {
    canary: { size: ROLLOUT_DEFAULTS.canarySize },
    waves: { by: 'percent', steps: DEFAULT_WAVE_STEPS },
  });
  const draw = () => (sample[Math.floor(random() * sample.length)] as number) + PER_TENANT_OVERHEAD_MS;
  const waveDurations = waves.map((w) => w.tenantIds.map(draw));
  const totalMs =
    PLAN_SECONDS * 1000 +
    waveDurations.reduce((sum, durations) => sum + pool(durations, concurrency).end + RECORD_WAVE_SECONDS * 1000, 0);
  const gbSeconds = (waveDurations.flat().reduce((a, b) => a + b, 0) / 1000) * (MIGRATE_MEMORY_MB / 1024);
  // The parent: Plan, StartWaves, five states a wave (MoreWaves, SelectWave, MigrateWave, RecordWave, NextWave), the
  // last MoreWaves, CompleteRollout and RolloutCompleted; each child: its one Task state.
  const transitions = 2 + 5 * waves.length + 3 + tenants;
  const invocations = tenants + 2 + waves.length;
  const costUsd =
    transitions * PRICES.stepFunctionsPerTransitionUsd +
    gbSeconds * PRICES.lambdaArmPerGbSecondUsd +
    invocations * PRICES.lambdaPerRequestUsd;

  // Halt: every tenant of wave 1 fails (after its database work: the transaction rolls back); tolerance 0, so the
  // threshold is crossed by the first failure to end. Children already running finish; no new one starts.
  const halting = pool(waveDurations[1] ?? [], concurrency);
  const crossedAt = Math.min(...halting.ends);
  const startedBefore = halting.starts.filter((s) => s < crossedAt).length;
  const touchedAfterThreshold = Math.max(0, startedBefore - 1);
  return {
    tenants,
    concurrency,
    waves: waves.length,
    minutes: totalMs / 60_000,
    tenantsPerMinute: tenants / (totalMs / 60_000),
    transitions,
    costPer1000TenantsUsd: (costUsd * 1000) / tenants,
    halt: {
      wave: 1,
      touchedAfterThreshold,
      untouched: tenants - (waves[0]?.tenantIds.length ?? 0) - startedBefore,
    },
  };
}

/** The report section. */
export function rolloutSection(sample: readonly number[], results: readonly RolloutSimulation[]): string {
  return renderSection(
    'Schema rollout over 10,000 tenants (simulated; per-tenant time from a real PostgreSQL sample)',
    renderTable(
      [
        { header: 'concurrency' },
        { header: 'waves' },
        { header: 'minutes' },
        { header: 'tenants/min' },
        { header: 'transitions' },
        { header: 'cost / 1,000 tenants' },
        { header: 'touched after halt' },
      ],
      results.map((r) => [
        String(r.concurrency),
        String(r.waves),
        r.minutes.toFixed(1),
        Math.round(r.tenantsPerMinute).toLocaleString('en-US'),
        r.transitions.toLocaleString('en-US'),
        formatUsd(r.costPer1000TenantsUsd),
        String(r.halt.touchedAfterThreshold),
      ]),
    ),
    [
      `Per-tenant database work: median ${median(sample).toFixed(0)} ms over ${sample.length} real tenant databases (new migration, drift check, one transaction),`,
      `plus ${PER_TENANT_OVERHEAD_MS} ms modelled per tenant (child start ${ROLLOUT_OVERHEADS_MS.childStart}, three AWS calls ${ROLLOUT_OVERHEADS_MS.awsCalls}, TLS ${ROLLOUT_OVERHEADS_MS.tlsHandshake}).`,
      `Waves: a canary of ${ROLLOUT_DEFAULTS.canarySize}, then ${DEFAULT_WAVE_STEPS.join(' %, ')} % of the rest; ${PLAN_SECONDS} s to plan, ${RECORD_WAVE_SECONDS} s to record each wave.`,
      'Cost: Step Functions Standard transitions (parent + one per child), MigrateTenant at 512 MB arm64, requests; us-east-1 list prices.',
      'Touched after halt: tenants of the halting wave still running when the first failure crossed a tolerance of 0;',
      'they finish (each in its own transaction), no new one starts, and no later wave starts.',
    ],
  );
}
