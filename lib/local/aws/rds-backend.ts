/**
 * Real database servers behind the RDS double's instances (the local platform): an {@link InstanceBackend} creates,
 * stops, starts, deletes, snapshots and restores one server per DB instance, and the double keeps its API and
 * statuses in step with it. A lifecycle step that depends on the server (leaving `creating`, `stopping`,
 * `starting`, `deleting`; a snapshot becoming `available`) happens once both its timing has passed and the server's
 * work has finished; a server that fails puts the instance in `failed`, as RDS does when it cannot create or start
 * one, with the reason in the backend log.
 *
 * @module
 */
import type { VirtualClock } from './virtual-clock';

/** Where a server listens. */
export interface BackendEndpoint {
  address: string;
  port: number;
}

/**
 * The servers behind the RDS double's instances. Keys are the double's: an instance key names one instance of one
 * Region, a snapshot key the data of one snapshot (its copies refer to the same data).
 */
export interface InstanceBackend {
  /** A new server with its master user (password `masterPassword`) and first database, started. */
  create(
    instanceId: string,
    input: { masterUsername: string; masterPassword: string; dbName: string },
  ): Promise<BackendEndpoint>;
  /** Starts a stopped server; the port may differ from the one it listened on before. */
  start(instanceId: string): Promise<BackendEndpoint>;
  /** Stops the server, keeping its data. */
  stop(instanceId: string): Promise<void>;
  /** Stops the server and removes its data; its snapshots stay. */
  delete(instanceId: string): Promise<void>;
  /** A consistent copy of the server's data, kept under `snapshotId`. */
  snapshot(instanceId: string, snapshotId: string): Promise<void>;
  /** A new server with the snapshot's data; its master user `masterUsername` gets `masterPassword`. */
  restore(
    snapshotId: string,
    instanceId: string,
    input: { masterUsername: string; masterPassword: string },
  ): Promise<BackendEndpoint>;
  /** Removes a snapshot's data. */
  deleteSnapshot(snapshotId: string): Promise<void>;
}

/** Whether a backend operation answered with an endpoint (create, start, restore do; the others answer nothing). */
export function isEndpoint(value: unknown): value is BackendEndpoint {
  const candidate = value as Partial<BackendEndpoint> | undefined;
  return typeof candidate?.address === 'string' && typeof candidate.port === 'number';
}

/** The backend of the RDS double's instances and snapshots, and the server work under way. */
export interface BackendServers {
  backend: InstanceBackend;
  work: BackendWork;
}

/** Where the double writes why a server operation failed (never a password). */
export type BackendLog = (line: string) => void;

/** The default backend log: standard error, which the local platform's daemon sends to its log file. */
export const stderrLog: BackendLog = (line) => {
  process.stderr.write(`${line}\n`);
};

/**
 * The backend's name for a resource of `region`: the identifier itself in the double's own Region, else prefixed with
 * the Region, so that the same identifier in two Regions (a restore in the backup Region) names two servers. Pure.
 */
export function backendKey(identifier: string, region: string, homeRegion: string): string {
  return region === homeRegion ? identifier : `${region}-${identifier}`;
}

/** `error`'s message with every occurrence of the given secrets masked. Pure. */
export function failureReason(error: unknown, secrets: readonly string[] = []): string {
  let text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  for (const secret of secrets) if (secret.length > 0) text = text.split(secret).join('[redacted]');
  return text;
}

/**
 * Server work of the double's resources, one operation at a time per resource: each resolves true on success,
 * false after logging why it failed. The clock stands still while a server works (real I/O ends at the virtual
 * instant it started), so a workflow on a virtual clock sees the same timings as one on the wall clock.
 */
export class BackendWork {
  /** Each resource's latest server work (settled ones included: a later step must know it failed). */
  private readonly latest = new WeakMap<object, Promise<boolean>>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly log: BackendLog,
  ) {}

  /** Starts `work` for `owner` once its earlier work has settled; `what` names it in the log. */
  run(owner: object, what: string, work: () => Promise<void>, secrets: readonly string[] = []): Promise<boolean> {
    const next = (this.latest.get(owner) ?? Promise.resolve(true)).then(() =>
      this.clock.hold(work).then(
        () => true,
        (error: unknown) => {
          this.log(`${what} failed: ${failureReason(error, secrets)}`);
          return false;
        },
      ),
    );
    this.latest.set(owner, next);
    return next;
  }

  /**
   * Calls `next` with whether `owner`'s latest server work succeeded, once it has settled; at once when it never had
   * any, so that without a backend every lifecycle step happens at the virtual instant its timer fires. Returns what
   * `next` returns (a promise when it had to wait: the clock tracks it as a callback's work).
   */
  after(owner: object, next: (ok: boolean) => unknown): unknown {
    const latest = this.latest.get(owner);
    return latest ? latest.then(next) : next(true);
  }
}
