import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalInstanceHost } from '../lib/local/host';
import { synthesisNeeded } from '../lib/local/launcher';
import { readEndpoint } from '../lib/local/state-dir';
import { readPostmasterPid } from '../lib/postgres/cluster';
import { REPOSITORY_ROOT } from '../lib/workflow/handler-function';
import { formatKiB, formatMs, formatRatio, renderSection, renderTable } from './format';
import { procKiB, serverProcesses } from './local-host';
import { median } from './stats';

/** Starter tenants onboarded one after another for the median. */
const ONBOARDINGS = 3;
/** The target for a local starter onboarding on a 2-core machine. */
const ONBOARDING_TARGET_MS = 10_000;

export interface LocalPlatformBench {
  /** `npm start` in a fresh state directory until it returned with the demo tenant ACTIVE (cdk.out up to date). */
  readonly startToDemoMs: number;
  /** Whether that start had to synthesize the app first. */
  readonly synthesized: boolean;
  readonly onboardings: number;
  /** Median `tenantctl onboard --wait --local` of a starter tenant, the CLI's own start included. */
  readonly onboardingMs: number;
  /** Median time from StartExecution to the execution's end, as Step Functions records it. */
  readonly workflowMs: number;
  /** Median proportional set size of one tenant's server (postmaster and its processes), idle. */
  readonly serverPssBytes: number;
  /** Resident set of the daemon with every tenant above onboarded. */
  readonly daemonRssBytes: number;
  readonly tenants: number;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function tenantctl(stateDir: string, args: readonly string[]): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPOSITORY_ROOT, 'bin', 'tenantctl.mjs'), ...args],
      { cwd: REPOSITORY_ROOT, env: { ...process.env, TENANT_DB_LOCAL_DIR: stateDir, NO_COLOR: '1' } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          stdout,
          stderr,
          ms: performance.now() - started,
        }),
    );
  });
}

async function succeeded(run: Promise<Run>, what: string): Promise<Run> {
  const done = await run;
  if (done.code !== 0) throw new Error(`${what} failed (${String(done.code)}): ${done.stderr || done.stdout}`);
  return done;
}

/**
 * The local platform as `npm start` runs it, in a state directory of its own: the start with the demo tenant, then
 * starter onboardings through tenantctl, and what each tenant's server and the daemon take in memory.
 */
export async function benchLocalPlatform(onProgress: (label: string) => void): Promise<LocalPlatformBench> {
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-local-platform-'));
  // As root the servers run as `postgres`, which must traverse the state directory.
  chmodSync(stateDir, 0o755);
  try {
    onProgress('local platform: npm start (daemon and demo tenant)');
    const synthesized = synthesisNeeded(REPOSITORY_ROOT);
    const start = await succeeded(tenantctl(stateDir, ['local', 'up']), 'tenantctl local up');
    const onboardings: number[] = [];
    const workflows: number[] = [];
    for (let n = 1; n <= ONBOARDINGS; n += 1) {
      onProgress(`local platform: starter onboarding ${n}/${ONBOARDINGS}`);
      const tenantId = `bench-${n}`;
      const onboard = await succeeded(
        tenantctl(stateDir, ['onboard', tenantId, '--tier', 'starter', '--wait', '--local']),
        `onboarding ${tenantId}`,
      );
      onboardings.push(onboard.ms);
      const status = await succeeded(tenantctl(stateDir, ['status', tenantId, '--local', '--json']), 'status');
      const record = JSON.parse(status.stdout) as { createdAt?: string; updatedAt?: string };
      if (record.createdAt && record.updatedAt)
        workflows.push(Date.parse(record.updatedAt) - Date.parse(record.createdAt));
    }
    onProgress('local platform: memory');
    const host = new LocalInstanceHost({ stateDir });
    const servers = host
      .list()
      .map((instance) => readPostmasterPid(instance.dataDir)?.pid)
      .filter((pid): pid is number => pid !== undefined)
      .map((pid) => serverProcesses(pid).reduce((sum, p) => sum + procKiB(`/proc/${p}/smaps_rollup`, 'Pss'), 0));
    const daemonPid = readEndpoint(stateDir)?.pid;
    return {
      startToDemoMs: start.ms,
      synthesized,
      onboardings: ONBOARDINGS,
      onboardingMs: median(onboardings),
      workflowMs: workflows.length ? median(workflows) : Number.NaN,
      serverPssBytes: median(servers),
      daemonRssBytes: daemonPid === undefined ? Number.NaN : procKiB(`/proc/${daemonPid}/status`, 'VmRSS'),
      tenants: servers.length,
    };
  } finally {
    await tenantctl(stateDir, ['local', 'down']);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

export function localPlatformSection(bench: LocalPlatformBench): string {
  return renderSection(
    'Local platform (npm start, real workflows, real PostgreSQL per tenant)',
    renderTable(
      [{ header: 'figure', align: 'left' }, { header: 'value' }, { header: 'vs 10 s target' }],
      [
        [
          `npm start → demo tenant ACTIVE ms${bench.synthesized ? ' (synth included)' : ''}`,
          formatMs(bench.startToDemoMs),
          '',
        ],
        [
          'starter onboarding ms (tenantctl onboard --wait)',
          formatMs(bench.onboardingMs),
          formatRatio(bench.onboardingMs / ONBOARDING_TARGET_MS),
        ],
        [
          'starter onboarding workflow ms (registry created → ACTIVE)',
          formatMs(bench.workflowMs),
          formatRatio(bench.workflowMs / ONBOARDING_TARGET_MS),
        ],
        ['server PSS per tenant KiB (median)', formatKiB(bench.serverPssBytes), ''],
        [`daemon RSS KiB (${bench.tenants} tenants)`, formatKiB(bench.daemonRssBytes), ''],
      ],
    ),
    [
      `Medians of ${bench.onboardings} starter onboardings, one after another, in a fresh state directory. The local RDS`,
      'timings are the defaults of TENANT_DB_LOCAL_RDS_SECONDS (creation 2 s); the rest is the real workflow: its',
      'handlers, the migrations on a real server, the registry and secret writes. A ratio under 1 meets the target.',
    ],
  );
}
