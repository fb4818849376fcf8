/**
 * Real PostgreSQL servers standing in for RDS DB instances on one machine: the host the local platform's RDS calls.
 * Each instance is a cluster of its own (initdb, its own port on 127.0.0.1, TLS with a certificate from the local CA,
 * unencrypted connections refused), with an RDS-like master user that is not a superuser. Snapshots are copies of a
 * cleanly shut down data folder; restoring one makes a new server with the data as of the snapshot.
 *
 * Everything lives under one state directory (see {@link stateLayout}) and survives the process: servers run in their
 * own session and keep running when the host's process ends; a new host finds them again with
 * {@link LocalInstanceHost.reattach}. One process at a time should manage a state directory.
 *
 * As root, the servers run as the OS user `postgres` (PostgreSQL refuses root). That user owns each data folder (mode
 * 0700) and must be able to traverse every folder above it: the host creates the state directory and its `instances`
 * folder with mode 0755, and the folders above must be traversable too (not under `/root`, nor inside a `mktemp -d`
 * folder); creating an instance in an unreachable state directory fails with a message saying so. Snapshots and the
 * CA key stay in folders only the host's user can enter.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  type Stats,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { scramSha256Verifier } from '../../lambdas/shared/database/scram';
import { type PostgresBinaries, PostgresSetupError, postgresBinaries } from '../postgres/binaries';
import {
  initialiseCluster,
  type PostmasterStatus,
  readPostmasterPid,
  runSingleUser,
  startDetachedCluster,
  stopDetachedCluster,
} from '../postgres/cluster';
import {
  LocalInstanceExistsError,
  LocalInstanceNotFoundError,
  LocalInstanceStateError,
  LocalSnapshotExistsError,
  LocalSnapshotNotFoundError,
} from './errors';
import { type InstanceRecord, readIndex, type SnapshotRecord, updateIndex } from './index-file';
import { answersAsPostgres, portIsFree, unusedPort } from './network';
import {
  ALLOWED_FROM,
  BOOTSTRAP_SUPERUSER,
  bootstrapStatements,
  hbaConf,
  type InstanceOperation,
  isAllowed,
  isPortConflict,
  LOOPBACK,
  MAX_INSTANCE_ID,
  MAX_SNAPSHOT_ID,
  masterPasswordStatement,
  reattachedStatus,
  SETTINGS_FILE,
  type StateLayout,
  serverSettings,
  stateLayout,
  validCredentials,
  validIdentifier,
  validPassword,
  validPort,
} from './rules';
import {
  type CertificateAuthority,
  certificateNeedsRenewal,
  ensureCertificateAuthority,
  installServerCertificate,
  serverCertificateExpiry,
} from './tls';

export interface LocalInstanceHostOptions {
  /** Where instances, snapshots, the CA and the index live; created when missing. */
  stateDir: string;
  /** The PostgreSQL binaries. @default postgresBinaries(): as root, a copy the `postgres` user can run */
  binaries?: PostgresBinaries;
  /** How long a server may take to accept connections. @default 60_000 */
  startTimeoutMs?: number;
  /** The current time, for creation dates and certificate renewal. @default () => new Date() */
  clock?: () => Date;
}

export interface CreateInstanceInput {
  masterUsername: string;
  /** Sent to the server as a SCRAM verifier; written nowhere by the host. */
  masterPassword: string;
  /** The first database, owned by the master user. */
  dbName: string;
  /** The port to listen on. @default a free port chosen by the system */
  port?: number;
}

export interface InstanceDescription extends InstanceRecord {
  endpoint: { address: string; port: number };
  dataDir: string;
  /** Bytes the instance's folder (data and log) takes on disk. */
  sizeBytes: number;
}

export interface StartResult extends InstanceDescription {
  /** The port it listened on before, when that one was taken and a new one was chosen. */
  previousPort?: number;
}

export interface RestoreOptions {
  /** The port to listen on. @default a free port chosen by the system */
  port?: number;
  /** A new password for the master user, sent to the server as a SCRAM verifier. @default the snapshot's */
  masterPassword?: string;
}

export interface SnapshotDescription extends SnapshotRecord {
  dir: string;
  /** Bytes the copy takes on disk. */
  sizeBytes: number;
}

/** Attempts at starting a server when another process takes the chosen port first. */
const PORT_ATTEMPTS = 3;
/** Files of the data folder a snapshot leaves out: the server's own key stays with its server. */
const NOT_IN_SNAPSHOTS = new Set(['postmaster.pid', 'postmaster.opts', 'server.key', 'server.crt']);

export class LocalInstanceHost {
  /** The local CA's certificate: what clients verify every local server with. */
  public readonly caFile: string;
  private readonly layout: StateLayout;
  private readonly binaries: PostgresBinaries;
  private readonly ca: CertificateAuthority;
  private readonly startTimeoutMs: number;
  private readonly clock: () => Date;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(options: LocalInstanceHostOptions) {
    this.layout = stateLayout(options.stateDir);
    this.binaries = options.binaries ?? postgresBinaries();
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.clock = options.clock ?? (() => new Date());
    // Traversable, so that the postgres user reaches its data folders when the host runs as root.
    for (const dir of [options.stateDir, this.layout.instancesDir]) {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      chmodSync(dir, 0o755);
    }
    mkdirSync(this.layout.snapshotsDir, { recursive: true, mode: 0o700 });
    this.ca = ensureCertificateAuthority(this.layout.caDir, 'tenant-db-platform local CA');
    this.caFile = this.ca.certFile;
  }

  /** Creates the cluster, its master user and first database, and starts it; resolves once it is available. */
  create(instanceId: string, input: CreateInstanceInput): Promise<InstanceDescription> {
    const id = validIdentifier('instanceId', instanceId, MAX_INSTANCE_ID);
    const credentials = validCredentials(input as unknown as { [key: string]: unknown });
    const port = input.port === undefined ? undefined : validPort(input.port);
    return this.exclusive(id, async () => {
      updateIndex(this.layout.indexFile, (index) => {
        if (index.instances.has(id)) throw new LocalInstanceExistsError(id);
        index.instances.set(id, this.creatingRecord(id, port, credentials));
      });
      await this.provision(id, async (dataDir) => {
        this.cloneDataDir(await this.template(), dataDir);
        this.configure(dataDir);
        await runSingleUser(
          this.binaries,
          dataDir,
          'postgres',
          bootstrapStatements(credentials, scramSha256Verifier(credentials.masterPassword)),
        );
        return this.launch(id, port);
      });
      return this.describe(id);
    });
  }

  /** Fast shutdown; the port is kept as the one to ask for at the next start. */
  stop(instanceId: string): Promise<InstanceDescription> {
    return this.transition(instanceId, 'stop', async (record) => {
      this.setInstance(record.instanceId, { status: 'stopping' });
      await this.stopServer(record.instanceId);
      this.setInstance(record.instanceId, { status: 'stopped' });
    });
  }

  /** Starts a stopped instance on its previous port when that is free, else on a new one (reported). */
  start(instanceId: string): Promise<StartResult> {
    let previousPort: number | undefined;
    return this.transition(instanceId, 'start', async (record) => {
      this.setInstance(record.instanceId, { status: 'starting' });
      try {
        const server = await this.launch(record.instanceId, record.port);
        if (server.port !== record.port) previousPort = record.port;
        this.setInstance(record.instanceId, { status: 'available', port: server.port });
      } catch (error) {
        this.setInstance(record.instanceId, { status: 'stopped' });
        throw error;
      }
    }).then((description) => (previousPort === undefined ? description : { ...description, previousPort }));
  }

  /** Stops the server and removes the instance's folder. Its snapshots stay. */
  async delete(instanceId: string): Promise<void> {
    await this.transition(instanceId, 'delete', async (record) => {
      this.setInstance(record.instanceId, { status: 'deleting' });
      await this.stopServer(record.instanceId);
      rmSync(this.layout.instanceDir(record.instanceId), { recursive: true, force: true });
      updateIndex(this.layout.indexFile, (index) => index.instances.delete(record.instanceId));
    });
  }

  /**
   * A consistent copy of the instance's data folder. An available instance is shut down cleanly for the copy and
   * started again on the same port: a copy taken while the server runs would be torn (pages written mid-copy) unless
   * taken inside a backup with the WAL written meanwhile, which the shipped binaries have no tool for (no
   * pg_basebackup). A fast shutdown writes a checkpoint, so the copy needs no recovery. Status `backing-up` meanwhile.
   */
  snapshot(instanceId: string, snapshotId: string): Promise<SnapshotDescription> {
    const snapId = validIdentifier('snapshotId', snapshotId, MAX_SNAPSHOT_ID);
    return this.transition(instanceId, 'snapshot', async (record) => {
      const id = record.instanceId;
      updateIndex(this.layout.indexFile, (index) => {
        if (index.snapshots.has(snapId)) throw new LocalSnapshotExistsError(snapId);
        index.snapshots.set(snapId, {
          snapshotId: snapId,
          status: 'creating',
          instanceId: id,
          masterUsername: record.masterUsername,
          dbName: record.dbName,
          createdAt: this.clock().toISOString(),
        });
      });
      const wasAvailable = record.status === 'available';
      let copied = false;
      try {
        if (wasAvailable) {
          this.setInstance(id, { status: 'backing-up' });
          await this.stopServer(id);
        }
        this.copySnapshot(id, snapId);
        copied = true;
        updateIndex(this.layout.indexFile, (index) => {
          const snapshot = index.snapshots.get(snapId);
          if (snapshot) snapshot.status = 'available';
        });
      } finally {
        if (!copied) {
          rmSync(this.layout.snapshotDir(snapId), { recursive: true, force: true });
          updateIndex(this.layout.indexFile, (index) => index.snapshots.delete(snapId));
        }
        if (wasAvailable) await this.restartAfterBackup(id, record.port);
      }
    }).then(() => this.describeSnapshot(snapId));
  }

  /**
   * A new instance from a snapshot: the snapshot's data, master user and password, its own port and certificate.
   * With `masterPassword`, the master user gets that password instead (RDS gives a restored instance's master user
   * the password of its new managed secret): set as a SCRAM verifier in single-user mode before the server starts,
   * so the old password never works on the new server and the new one is written nowhere.
   */
  restore(snapshotId: string, newInstanceId: string, options: RestoreOptions = {}): Promise<InstanceDescription> {
    const snapId = validIdentifier('snapshotId', snapshotId, MAX_SNAPSHOT_ID);
    const id = validIdentifier('instanceId', newInstanceId, MAX_INSTANCE_ID);
    const port = options.port === undefined ? undefined : validPort(options.port);
    const newPassword = options.masterPassword === undefined ? undefined : validPassword(options.masterPassword);
    return this.exclusive(id, async () => {
      const snapshot = updateIndex(this.layout.indexFile, (index) => {
        const found = index.snapshots.get(snapId);
        if (found?.status !== 'available') throw new LocalSnapshotNotFoundError(snapId);
        if (index.instances.has(id)) throw new LocalInstanceExistsError(id);
        index.instances.set(id, { ...this.creatingRecord(id, port, found), restoredFrom: snapId });
        return found;
      });
      await this.provision(id, async (dataDir) => {
        this.cloneDataDir(this.layout.snapshotDataDir(snapshot.snapshotId), dataDir);
        installServerCertificate(this.ca, dataDir, this.binaries.runAs);
        if (newPassword !== undefined) {
          await runSingleUser(this.binaries, dataDir, 'postgres', [
            masterPasswordStatement(snapshot.masterUsername, scramSha256Verifier(newPassword)),
          ]);
        }
        return this.launch(id, port);
      });
      return this.describe(id);
    });
  }

  async deleteSnapshot(snapshotId: string): Promise<void> {
    const snapId = validIdentifier('snapshotId', snapshotId, MAX_SNAPSHOT_ID);
    updateIndex(this.layout.indexFile, (index) => {
      if (index.snapshots.get(snapId)?.status !== 'available') throw new LocalSnapshotNotFoundError(snapId);
      rmSync(this.layout.snapshotDir(snapId), { recursive: true, force: true });
      index.snapshots.delete(snapId);
    });
  }

  describe(instanceId: string): InstanceDescription {
    const id = validIdentifier('instanceId', instanceId, MAX_INSTANCE_ID);
    const record = this.findInstance(id);
    if (!record) throw new LocalInstanceNotFoundError(id);
    return this.description(record);
  }

  list(): InstanceDescription[] {
    return [...readIndex(this.layout.indexFile).instances.values()].map((record) => this.description(record));
  }

  describeSnapshot(snapshotId: string): SnapshotDescription {
    const snapId = validIdentifier('snapshotId', snapshotId, MAX_SNAPSHOT_ID);
    const record = readIndex(this.layout.indexFile).snapshots.get(snapId);
    if (record?.status !== 'available') throw new LocalSnapshotNotFoundError(snapId);
    const dir = this.layout.snapshotDir(record.snapshotId);
    return { ...record, dir, sizeBytes: sizeOnDisk(dir) };
  }

  listSnapshots(): SnapshotDescription[] {
    return [...readIndex(this.layout.indexFile).snapshots.values()]
      .filter((record) => record.status === 'available')
      .map((record) => this.describeSnapshot(record.snapshotId));
  }

  /**
   * Takes over a state directory after the process that managed it ended: an instance whose server still runs
   * (`postmaster.pid` names a live process and its port answers as PostgreSQL) is available on that port, any other
   * is stopped; an interrupted creation or restore is failed (it can only be deleted), an interrupted deletion is
   * finished, and a snapshot whose copy never finished is dropped.
   */
  async reattach(): Promise<InstanceDescription[]> {
    const found = new Map<string, { initialised: boolean; server?: PostmasterStatus }>();
    for (const record of readIndex(this.layout.indexFile).instances.values()) {
      const dataDir = this.layout.dataDir(record.instanceId);
      found.set(record.instanceId, {
        initialised: existsSync(join(dataDir, 'PG_VERSION')),
        server: await this.runningServer(record.instanceId),
      });
    }
    const gone: string[] = [];
    updateIndex(this.layout.indexFile, (index) => {
      for (const record of index.instances.values()) {
        const observed = found.get(record.instanceId);
        if (!observed) continue;
        const status = reattachedStatus(record.status, { ...observed, running: observed.server !== undefined });
        if (status === 'gone') gone.push(record.instanceId);
        else {
          record.status = status;
          if (observed.server) record.port = observed.server.port;
        }
      }
      for (const snapshot of [...index.snapshots.values()]) {
        if (snapshot.status === 'creating') {
          rmSync(this.layout.snapshotDir(snapshot.snapshotId), { recursive: true, force: true });
          index.snapshots.delete(snapshot.snapshotId);
        }
      }
    });
    for (const name of readdirSync(this.layout.snapshotsDir)) {
      if (name.startsWith('.staging-')) rmSync(join(this.layout.snapshotsDir, name), { recursive: true, force: true });
    }
    for (const instanceId of gone) {
      await this.stopServer(instanceId);
      rmSync(this.layout.instanceDir(instanceId), { recursive: true, force: true });
      updateIndex(this.layout.indexFile, (index) => index.instances.delete(instanceId));
    }
    return this.list();
  }

  /** Stops every available instance (data kept): what `local down` does. */
  async stopAll(): Promise<void> {
    const available = this.list().filter((instance) => instance.status === 'available');
    await Promise.all(available.map((instance) => this.stop(instance.instanceId)));
  }

  /** The record of an instance being made; port 0 until its server listens, unless the caller chose one. */
  private creatingRecord(
    id: string,
    port: number | undefined,
    names: { masterUsername: string; dbName: string },
  ): InstanceRecord {
    return {
      instanceId: id,
      status: 'creating',
      port: port ?? 0,
      masterUsername: names.masterUsername,
      dbName: names.dbName,
      createdAt: this.clock().toISOString(),
    };
  }

  /** Runs `work` after every earlier operation on `key` has settled: one operation at a time per instance. */
  private exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(work, work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return run;
  }

  /** Checks that the instance exists and that its status allows `operation`, then runs `work` exclusively. */
  private transition(
    instanceId: string,
    operation: InstanceOperation,
    work: (record: InstanceRecord) => Promise<void>,
  ): Promise<InstanceDescription> {
    const id = validIdentifier('instanceId', instanceId, MAX_INSTANCE_ID);
    return this.exclusive(id, async () => {
      const record = this.findInstance(id);
      if (!record) throw new LocalInstanceNotFoundError(id);
      if (!isAllowed(operation, record.status)) {
        throw new LocalInstanceStateError(id, operation, record.status, ALLOWED_FROM[operation]);
      }
      await work(record);
      return operation === 'delete' ? this.description(record) : this.describe(id);
    });
  }

  /** Makes the instance's data folder with `make`, then records it available; failed (and stopped) if `make` throws. */
  private async provision(id: string, make: (dataDir: string) => Promise<PostmasterStatus>): Promise<void> {
    const instanceDir = this.layout.instanceDir(id);
    const dataDir = this.layout.dataDir(id);
    try {
      // No record owned this folder: whatever is there is left over from an instance deleted mid-way.
      rmSync(instanceDir, { recursive: true, force: true });
      mkdirSync(instanceDir, { mode: 0o755 });
      chmodSync(instanceDir, 0o755);
      const server = await make(dataDir);
      this.setInstance(id, { status: 'available', port: server.port });
    } catch (error) {
      await this.stopServer(id).catch(() => undefined);
      this.setInstance(id, { status: 'failed' });
      throw error;
    }
  }

  /** TLS only from loopback, the host's settings, a server certificate from the local CA. */
  private configure(dataDir: string): void {
    this.writeServerFile(join(dataDir, 'pg_hba.conf'), hbaConf());
    this.writeServerFile(join(dataDir, SETTINGS_FILE), serverSettings());
    appendFileSync(join(dataDir, 'postgresql.conf'), `\ninclude '${SETTINGS_FILE}'\n`);
    installServerCertificate(this.ca, dataDir, this.binaries.runAs);
  }

  /**
   * A freshly initialised cluster every instance starts as a copy of: initdb runs once per binaries version and
   * state directory (about a second), a copy takes a fraction of that. Its bootstrap superuser's password is random
   * and forgotten: nobody logs in as it (the instance's pg_hba.conf and bootstrap see to that).
   */
  private template(): Promise<string> {
    const templateDir = join(this.layout.templatesDir, this.binaries.packageVersion);
    const dataDir = join(templateDir, 'data');
    return this.exclusive(`template ${templateDir}`, async () => {
      if (existsSync(join(dataDir, 'PG_VERSION'))) return dataDir;
      mkdirSync(this.layout.templatesDir, { recursive: true, mode: 0o755 });
      const staging = `${templateDir}.staging-${randomBytes(4).toString('hex')}`;
      try {
        mkdirSync(staging, { mode: 0o755 });
        await initialiseCluster(this.binaries, {
          dataDir: join(staging, 'data'),
          superuser: BOOTSTRAP_SUPERUSER,
          password: randomBytes(24).toString('base64url'),
          initdbFlags: ['--no-sync'],
        });
        rmSync(templateDir, { recursive: true, force: true });
        renameSync(staging, templateDir);
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
      return dataDir;
    });
  }

  /** A copy of a stopped cluster's folder as the instance's data folder, owned by the server's user, mode 0700. */
  private cloneDataDir(source: string, dataDir: string): void {
    cpSync(source, dataDir, { recursive: true });
    this.ownedByServer(dataDir);
    chmodSync(dataDir, 0o700);
  }

  /**
   * Starts the instance's server on `preferredPort` when given and free, else on a port the system picks; another
   * process may bind that port between the choice and the server's start, so a lost race is retried on a new port.
   */
  private async launch(id: string, preferredPort?: number): Promise<PostmasterStatus> {
    const dataDir = this.layout.dataDir(id);
    const expiry = serverCertificateExpiry(dataDir);
    if (!expiry || certificateNeedsRenewal(expiry, this.clock())) {
      installServerCertificate(this.ca, dataDir, this.binaries.runAs);
    }
    for (let attempt = 1; ; attempt++) {
      const usePreferred = attempt === 1 && preferredPort && (await portIsFree(preferredPort));
      const port = usePreferred ? preferredPort : await unusedPort();
      try {
        return await startDetachedCluster(this.binaries, {
          dataDir,
          port,
          logFile: this.layout.logFile(id),
          timeoutMs: this.startTimeoutMs,
        });
      } catch (error) {
        if (attempt >= PORT_ATTEMPTS || !(error instanceof PostgresSetupError) || !isPortConflict(error.message)) {
          throw error;
        }
      }
    }
  }

  /** Starts an instance again after its snapshot copy; if that fails it is left stopped, and the error surfaces. */
  private async restartAfterBackup(id: string, port: number): Promise<void> {
    try {
      const server = await this.launch(id, port);
      this.setInstance(id, { status: 'available', port: server.port });
    } catch (error) {
      this.setInstance(id, { status: 'stopped' });
      throw error;
    }
  }

  /** The server `postmaster.pid` names, when that process lives and its port answers as PostgreSQL. */
  private async runningServer(id: string): Promise<PostmasterStatus | undefined> {
    const status = readPostmasterPid(this.layout.dataDir(id));
    if (!status) return undefined;
    return (await answersAsPostgres(status.port)) ? status : undefined;
  }

  /** Stops the instance's server if one runs; a stale `postmaster.pid` (its process gone or reused) is left alone. */
  private async stopServer(id: string): Promise<void> {
    if (await this.runningServer(id)) await stopDetachedCluster(this.layout.dataDir(id));
  }

  /** Copies the stopped data folder to a staging folder, then renames it into place: a snapshot is whole or absent. */
  private copySnapshot(instanceId: string, snapshotId: string): void {
    const dataDir = this.layout.dataDir(instanceId);
    const staging = join(this.layout.snapshotsDir, `.staging-${snapshotId}-${randomBytes(4).toString('hex')}`);
    try {
      mkdirSync(staging, { mode: 0o700 });
      cpSync(dataDir, join(staging, 'data'), {
        recursive: true,
        filter: (source) => source === dataDir || !NOT_IN_SNAPSHOTS.has(basename(source)),
      });
      renameSync(staging, this.layout.snapshotDir(snapshotId));
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  /** Writes a file the server reads: mode 0600, owned by the server's user. */
  private writeServerFile(file: string, content: string): void {
    writeFileSync(file, content, { mode: 0o600 });
    const { runAs } = this.binaries;
    if (runAs) lchownSync(file, runAs.uid, runAs.gid);
  }

  /** Gives every file under `dir` to the server's user (copies made by root belong to root). */
  private ownedByServer(dir: string): void {
    const { runAs } = this.binaries;
    if (!runAs) return;
    lchownSync(dir, runAs.uid, runAs.gid);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) this.ownedByServer(path);
      else lchownSync(path, runAs.uid, runAs.gid);
    }
  }

  private findInstance(id: string): InstanceRecord | undefined {
    return readIndex(this.layout.indexFile).instances.get(id);
  }

  private setInstance(id: string, change: Partial<Pick<InstanceRecord, 'status' | 'port'>>): void {
    updateIndex(this.layout.indexFile, (index) => {
      const record = index.instances.get(id);
      if (record) Object.assign(record, change);
    });
  }

  private description(record: InstanceRecord): InstanceDescription {
    return {
      ...record,
      endpoint: { address: LOOPBACK, port: record.port },
      dataDir: this.layout.dataDir(record.instanceId),
      sizeBytes: sizeOnDisk(this.layout.instanceDir(record.instanceId)),
    };
  }
}

/** Bytes the files under `path` occupy on disk (allocated blocks, as `du` counts them); 0 when it does not exist. */
function sizeOnDisk(path: string): number {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch {
    return 0;
  }
  let total = stat.blocks * 512;
  if (stat.isDirectory()) {
    for (const name of readdirSync(path)) total += sizeOnDisk(join(path, name));
  }
  return total;
}
