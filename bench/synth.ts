import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPOSITORY_ROOT } from '../lib/workflow/handler-function';
import { median, ratio } from './stats';

/** The `--app` of the baseline: an empty stack in the same toolchain. */
const BLANK_APP = 'npx tsx bench/blank-app.ts';

/** What one `cdk synth` printed about bundling: NodejsFunction assets built and esbuild's own reported time. */
export interface BundlingReport {
  readonly assets: number;
  readonly esbuildMs: number;
}

interface SynthRun extends BundlingReport {
  /** Wall time of the whole `npx cdk synth`, CLI start-up included. */
  readonly ms: number;
}

export interface SynthBench {
  readonly runs: number;
  readonly platformMs: number;
  readonly blankMs: number;
  /** `platformMs / blankMs`. */
  readonly ratio: number | undefined;
  /** From the platform run whose time is the median (every run bundles the same assets). */
  readonly bundling: BundlingReport;
}

const DURATION = /Done in (\d+(?:\.\d+)?)(ms|s)\b/g;

/**
 * Reads the CLI's bundling lines: one `Bundling asset <path>...` per NodejsFunction, then esbuild's
 * `⚡ Done in 143ms` (seconds past a minute's worth of work: `Done in 1.2s`).
 */
export function parseBundling(output: string): BundlingReport {
  const assets = output.match(/^Bundling asset /gm)?.length ?? 0;
  let esbuildMs = 0;
  for (const [, value, unit] of output.matchAll(DURATION)) esbuildMs += Number(value) * (unit === 's' ? 1000 : 1);
  return { assets, esbuildMs };
}

/**
 * One `npx cdk synth --quiet` into a throwaway output directory, offline: no version check, no instance-metadata
 * probe for credentials, no telemetry. `app` overrides cdk.json's `app`.
 *
 * @throws {Error} with the CLI's last output lines when synth fails
 */
async function synthOnce(app?: string): Promise<SynthRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const args = ['cdk', 'synth', '--quiet', '-o', outDir, ...(app === undefined ? [] : ['--app', app])];
  try {
    const started = performance.now();
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn('npx', args, {
        cwd: REPOSITORY_ROOT,
        env: {
          ...process.env,
          CDK_DISABLE_VERSION_CHECK: '1',
          CDK_DISABLE_CLI_TELEMETRY: 'true',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, output: Buffer.concat(chunks).toString() }));
    });
    const ms = performance.now() - started;
    if (code !== 0) {
      const tail = output.trimEnd().split('\n').slice(-15).join('\n');
      throw new Error(`npx ${args.join(' ')} exited ${code}:\n${tail}`);
    }
    return { ms, ...parseBundling(output) };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** `runs` synths of the platform app and of the blank app, interleaved so machine load hits both, by median. */
export async function benchSynth(runs: number, onProgress?: (label: string) => void): Promise<SynthBench> {
  const platform: SynthRun[] = [];
  const blank: SynthRun[] = [];
  for (let i = 1; i <= runs; i++) {
    onProgress?.(`platform ${i}/${runs}`);
    platform.push(await synthOnce());
    onProgress?.(`blank ${i}/${runs}`);
    blank.push(await synthOnce(BLANK_APP));
  }
  const platformMs = median(platform.map((run) => run.ms));
  const blankMs = median(blank.map((run) => run.ms));
  const middle = [...platform].sort((a, b) => a.ms - b.ms)[Math.floor(runs / 2)] as SynthRun;
  return {
    runs,
    platformMs,
    blankMs,
    ratio: ratio(platformMs, blankMs),
    bundling: { assets: middle.assets, esbuildMs: middle.esbuildMs },
  };
}
