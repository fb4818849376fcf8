/**
 * `tenantctl local up` / `npm start`: makes sure the app is synthesized, then starts the local platform's daemon in
 * the background and waits until it answers. The daemon runs from the repository checkout (it loads the synthesized
 * `cdk.out` and the TypeScript sources with tsx), so the launcher finds the checkout first.
 *
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processExists } from '../postgres/cluster';
import type { LocalStatus } from './daemon/status';
import { daemonStatus, LocalPlatformNotRunningError } from './remote/client';
import { readEndpoint } from './state-dir';

/** What `local up` reports once the platform runs. */
export interface UpResult {
  readonly stateDir: string;
  readonly port: number;
  readonly pid: number;
  /** Whether this call started the daemon (false: it was running already). */
  readonly started: boolean;
  /** The daemon's log file. */
  readonly logFile: string;
}

export interface UpOptions {
  readonly stateDir: string;
  /** Progress, line by line. */
  readonly out: (line: string) => void;
  /** Where to look for the repository checkout. @default process.cwd() */
  readonly cwd?: string;
  /** How long the daemon may take to answer. @default 120_000 */
  readonly startTimeoutMs?: number;
}

/** The local platform cannot start: the message says why and what to do. */
export class LocalPlatformStartError extends Error {
  override readonly name = 'LocalPlatformStartError';
}

const PACKAGE_NAME = 'tenant-db-platform';
/** aws-local-stepfunctions, which runs the state machines, needs Node.js 22 or later. */
const MIN_NODE_MAJOR = 22;
/** What the synthesized app is made from: a change to any of them makes `cdk.out` stale. */
const SOURCES = ['bin', 'lib', 'lambdas', 'cdk.json', 'package-lock.json'];
const POLL_MS = 200;
const LOG_TAIL_LINES = 20;

/** The checkout `cwd` is in: the nearest folder up whose package.json is this project's. */
export function findCheckout(cwd: string): string | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // Not ours: keep looking up.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The newest modification time under `path` (a file, or a folder walked without node_modules), in ms. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Whether `cdk.out` is missing or older than a source it is made from. */
export function synthesisNeeded(checkout: string): boolean {
  const manifest = join(checkout, 'cdk.out', 'manifest.json');
  if (!existsSync(manifest)) return true;
  const synthesizedAt = statSync(manifest).mtimeMs;
  return SOURCES.some((source) => newestMtime(join(checkout, source)) > synthesizedAt);
}

/** The daemon's status, or undefined when no daemon of `stateDir` answers. */
async function runningStatus(stateDir: string): Promise<LocalStatus | undefined> {
  const endpoint = readEndpoint(stateDir);
  if (!endpoint || !processExists(endpoint.pid)) return undefined;
  try {
    return await daemonStatus(stateDir);
  } catch (error) {
    if (error instanceof LocalPlatformNotRunningError) return undefined;
    throw error;
  }
}

function logTail(logFile: string): string {
  if (!existsSync(logFile)) return '(no log)';
  return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
}

function synthesize(checkout: string, out: (line: string) => void): void {
  out('Synthesizing the app (cdk synth; a minute the first time, skipped while nothing changed)');
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet'], { cwd: checkout, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) {
    throw new LocalPlatformStartError(
      `cdk synth failed (exit ${String(result.status)}); run \`npm run synth\` to see why:\n${String(result.stderr).trim()}`,
    );
  }
}

/**
 * Starts the daemon unless one already answers for `stateDir`, and resolves once it does.
 *
 * @example
 * ```ts
 * const up = await upLocalPlatform({ stateDir: defaultStateDir(), out: console.log });
 * console.log(up.started ? `started, pid ${up.pid}` : 'already running');
 * ```
 */
export async function upLocalPlatform(options: UpOptions): Promise<UpResult> {
  const { stateDir, out } = options;
  const logFile = join(stateDir, 'logs', 'daemon.log');
  const running = await runningStatus(stateDir);
  if (running) return { stateDir, port: running.port, pid: running.pid, started: false, logFile };

  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    throw new LocalPlatformStartError(
      `the local platform needs Node.js ${MIN_NODE_MAJOR} or later (this is ${process.version}); tenantctl against AWS works on Node.js 20`,
    );
  }
  const checkout = findCheckout(options.cwd ?? process.cwd());
  if (!checkout) {
    throw new LocalPlatformStartError(
      `the local platform runs from a checkout of the ${PACKAGE_NAME} repository: run \`npm start\` there`,
    );
  }
  if (synthesisNeeded(checkout)) synthesize(checkout, out);

  mkdirSync(dirname(logFile), { recursive: true, mode: 0o700 });
  const logFd = openSync(logFile, 'a', 0o600);
  out(`Starting the local platform (state in ${stateDir})`);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join('lib', 'local', 'daemon', 'main.ts'), '--state-dir', stateDir, '--cdk-out', 'cdk.out'],
    { cwd: checkout, detached: true, stdio: ['ignore', logFd, logFd], env: process.env },
  );
  closeSync(logFd);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  child.unref();

  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      throw new LocalPlatformStartError(
        `the local platform stopped while starting (exit ${String(exited)}); last lines of ${logFile}:\n${logTail(logFile)}`,
      );
    }
    const status = await runningStatus(stateDir);
    if (status && status.pid === child.pid)
      return { stateDir, port: status.port, pid: status.pid, started: true, logFile };
    await sleep(POLL_MS);
  }
  child.kill('SIGTERM');
  throw new LocalPlatformStartError(`the local platform did not answer within the start timeout; see ${logFile}`);
}
