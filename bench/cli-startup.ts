import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPOSITORY_ROOT } from '../lib/workflow/handler-function';
import { median, ratio } from './stats';

/** One tenantctl invocation measured against a bare Node start. */
interface CliStartup {
  readonly label: string;
  readonly args: readonly string[];
  /** Median wall time of the invocation. */
  readonly ms: number;
  /** `ms` over the median of `node -e ""`. */
  readonly ratio: number | undefined;
}

export interface CliStartupBench {
  readonly runs: number;
  readonly bareMs: number;
  readonly commands: readonly CliStartup[];
}

/** What is measured: the commands that must start fast, offline and without credentials. */
const CLI_COMMANDS: readonly { label: string; args: readonly string[] }[] = [
  { label: 'tenantctl --help', args: ['--help'] },
  { label: 'tenantctl plan acme-corp --tier pro', args: ['plan', 'acme-corp', '--tier', 'pro'] },
];

function wallMs(args: readonly string[], cwd: string): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, [...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr.toString()}`);
  return ms;
}

/**
 * Builds tenantctl as `npm run build` does (into a temporary folder) and times `node <bundle> <args>` against
 * `node -e ""`, `runs` fresh processes each, alternating, in an empty folder (no cdk.json: the built-in catalog).
 */
export function benchCliStartup(runs: number): CliStartupBench {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tenantctl-'));
  try {
    const out = join(dir, 'tenantctl');
    const build = spawnSync(
      process.execPath,
      [join(REPOSITORY_ROOT, 'lib', 'cli', 'package', 'build.mjs'), '--outdir', out],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    if (build.status !== 0) throw new Error(`build of tenantctl failed: ${build.stderr.toString()}`);
    const entry = join(out, 'tenantctl.mjs');
    const bare: number[] = [];
    const samples = CLI_COMMANDS.map(() => [] as number[]);
    for (let i = 0; i < runs; i++) {
      bare.push(wallMs(['-e', ''], dir));
      CLI_COMMANDS.forEach((command, c) => {
        samples[c]?.push(wallMs([entry, ...command.args], dir));
      });
    }
    const bareMs = median(bare);
    return {
      runs,
      bareMs,
      commands: CLI_COMMANDS.map((command, c) => {
        const ms = median(samples[c] ?? []);
        return { label: command.label, args: command.args, ms, ratio: ratio(ms, bareMs) };
      }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
