import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, platform, release, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPOSITORY_ROOT } from '../lib/workflow/handler-function';
import { benchBundles } from './bundles';
import { benchCliStartup } from './cli-startup';
import { benchClient, clientSection } from './client';
import { type MachineInfo, renderHeader } from './format';
import { benchLoad } from './load';
import { benchLocalHost, localHostSection } from './local-host';
import { benchLocalPlatform, localPlatformSection } from './local-platform';
import { benchInitMigrations } from './migrations';
import { benchProvisioning } from './provisioning';
import { measureTenantMigrations, rolloutSection, simulateRollout } from './rollout';
import {
  bundlesSection,
  cliStartupSection,
  loadSection,
  type MigrationBench,
  migrationsSection,
  provisioningSection,
  synthSection,
} from './sections';
import { median } from './stats';
import { benchSynth } from './synth';

/** Fresh Node processes per side and handler: enough for a stable median, few enough for a run of minutes. */
const COLD_START_RUNS = 7;
const SYNTH_RUNS = 3;
const MIGRATION_RUNS = 3;
/** Real tenant databases timed for the rollout's per-tenant sample, and the simulated fleet. */
const ROLLOUT_SAMPLE_TENANTS = 20;
const ROLLOUT_FLEET = 10_000;
const ROLLOUT_CONCURRENCIES = [10, 50, 200];
const RESULTS_FILE = join(REPOSITORY_ROOT, 'bench', 'results', 'latest.json');

/** One measurement group: what it measured (for the JSON file) and its section of the printed report. */
interface Group {
  readonly name: string;
  readonly run: () => Promise<{ result: unknown; section: string }>;
}

const progress = (message: string) => process.stderr.write(`… ${message}\n`);

function machine(): MachineInfo {
  return {
    os: `${platform()} ${release()} ${arch()}`,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    node: process.version,
  };
}

const groups: Group[] = [
  {
    name: 'cliStartup',
    run: async () => {
      progress('tenantctl start-up');
      const startup = benchCliStartup(COLD_START_RUNS * 2);
      return { result: startup, section: cliStartupSection(startup) };
    },
  },
  {
    name: 'bundles',
    run: async () => {
      const outDir = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
      try {
        const bundles = await benchBundles({
          outDir,
          runs: COLD_START_RUNS,
          onProgress: (f) => progress(`bundle ${f}`),
        });
        return {
          result: { runs: COLD_START_RUNS, handlers: bundles },
          section: bundlesSection(bundles, COLD_START_RUNS),
        };
      } finally {
        rmSync(outDir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'provisioning',
    run: async () => {
      const comparisons = await benchProvisioning((label) => progress(`simulate ${label}`));
      return { result: comparisons, section: provisioningSection(comparisons) };
    },
  },
  {
    name: 'load',
    run: async () => {
      const results = await benchLoad(progress);
      // Per tenant outcomes stay in the JSON file; the report shows the totals.
      return { result: results, section: loadSection(results) };
    },
  },
  {
    name: 'synth',
    run: async () => {
      const synth = await benchSynth(SYNTH_RUNS, (label) => progress(`cdk synth ${label}`));
      return { result: synth, section: synthSection(synth) };
    },
  },
  {
    name: 'migrations',
    run: async () => {
      const runs: Awaited<ReturnType<typeof benchInitMigrations>>[] = [];
      for (let i = 1; i <= MIGRATION_RUNS; i++) {
        progress(`migrations ${i}/${MIGRATION_RUNS}`);
        runs.push(await benchInitMigrations());
      }
      const migrations: MigrationBench = {
        runs: MIGRATION_RUNS,
        migrations: runs[0]?.migrations ?? 0,
        applyMs: median(runs.map((r) => r.applyMs)),
        noopMs: median(runs.map((r) => r.noopMs)),
      };
      return { result: migrations, section: migrationsSection(migrations) };
    },
  },
  {
    name: 'rollout',
    run: async () => {
      progress(`rollout: timing the new migration on ${ROLLOUT_SAMPLE_TENANTS} tenant databases`);
      const sample = await measureTenantMigrations(ROLLOUT_SAMPLE_TENANTS);
      const simulations = ROLLOUT_CONCURRENCIES.map((c) => simulateRollout(sample, ROLLOUT_FLEET, c));
      return { result: { sampleMs: sample, simulations }, section: rolloutSection(sample, simulations) };
    },
  },
  {
    name: 'client',
    run: async () => {
      const client = await benchClient(progress);
      return { result: client, section: clientSection(client) };
    },
  },
  {
    name: 'localHost',
    run: async () => {
      const bench = await benchLocalHost(progress);
      return { result: bench, section: localHostSection(bench) };
    },
  },
  {
    name: 'localPlatform',
    run: async () => {
      const bench = await benchLocalPlatform(progress);
      return { result: bench, section: localPlatformSection(bench) };
    },
  },
];

/**
 * `npm run bench`: every measurement group in turn (or those named on the command line), each section printed as soon
 * as it is measured, then all figures in bench/results/latest.json. A group that crashes is reported and the others still run; the exit code is 1 only
 * then, never because of a figure.
 */
async function main(): Promise<void> {
  const date = new Date();
  const info = machine();
  // `npm run bench -- load synth` measures only the groups named.
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !groups.some((g) => g.name === name));
  if (unknown.length > 0)
    throw new Error(`no benchmark group ${unknown.join(', ')} (${groups.map((g) => g.name).join(', ')})`);
  console.log(`${renderHeader(date, info)}\n`);
  const results: Record<string, unknown> = {};
  for (const group of groups.filter((g) => only.length === 0 || only.includes(g.name))) {
    try {
      const { result, section } = await group.run();
      results[group.name] = result;
      console.log(`${section}\n`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results[group.name] = { error: message };
      console.log(`${group.name}: failed\n${message}\n`);
      process.exitCode = 1;
    }
  }
  mkdirSync(join(RESULTS_FILE, '..'), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ date: date.toISOString(), machine: info, ...results }, null, 2)}\n`);
  console.log(`Wrote ${relative(process.cwd(), RESULTS_FILE)}`);
}

void main();
