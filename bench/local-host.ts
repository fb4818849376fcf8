import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalInstanceHost } from '../lib/local/host';
import { readPostmasterPid } from '../lib/postgres/cluster';
import { formatKiB, formatMs, renderSection, renderTable } from './format';
import { median } from './stats';

/** Instances created (and snapshots taken and restored) for the medians. */
const RUNS = 5;
/** How long an instance idles before its memory is read: start-up work (autovacuum's first pass) settles. */
const IDLE_MS = 3_000;

export interface LocalHostBench {
  readonly runs: number;
  /** The first creation in a fresh state directory: it initialises the template cluster too. */
  readonly firstCreateMs: number;
  /** Median creation (copy of the template, bootstrap, start) once the template exists. */
  readonly createMs: number;
  /** Median snapshot of an available instance (clean stop, copy, start). */
  readonly snapshotMs: number;
  /** Median restore of a snapshot to a new instance. */
  readonly restoreMs: number;
  /** Processes of one idle server (postmaster and its background processes). */
  readonly idleProcesses: number;
  /** Sum of their resident set sizes (counts shared memory once per process: an upper bound). */
  readonly idleRssBytes: number;
  /** Sum of their proportional set sizes (shared pages divided among the processes sharing them). */
  readonly idlePssBytes: number;
  /** Disk taken by one fresh instance (data folder and log). */
  readonly instanceBytes: number;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** The postmaster and every process whose parent it is, from /proc (Linux). */
export function serverProcesses(postmasterPid: number): number[] {
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent's id; the command (field 2) is in parentheses and may hold spaces.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmasterPid;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmasterPid, ...children];
}

/** A `Name:   123 kB` field of a /proc file, in bytes (0 when the process has gone). */
export function procKiB(file: string, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
    return Number(match?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/**
 * The local instance host on this machine: creating an instance (the first one also initialises the template),
 * snapshotting an available one, restoring a snapshot, and what one idle server costs in memory and disk.
 */
export async function benchLocalHost(onProgress: (label: string) => void): Promise<LocalHostBench> {
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-local-host-'));
  // As root the servers run as `postgres`, which must traverse the state directory.
  chmodSync(stateDir, 0o755);
  const host = new LocalInstanceHost({ stateDir });
  const input = { masterUsername: 'tenant_admin', masterPassword: 'bench-master-password', dbName: 'app' };
  try {
    onProgress('local host: first instance (with the template)');
    const firstCreateMs = await timed(() => host.create('bench-0', input));
    const creates: number[] = [];
    const snapshots: number[] = [];
    const restores: number[] = [];
    for (let run = 1; run <= RUNS; run += 1) {
      onProgress(`local host: create, snapshot, restore ${run}/${RUNS}`);
      creates.push(await timed(() => host.create(`bench-${run}`, input)));
      snapshots.push(await timed(() => host.snapshot(`bench-${run}`, `bench-${run}-snapshot`)));
      restores.push(await timed(() => host.restore(`bench-${run}-snapshot`, `bench-${run}-restored`)));
      // Only the first instance stays up: the memory figure is of one server, not of a crowded machine.
      await host.delete(`bench-${run}`);
      await host.delete(`bench-${run}-restored`);
    }
    onProgress('local host: idle server memory');
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idle = host.describe('bench-0');
    const pid = readPostmasterPid(idle.dataDir)?.pid;
    if (pid === undefined) throw new Error('bench-0 has no running server');
    const processes = serverProcesses(pid);
    return {
      runs: RUNS,
      firstCreateMs,
      createMs: median(creates),
      snapshotMs: median(snapshots),
      restoreMs: median(restores),
      idleProcesses: processes.length,
      idleRssBytes: processes.reduce((sum, p) => sum + procKiB(`/proc/${p}/status`, 'VmRSS'), 0),
      idlePssBytes: processes.reduce((sum, p) => sum + procKiB(`/proc/${p}/smaps_rollup`, 'Pss'), 0),
      instanceBytes: idle.sizeBytes,
    };
  } finally {
    await host.stopAll();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

export function localHostSection(bench: LocalHostBench): string {
  return renderSection(
    'Local instance host (real PostgreSQL per instance)',
    renderTable(
      [{ header: 'figure', align: 'left' }, { header: 'value' }],
      [
        ['first create ms (initdb of the template)', formatMs(bench.firstCreateMs)],
        ['create ms', formatMs(bench.createMs)],
        ['snapshot ms (available instance)', formatMs(bench.snapshotMs)],
        ['restore ms', formatMs(bench.restoreMs)],
        ['idle server processes', String(bench.idleProcesses)],
        ['idle server RSS KiB (sum)', formatKiB(bench.idleRssBytes)],
        ['idle server PSS KiB (sum)', formatKiB(bench.idlePssBytes)],
        ['disk per fresh instance KiB', formatKiB(bench.instanceBytes)],
      ],
    ),
    [
      `Medians of ${bench.runs} runs. create: copy of the initialised template, bootstrap in single-user mode, start`,
      'until postmaster.pid says ready. snapshot: clean stop, copy of the data folder, start on the same port.',
      'RSS counts shared memory in every process; PSS divides it among them (closer to what a server costs).',
    ],
  );
}
