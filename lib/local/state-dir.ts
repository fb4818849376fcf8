/**
 * The local platform's state directory: where the daemon keeps its data, and `endpoint.json`, which tells tenantctl
 * and the client library where the running daemon listens and which token it expects.
 *
 * @module
 */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { stateLayout } from './rules';

export const STATE_DIR_ENV = 'TENANT_DB_LOCAL_DIR';

/** Where root keeps the state: a folder the postgres user can traverse (the data folders are its own). */
const ROOT_STATE_DIR = '/var/lib/tenant-db/local';
const ENDPOINT_FILE = 'endpoint.json';

/**
 * $TENANT_DB_LOCAL_DIR, else as root /var/lib/tenant-db/local (postgres must traverse it), else
 * ${XDG_STATE_HOME:-~/.local/state}/tenant-db/local.
 */
export function defaultStateDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const given = env[STATE_DIR_ENV];
  if (given) return given;
  if (process.getuid?.() === 0) return ROOT_STATE_DIR;
  const stateHome = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(stateHome, 'tenant-db', 'local');
}

/** Where a running daemon answers. The token is a secret: the file is readable by its owner only. */
export interface DaemonEndpoint {
  pid: number;
  port: number;
  token: string;
  startedAt: string;
  stateDir: string;
  /** Region the daemon answers clients that name none. @default the daemon's AWS double Region */
  region?: string;
}

/** The endpoint file of `stateDir`. */
export const endpointFile = (stateDir: string): string => join(stateDir, ENDPOINT_FILE);

function isEndpoint(value: unknown): value is DaemonEndpoint {
  const v = value as Partial<DaemonEndpoint> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isInteger(v.pid) &&
    Number.isInteger(v.port) &&
    typeof v.token === 'string' &&
    v.token !== '' &&
    typeof v.startedAt === 'string' &&
    typeof v.stateDir === 'string' &&
    (v.region === undefined || typeof v.region === 'string')
  );
}

/** The endpoint of the daemon of `stateDir`; undefined when no daemon wrote one (not running, or never started). */
export function readEndpoint(stateDir: string): DaemonEndpoint | undefined {
  let text: string;
  try {
    text = readFileSync(endpointFile(stateDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isEndpoint(parsed)) {
    throw new Error(`${endpointFile(stateDir)} is not a local platform endpoint file: remove it and start again`);
  }
  return parsed;
}

/** Writes the endpoint file atomically (a reader never sees half of it), readable by its owner only. */
export function writeEndpoint(stateDir: string, endpoint: DaemonEndpoint): void {
  const file = endpointFile(stateDir);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(endpoint, null, 2)}\n`, { mode: 0o600 });
  // The mode of writeFileSync is filtered by the umask; the token must never be readable by others.
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

export function removeEndpoint(stateDir: string): void {
  if (existsSync(endpointFile(stateDir))) rmSync(endpointFile(stateDir), { force: true });
}

/** The local CA's certificate, which signed every local tenant database's server certificate. */
export const localCaFile = (stateDir: string): string => join(stateLayout(stateDir).caDir, 'ca.pem');
