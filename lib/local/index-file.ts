/**
 * The host's index of instances and snapshots: one JSON file under the state directory, replaced atomically (written
 * beside it, flushed, renamed over it), so a crash leaves either the old or the new index, never half of one. Every
 * change reads the file, applies itself and writes it back synchronously, so changes made by two host objects in one
 * process never overwrite each other. Passwords are never part of it.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { InstanceStatus } from './rules';

export interface InstanceRecord {
  instanceId: string;
  status: InstanceStatus;
  /** The port it listens on when available, and asks for again at its next start. */
  port: number;
  masterUsername: string;
  dbName: string;
  /** ISO 8601. */
  createdAt: string;
  /** The snapshot it was restored from. */
  restoredFrom?: string;
}

export interface SnapshotRecord {
  snapshotId: string;
  /** `creating` while the copy is made: a restarted host drops such a snapshot. */
  status: 'creating' | 'available';
  instanceId: string;
  masterUsername: string;
  dbName: string;
  /** ISO 8601. */
  createdAt: string;
}

export interface HostIndex {
  instances: Map<string, InstanceRecord>;
  snapshots: Map<string, SnapshotRecord>;
}

const FORMAT_VERSION = 1;

/** The index in `file`; an empty one when the file does not exist yet. */
export function readIndex(file: string): HostIndex {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { instances: new Map(), snapshots: new Map() };
    throw error;
  }
  const parsed = JSON.parse(text) as {
    version?: unknown;
    instances?: InstanceRecord[];
    snapshots?: SnapshotRecord[];
  };
  if (parsed.version !== FORMAT_VERSION || !Array.isArray(parsed.instances) || !Array.isArray(parsed.snapshots)) {
    throw new Error(`${file} is not a local instance index (format version ${FORMAT_VERSION}).`);
  }
  return {
    instances: new Map(parsed.instances.map((r) => [r.instanceId, r])),
    snapshots: new Map(parsed.snapshots.map((r) => [r.snapshotId, r])),
  };
}

/** Replaces `file` with `index`: written to a temporary file beside it, flushed to disk, then renamed over it. */
export function writeIndex(file: string, index: HostIndex): void {
  const text = `${JSON.stringify(
    { version: FORMAT_VERSION, instances: [...index.instances.values()], snapshots: [...index.snapshots.values()] },
    null,
    2,
  )}\n`;
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** Reads the index, lets `change` modify it and writes it back; returns what `change` returned. */
export function updateIndex<T>(file: string, change: (index: HostIndex) => T): T {
  const index = readIndex(file);
  const result = change(index);
  writeIndex(file, index);
  return result;
}
