/**
 * RDS for PostgreSQL DB instances with their lifecycle on the virtual clock:
 *
 * ```
 * CreateDBInstance ─► creating ──creationMs──► backing-up ──backingUpMs──► available ─► onAvailable hook
 *                                  └─(finalStatus ≠ available)─► failed / incompatible-* / storage-full
 * DeleteDBInstance ─► deleting ──deletionMs──► gone (master secret removed, replicated backups retained)
 * StopDBInstance   ─► stopping ──stoppingMs──► stopped ──7 days──► starting (RDS-EVENT-0154) ──startingMs──► available
 * StartDBInstance  ─► starting ──startingMs──► available (RDS-EVENT-0088)
 * ```
 *
 * With an instance backend (the local platform, rds-backend.ts) every instance is a real server: each transition above
 * that creates, stops, starts or deletes it also waits for the server's work, and a server that fails leaves the
 * instance `failed`.
 *
 * Requests are checked against the API reference (see rds-rules.ts). Cross-Region automated backup replication
 * is called in the destination Region, as AWS requires, with the client's Region telling where the call went.
 *
 * @module
 */
import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  type CreateDBInstanceCommandInput,
  type CreateDBInstanceCommandOutput,
  type DBInstance,
  DBInstanceAlreadyExistsFault,
  type DBInstanceAutomatedBackup,
  DBInstanceAutomatedBackupNotFoundFault,
  DBInstanceAutomatedBackupQuotaExceededFault,
  DBInstanceNotFoundFault,
  DBSnapshotAlreadyExistsFault,
  DeleteDBInstanceAutomatedBackupCommand,
  type DeleteDBInstanceAutomatedBackupCommandOutput,
  DeleteDBInstanceCommand,
  type DeleteDBInstanceCommandOutput,
  DescribeDBInstanceAutomatedBackupsCommand,
  type DescribeDBInstanceAutomatedBackupsCommandOutput,
  DescribeDBInstancesCommand,
  type DescribeDBInstancesCommandOutput,
  InstanceQuotaExceededFault,
  InvalidDBInstanceAutomatedBackupStateFault,
  InvalidDBInstanceStateFault,
  KMSKeyNotAccessibleFault,
  ListTagsForResourceCommand,
  type ListTagsForResourceCommandOutput,
  ModifyDBInstanceCommand,
  type ModifyDBInstanceCommandOutput,
  RemoveTagsFromResourceCommand,
  type RestoreDBInstanceFromDBSnapshotCommandOutput,
  StartDBInstanceAutomatedBackupsReplicationCommand,
  type StartDBInstanceAutomatedBackupsReplicationCommandOutput,
  StartDBInstanceCommand,
  type StartDBInstanceCommandOutput,
  StopDBInstanceAutomatedBackupsReplicationCommand,
  type StopDBInstanceAutomatedBackupsReplicationCommandOutput,
  StopDBInstanceCommand,
  type StopDBInstanceCommandOutput,
  type Tag,
} from '@aws-sdk/client-rds';
import { breakExpectation, type CallContext, type DoubleEnvironment, type Out, type Route, route } from './environment';
import { errorMetadata, NotModeledError } from './errors';
import { LOWER_ALNUM, UPPER_ALNUM } from './ids';
import { firstDue } from './persisted';
import { type BackendEndpoint, type BackendServers, backendKey, type InstanceBackend, isEndpoint } from './rds-backend';
import type { PersistedModification } from './rds-modification';
import { InstanceModifications, TIER_CHANGE_PARAMETERS } from './rds-modification';
import { RdsRestores } from './rds-restore';
import {
  invalidCombination,
  invalidValue,
  missingParameter,
  validateBackupSettings,
  validateCreateDBInstance,
} from './rds-rules';
import type { SecretsManagerDouble } from './secrets-manager';
import { isIntIn, mergeTags, requireString, validateTags } from './validate';
import type { TimerHandle } from './virtual-clock';

const MINUTE = 60_000;
const DAY_MS = 24 * 3600_000;

export interface RdsTimings {
  /** Time in `creating` (default 10 min). */
  creationMs: number;
  /** Time in `backing-up` after creation (default 2 min). */
  backingUpMs: number;
  /** Time in `deleting` before the instance is gone (default 5 min). */
  deletionMs: number;
  /** Time in `modifying` after ModifyDBInstance (default 0: the change applies without a status change). */
  modifyingMs: number;
  /**
   * How long after creation DeleteDBInstance is refused with InvalidDBInstanceState while the instance is still
   * `creating` (default: the whole creating phase).
   */
  refuseDeletionWhileCreatingMs: number;
  /** Time a new cross-Region backup replication stays `pending` before `replicating` (default 5 min). */
  replicationPendingMs: number;
  /** Time in `storage-optimization` after a storage change (default 30 min; see rds-modification.ts). */
  storageOptimizationMs: number;
  /** Time in `stopping` after StopDBInstance (default 5 min). */
  stoppingMs: number;
  /** Time in `starting` after StartDBInstance or RDS's own start after 7 days stopped (default 8 min). */
  startingMs: number;
}

export const DEFAULT_RDS_TIMINGS: Readonly<RdsTimings> = {
  creationMs: 10 * MINUTE,
  backingUpMs: 2 * MINUTE,
  deletionMs: 5 * MINUTE,
  modifyingMs: 0,
  refuseDeletionWhileCreatingMs: Number.POSITIVE_INFINITY,
  replicationPendingMs: 5 * MINUTE,
  storageOptimizationMs: 30 * MINUTE,
  stoppingMs: 5 * MINUTE,
  startingMs: 8 * MINUTE,
};

/** Where a new instance ends: `available`, or a state only an operator can leave. */
export type FinalInstanceStatus =
  | 'available'
  | 'failed'
  | 'incompatible-parameters'
  | 'incompatible-network'
  | 'storage-full';

interface InstanceState {
  identifier: string;
  region: string;
  arn: string;
  resourceId: string;
  status: string;
  createdAt: number;
  /** When the instance left `creating`. */
  createTime?: number;
  spec: Omit<CreateDBInstanceCommandInput, 'MasterUserPassword'>;
  tags: Tag[];
  deletionProtection: boolean;
  backupRetentionPeriod: number;
  backupWindow: string;
  maintenanceWindow: string;
  endpointVisible: boolean;
  /** The backing server when the instance was created, if any. */
  backingServer?: BackingServer;
  /** Where the instance's own server listens, with an instance backend (see rds-backend.ts). */
  server?: BackendEndpoint;
  /**
   * With an instance backend, the master password the server was given while no managed secret holds it (a restored
   * instance, or one created with MasterUserPassword): the managed secret a later ModifyDBInstance creates holds it,
   * since the local platform sets a server's master password only when it creates or restores the server.
   */
  serverPassword?: string;
  masterSecret?: { arn: string; kmsKeyId: string; status: 'creating' | 'active' };
  timers: TimerHandle[];
  /** What DeleteDBInstance asked for its automated backups: a restored double finishes the deletion alike. */
  deleteAutomatedBackups?: boolean;
}

type BackupStatus = 'pending' | 'replicating' | 'retained';

interface AutomatedBackupState {
  arn: string;
  /** Region the backup lives in. */
  region: string;
  source: { arn: string; region: string; identifier: string; resourceId: string; spec: InstanceState['spec'] };
  status: BackupStatus;
  retentionDays: number;
  kmsKeyId?: string;
  createdAt: number;
  timers: TimerHandle[];
}

/** An instance as a saved state keeps it: its pending transition is a due time instead of a timer. */
type PersistedInstance = Omit<InstanceState, 'timers'> & {
  /** When its current transition (creating, stopping, deleting...) ends. */
  dueAt?: number;
  modification?: PersistedModification;
};

/** The RDS double's instances, replicated backups and final snapshots, as a saved state keeps them. */
export interface PersistedRds {
  instances: PersistedInstance[];
  backups: (Omit<AutomatedBackupState, 'timers'> & { dueAt?: number })[];
  finalSnapshots: { identifier: string; region: string; instanceIdentifier: string }[];
}

/** What RestoreDBInstanceFromDBSnapshot creates: the spec merged from the snapshot and the request, and the tags. */
export interface RestoredInstance {
  spec: Omit<CreateDBInstanceCommandInput, 'MasterUserPassword'>;
  tags: Tag[];
  /** With an instance backend: the backend's snapshot that holds the data (undefined: the snapshot has none). */
  backendSnapshot?: string;
}

/** An instance as the inventory lists it. */
export interface InstanceSummary {
  identifier: string;
  region: string;
  arn: string;
  status: string;
  tags: Tag[];
}

/**
 * A real database server that every instance stands for: its endpoint is the server's, and the master user secret
 * RDS manages holds the server's master password. Workflow tests point it at a local PostgreSQL so the migration
 * step really connects, authenticates and migrates.
 */
export interface BackingServer {
  address: string;
  port: number;
  /** Password of the master user (the instance's `MasterUsername`) on that server. */
  masterPassword: string;
}

/** A replicated (or retained) automated backup as the inventory lists it. */
export interface BackupSummary {
  arn: string;
  region: string;
  sourceArn: string;
  status: BackupStatus;
}

const notFound = (id: string) =>
  new DBInstanceNotFoundFault({ message: `DBInstance ${id} not found.`, $metadata: errorMetadata(404) });
const invalidState = (message: string) => new InvalidDBInstanceStateFault({ message, $metadata: errorMetadata(400) });
const backupNotFound = (message: string) =>
  new DBInstanceAutomatedBackupNotFoundFault({ message, $metadata: errorMetadata(404) });

const MODIFIABLE = new Set([
  'DBInstanceIdentifier',
  'ManageMasterUserPassword',
  'MasterUserSecretKmsKeyId',
  'ApplyImmediately',
  'DeletionProtection',
  'BackupRetentionPeriod',
  'PreferredBackupWindow',
  'PreferredMaintenanceWindow',
]);

/** Statuses in which RDS refuses every ModifyDBInstance, deletion protection included. */
const UNMODIFIABLE = /^(creating|failed|incompatible-.+|deleting)$/;

/** `arn:aws:rds:<region>:<account>:db:<identifier>` → its parts. */
function parseInstanceArn(arn: string): { region: string; identifier: string } | undefined {
  const m = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):[0-9]{12}:db:([A-Za-z0-9-]+)$/.exec(arn);
  return m ? { region: m[1] as string, identifier: (m[2] as string).toLowerCase() } : undefined;
}

/** `arn:aws:kms:<region>:<account>:key/<key-id>` (not an alias ARN). */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[A-Za-z0-9-]+$/;

function kmsKeyRegion(key: string): string | undefined {
  return /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(key)?.[1];
}

/** An EventBridge event as RDS puts it on the default bus. */
export interface RdsEventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.rds';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    EventCategories: string[];
    SourceType: 'DB_INSTANCE';
    SourceArn: string;
    Date: string;
    Message: string;
    SourceIdentifier: string;
    EventID: string;
  };
}

/**
 * The "DB instance created" event (RDS-EVENT-0005) RDS sends for `instance`, for an `onAvailable` hook to deliver to
 * the readiness-signal Lambda. Written from the RDS and EventBridge documentation, not from the listener's own
 * constants, so a mismatch between the two shows up in the tests.
 *
 * @example
 * ```ts
 * double.rds.onAvailable = (instance) => readinessHandler(instanceCreatedEvent(instance, new Date(double.clock.now())));
 * ```
 */
export function instanceCreatedEvent(instance: DBInstance, at: Date): RdsEventBridgeEvent {
  const arn = instance.DBInstanceArn as string;
  const [, , , region = '', account = ''] = arn.split(':');
  return {
    version: '0',
    id: `${instance.DbiResourceId ?? 'db'}-${at.getTime()}`,
    'detail-type': 'RDS DB Instance Event',
    source: 'aws.rds',
    account,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [arn],
    detail: {
      EventCategories: ['creation'],
      SourceType: 'DB_INSTANCE',
      SourceArn: arn,
      Date: at.toISOString(),
      Message: 'DB instance created',
      SourceIdentifier: instance.DBInstanceIdentifier as string,
      EventID: 'RDS-EVENT-0005',
    },
  };
}

/** The Region and identifier of a replication request's source instance, or the fault RDS answers. */
function sourceInstance(arn: string | undefined): { region: string; identifier: string } {
  const sourceArn = requireString(arn, 'SourceDBInstanceArn', missingParameter);
  const source = parseInstanceArn(sourceArn);
  if (!source) throw invalidValue(`Invalid SourceDBInstanceArn: ${sourceArn}`);
  return source;
}

export class RdsDouble {
  readonly timings: RdsTimings = { ...DEFAULT_RDS_TIMINGS };
  /** Called with the stop/start events RDS sends (RDS-EVENT-0087, -0088, -0154): deliver them to a listener, or not. */
  onPowerEvent?: (event: RdsEventBridgeEvent) => unknown;
  /** Called when an instance becomes available (deliver the RDS event to the readiness Lambda, or not). */
  onAvailable?: (instance: DBInstance) => unknown;
  /** Decides where each new instance ends; read at CreateDBInstance. */
  finalStatus: (identifier: string) => FinalInstanceStatus = () => 'available';
  /** DB instances per account and Region (the default RDS quota is 40). */
  instanceQuota = 40;
  /** The real server behind every instance created from now on (default: none, endpoints are RDS-style names). */
  backingServer?: BackingServer;

  private readonly instances: InstanceState[] = [];
  private readonly backups: AutomatedBackupState[] = [];
  private readonly snapshots: { identifier: string; region: string; instanceIdentifier: string }[] = [];

  /** Restores from manual snapshots (rds-restore.ts; the snapshots are the double's `rdsSnapshots`). */
  readonly restores: RdsRestores;

  readonly routes: readonly Route[] = [
    route(CreateDBInstanceCommand, (input, ctx) => this.createDBInstance(input, ctx)),
    route(DescribeDBInstancesCommand, (input, ctx) => this.describeDBInstances(input, ctx)),
    route(ModifyDBInstanceCommand, (input, ctx) => this.modifyDBInstance(input, ctx)),
    route(DeleteDBInstanceCommand, (input, ctx) => this.deleteDBInstance(input, ctx)),
    route(StartDBInstanceAutomatedBackupsReplicationCommand, (input, ctx) => this.startReplication(input, ctx)),
    route(StopDBInstanceAutomatedBackupsReplicationCommand, (input, ctx) => this.stopReplication(input, ctx)),
    route(DescribeDBInstanceAutomatedBackupsCommand, (input, ctx) => this.describeAutomatedBackups(input, ctx)),
    route(DeleteDBInstanceAutomatedBackupCommand, (input, ctx) => this.deleteAutomatedBackup(input, ctx)),
    route(ListTagsForResourceCommand, (input) => this.listTags(input)),
    route(AddTagsToResourceCommand, (input) => this.addTags(input)),
    route(RemoveTagsFromResourceCommand, (input) => this.removeTags(input)),
    route(StopDBInstanceCommand, (input, ctx) => this.stopDBInstance(input, ctx)),
    route(StartDBInstanceCommand, (input, ctx) => this.startDBInstance(input, ctx)),
  ];

  /** Class, Multi-AZ, storage and monitoring changes: pending values, maintenance windows, storage cool-downs. */
  private readonly modifications: InstanceModifications;

  /**
   * With an instance backend, every instance is a real server: created, stopped, started, restored and deleted with
   * it (see rds-backend.ts). ModifyDBInstance stays metadata only: the local platform simulates sizing (class,
   * storage, Multi-AZ) and the server and its data stay as they are.
   */
  constructor(
    private readonly env: DoubleEnvironment,
    private readonly secretsManager: SecretsManagerDouble,
    private readonly servers?: BackendServers,
  ) {
    this.modifications = new InstanceModifications(env, this.timings);
    this.restores = new RdsRestores({ restoreInstance: (restored, ctx) => this.restoreInstance(restored, ctx) });
    this.routes = [...this.routes, ...this.restores.routes];
  }

  createDBInstance(input: CreateDBInstanceCommandInput, ctx: CallContext): Out<CreateDBInstanceCommandOutput> {
    validateCreateDBInstance(input);
    if (input.PubliclyAccessible === true) {
      breakExpectation(
        this.env,
        `CreateDBInstance ${input.DBInstanceIdentifier}: tenant databases must not be PubliclyAccessible`,
      );
    }
    const { MasterUserPassword: password, ...spec } = input;
    const instance = this.launch({ spec, tags: input.Tags ?? [] }, ctx);
    const managed = input.ManageMasterUserPassword === true ? this.newMasterPassword(instance) : undefined;
    if (managed !== undefined) instance.masterSecret = this.createMasterSecret(instance, managed);
    else if (this.servers) instance.serverPassword = password;
    this.serverWork(
      instance,
      'create',
      (backend, key) =>
        backend.create(key, {
          masterUsername: spec.MasterUsername ?? '',
          masterPassword: managed ?? password ?? '',
          dbName: spec.DBName ?? '',
        }),
      [managed ?? password ?? ''],
    );
    return { DBInstance: this.describe(instance) };
  }

  /** A restored instance: no master secret (RestoreDBInstanceFromDBSnapshot manages none for PostgreSQL). */
  restoreInstance(restored: RestoredInstance, ctx: CallContext): Out<RestoreDBInstanceFromDBSnapshotCommandOutput> {
    const instance = this.launch(restored, ctx);
    if (this.servers) {
      const password = this.newMasterPassword(instance);
      instance.serverPassword = password;
      const { backendSnapshot } = restored;
      this.serverWork(
        instance,
        'restore',
        (backend, key) => {
          if (backendSnapshot === undefined) {
            throw new Error(`the snapshot it is restored from has no data on this platform`);
          }
          return backend.restore(backendSnapshot, key, {
            masterUsername: instance.spec.MasterUsername ?? '',
            masterPassword: password,
          });
        },
        [password],
      );
    }
    return { DBInstance: this.describe(instance) };
  }

  /** Adds a new instance in `creating` and starts its lifecycle, unless the identifier is taken or the quota is full. */
  private launch({ spec, tags }: RestoredInstance, ctx: CallContext): InstanceState {
    const input = spec;
    const identifier = (input.DBInstanceIdentifier as string).toLowerCase();
    if (this.instance(ctx.region, identifier)) {
      throw new DBInstanceAlreadyExistsFault({ message: 'DB instance already exists', $metadata: errorMetadata(400) });
    }
    if (this.instances.filter((i) => i.region === ctx.region).length >= this.instanceQuota) {
      throw new InstanceQuotaExceededFault({
        message: 'The request cannot be processed because it would exceed the maximum number of DB instances.',
        $metadata: errorMetadata(400),
      });
    }
    const arn = `arn:aws:rds:${ctx.region}:${this.env.account}:db:${identifier}`;
    const instance: InstanceState = {
      identifier,
      region: ctx.region,
      arn,
      resourceId: `db-${this.env.ids.chars(26, UPPER_ALNUM)}`,
      status: 'creating',
      createdAt: this.env.clock.now(),
      spec: structuredClone(spec),
      tags: structuredClone(tags),
      deletionProtection: input.DeletionProtection ?? false,
      backupRetentionPeriod: input.BackupRetentionPeriod ?? 1,
      backupWindow: input.PreferredBackupWindow ?? '07:00-07:30',
      maintenanceWindow: input.PreferredMaintenanceWindow ?? 'sun:05:00-sun:05:30',
      endpointVisible: false,
      backingServer: this.backingServer && { ...this.backingServer },
      timers: [],
    };
    this.instances.push(instance);
    this.startLifecycle(instance);
    return instance;
  }

  describeDBInstances(
    input: DescribeDBInstancesCommand['input'],
    ctx: CallContext,
  ): Out<DescribeDBInstancesCommandOutput> {
    if (input.DBInstanceIdentifier !== undefined) {
      const instance = this.resolve(ctx.region, input.DBInstanceIdentifier);
      if (!instance) throw notFound(input.DBInstanceIdentifier);
      return { DBInstances: [this.describe(instance)] };
    }
    const matches = (instance: InstanceState) =>
      (input.Filters ?? []).every((filter) => {
        const values = filter.Values ?? [];
        if (filter.Name === 'db-instance-id') return values.some((v) => this.resolve(ctx.region, v) === instance);
        if (filter.Name === 'dbi-resource-id') return values.includes(instance.resourceId);
        throw new NotModeledError(`DescribeDBInstances filter ${filter.Name}`);
      });
    // Pages as RDS serves them: MaxRecords 20-100 (default 100), the Marker says where the next page starts.
    const pageSize = input.MaxRecords ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 20 || pageSize > 100) {
      throw invalidValue(`MaxRecords must be between 20 and 100 (got ${pageSize}).`);
    }
    const start = input.Marker === undefined ? 0 : Number(input.Marker);
    const all = this.instances.filter((i) => i.region === ctx.region && matches(i));
    const next = start + pageSize;
    return {
      DBInstances: all.slice(start, next).map((i) => this.describe(i)),
      ...(next < all.length ? { Marker: String(next) } : {}),
    };
  }

  modifyDBInstance(input: ModifyDBInstanceCommand['input'], ctx: CallContext): Out<ModifyDBInstanceCommandOutput> {
    const unmodeled = Object.entries(input).filter(
      ([key, value]) => value !== undefined && !MODIFIABLE.has(key) && !TIER_CHANGE_PARAMETERS.has(key),
    );
    if (unmodeled.length > 0) {
      throw new NotModeledError(`ModifyDBInstance parameters ${unmodeled.map(([k]) => k).join(', ')}`);
    }
    const id = requireString(input.DBInstanceIdentifier, 'DBInstanceIdentifier', missingParameter);
    const instance = this.resolve(ctx.region, id);
    if (!instance) throw notFound(id);
    const changes = Object.entries(input)
      .filter(([key, value]) => value !== undefined && key !== 'DBInstanceIdentifier' && key !== 'ApplyImmediately')
      .map(([key]) => key);
    const onlyProtection = changes.every((key) => key === 'DeletionProtection');
    // Deletion protection is a flag on the resource, not a change to the database: RDS accepts it while the instance
    // is busy (backing-up, modifying), but not before it exists or once it is broken or going.
    // Storage optimization leaves the instance usable and modifiable (only storage changes wait for it to end).
    const modifiable = instance.status === 'available' || instance.status === 'storage-optimization';
    if (UNMODIFIABLE.test(instance.status) || (!modifiable && !onlyProtection)) {
      throw invalidState(`Database instance is not in available state (it is ${instance.status}).`);
    }
    validateBackupSettings({
      BackupRetentionPeriod: input.BackupRetentionPeriod,
      PreferredBackupWindow: input.PreferredBackupWindow ?? (input.PreferredMaintenanceWindow && instance.backupWindow),
      PreferredMaintenanceWindow:
        input.PreferredMaintenanceWindow ?? (input.PreferredBackupWindow && instance.maintenanceWindow),
    });
    if (InstanceModifications.touches(input)) this.modifications.modify(instance, input);
    if (input.DeletionProtection !== undefined) instance.deletionProtection = input.DeletionProtection;
    if (input.BackupRetentionPeriod !== undefined) instance.backupRetentionPeriod = input.BackupRetentionPeriod;
    if (input.PreferredBackupWindow !== undefined) instance.backupWindow = input.PreferredBackupWindow;
    if (input.PreferredMaintenanceWindow !== undefined) instance.maintenanceWindow = input.PreferredMaintenanceWindow;
    if (input.ManageMasterUserPassword === true && !instance.masterSecret) {
      instance.spec.ManageMasterUserPassword = true;
      if (input.MasterUserSecretKmsKeyId) instance.spec.MasterUserSecretKmsKeyId = input.MasterUserSecretKmsKeyId;
      const secret = this.createMasterSecret(instance);
      if (secret) instance.masterSecret = { ...secret, status: 'active' };
    }
    if (!onlyProtection && this.timings.modifyingMs > 0 && instance.status === 'available') {
      instance.status = 'modifying';
      instance.timers.push(
        this.env.clock.schedule(this.timings.modifyingMs, () => {
          if (instance.status === 'modifying') instance.status = 'available';
        }),
      );
    }
    return { DBInstance: this.describe(instance) };
  }

  deleteDBInstance(input: DeleteDBInstanceCommand['input'], ctx: CallContext): Out<DeleteDBInstanceCommandOutput> {
    const id = requireString(input.DBInstanceIdentifier, 'DBInstanceIdentifier', missingParameter);
    const instance = this.resolve(ctx.region, id);
    if (!instance) throw notFound(id);
    if (instance.status === 'deleting') throw invalidState(`Instance ${instance.identifier} is already being deleted.`);
    if (instance.deletionProtection) {
      throw invalidCombination(
        'Cannot delete protected DB Instance, please disable deletion protection and try again.',
      );
    }
    const age = this.env.clock.now() - instance.createdAt;
    if (instance.status === 'creating' && age < this.timings.refuseDeletionWhileCreatingMs) {
      throw invalidState(`Instance ${instance.identifier} is currently creating - it cannot be deleted yet.`);
    }
    if (input.SkipFinalSnapshot === true && input.FinalDBSnapshotIdentifier !== undefined) {
      throw invalidCombination(
        'FinalDBSnapshotIdentifier can not be specified when deleting an instance with SkipFinalSnapshot=true.',
      );
    }
    if (input.SkipFinalSnapshot !== true) {
      if (!input.FinalDBSnapshotIdentifier) {
        throw invalidCombination('FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.');
      }
      this.recordFinalSnapshot(instance, input.FinalDBSnapshotIdentifier);
    }
    for (const timer of instance.timers.splice(0)) timer.cancel();
    instance.status = 'deleting';
    instance.deleteAutomatedBackups = input.DeleteAutomatedBackups ?? true;
    instance.timers.push(this.env.clock.schedule(this.timings.deletionMs, () => this.endDeletion(instance)));
    return { DBInstance: this.describe(instance) };
  }

  /** The end of `deleting`: the server and its data go, then the instance (also when a restarted double resumes it). */
  private endDeletion(instance: InstanceState): unknown {
    this.serverWork(instance, 'delete', (backend, key) => backend.delete(key));
    return this.afterServer(instance, 'deleting', () =>
      this.finishDeletion(instance, instance.deleteAutomatedBackups ?? true),
    );
  }

  startReplication(
    input: StartDBInstanceAutomatedBackupsReplicationCommand['input'],
    ctx: CallContext,
  ): Out<StartDBInstanceAutomatedBackupsReplicationCommandOutput> {
    const source = sourceInstance(input.SourceDBInstanceArn);
    if (source.region === ctx.region) {
      throw invalidValue(
        'StartDBInstanceAutomatedBackupsReplication must be called in the destination Region, which must differ from the source Region.',
      );
    }
    const instance = this.instance(source.region, source.identifier);
    if (!instance) throw notFound(source.identifier);
    if (instance.status !== 'available') {
      throw invalidState(`DB instance ${instance.identifier} is not in available state (it is ${instance.status}).`);
    }
    if (instance.backupRetentionPeriod === 0) {
      throw invalidState(`Automated backups are not enabled for DB instance ${instance.identifier}.`);
    }
    if (instance.spec.StorageEncrypted === true && !input.KmsKeyId) {
      throw invalidCombination('KmsKeyId is required to replicate the automated backups of an encrypted DB instance.');
    }
    // The API reference asks for the ARN of the key in the destination Region; an alias or a bare key id is not one.
    if (input.KmsKeyId !== undefined && !KMS_KEY_ARN.test(input.KmsKeyId)) {
      throw invalidValue(`KmsKeyId must be the ARN of a KMS key in the destination Region (got ${input.KmsKeyId}).`);
    }
    const keyRegion = input.KmsKeyId ? kmsKeyRegion(input.KmsKeyId) : undefined;
    if (keyRegion !== undefined && keyRegion !== ctx.region) {
      throw new KMSKeyNotAccessibleFault({
        message: `The KMS key ${input.KmsKeyId} is not in the destination Region ${ctx.region}.`,
        $metadata: errorMetadata(400),
      });
    }
    const retentionDays = input.BackupRetentionPeriod ?? 7;
    if (!isIntIn(retentionDays, 1, 35)) throw invalidValue(`Invalid backup retention period ${retentionDays}.`);
    const active = this.activeReplication(instance);
    if (active?.region === ctx.region) {
      throw invalidState(
        `DB instance ${instance.identifier} is already replicating automated backups to ${ctx.region}.`,
      );
    }
    if (active) {
      throw new DBInstanceAutomatedBackupQuotaExceededFault({
        message: `DB instance ${instance.identifier} already replicates its automated backups to ${active.region}.`,
        $metadata: errorMetadata(400),
      });
    }
    const backup: AutomatedBackupState = {
      arn: `arn:aws:rds:${ctx.region}:${this.env.account}:auto-backup:ab-${this.env.ids.chars(26, LOWER_ALNUM)}`,
      region: ctx.region,
      source: {
        arn: instance.arn,
        region: instance.region,
        identifier: instance.identifier,
        resourceId: instance.resourceId,
        spec: instance.spec,
      },
      status: 'pending',
      retentionDays,
      kmsKeyId: input.KmsKeyId,
      createdAt: this.env.clock.now(),
      timers: [],
    };
    backup.timers.push(
      this.env.clock.schedule(this.timings.replicationPendingMs, () => {
        if (backup.status === 'pending') backup.status = 'replicating';
      }),
    );
    this.backups.push(backup);
    return { DBInstanceAutomatedBackup: this.describeBackup(backup) };
  }

  stopReplication(
    input: StopDBInstanceAutomatedBackupsReplicationCommand['input'],
    ctx: CallContext,
  ): Out<StopDBInstanceAutomatedBackupsReplicationCommandOutput> {
    const source = sourceInstance(input.SourceDBInstanceArn);
    const instance = this.instance(source.region, source.identifier);
    if (!instance) throw notFound(source.identifier);
    const active = this.activeReplication(instance);
    if (!active || active.region !== ctx.region) {
      throw invalidState(`DB instance ${instance.identifier} is not replicating automated backups to ${ctx.region}.`);
    }
    this.retain(active);
    return { DBInstanceAutomatedBackup: this.describeBackup(active) };
  }

  describeAutomatedBackups(
    input: DescribeDBInstanceAutomatedBackupsCommand['input'],
    ctx: CallContext,
  ): Out<DescribeDBInstanceAutomatedBackupsCommandOutput> {
    if (input.Filters?.length) throw new NotModeledError('DescribeDBInstanceAutomatedBackups Filters');
    // The Region's own instances have an active automated backup while retention is on.
    const own: DBInstanceAutomatedBackup[] = this.instances
      .filter((i) => i.region === ctx.region && i.backupRetentionPeriod > 0 && i.createTime !== undefined)
      .map((i) => ({
        ...this.backupFields(i.region, i.arn, i.identifier, i.resourceId, i.spec),
        DBInstanceAutomatedBackupsArn: `arn:aws:rds:${i.region}:${this.env.account}:auto-backup:ab-${i.resourceId.slice(3).toLowerCase()}`,
        Status: 'active',
        BackupRetentionPeriod: i.backupRetentionPeriod,
      }));
    const stored = this.backups.filter((b) => b.region === ctx.region).map((b) => this.describeBackup(b));
    const selected = [...own, ...stored].filter(
      (b) =>
        (input.DbiResourceId === undefined || b.DbiResourceId === input.DbiResourceId) &&
        (input.DBInstanceIdentifier === undefined ||
          b.DBInstanceIdentifier === input.DBInstanceIdentifier.toLowerCase()) &&
        (input.DBInstanceAutomatedBackupsArn === undefined ||
          b.DBInstanceAutomatedBackupsArn === input.DBInstanceAutomatedBackupsArn),
    );
    if (selected.length === 0 && (input.DbiResourceId || input.DBInstanceAutomatedBackupsArn)) {
      throw backupNotFound(
        `No automated backup found for ${input.DbiResourceId ?? input.DBInstanceAutomatedBackupsArn}.`,
      );
    }
    return { DBInstanceAutomatedBackups: selected };
  }

  deleteAutomatedBackup(
    input: DeleteDBInstanceAutomatedBackupCommand['input'],
    ctx: CallContext,
  ): Out<DeleteDBInstanceAutomatedBackupCommandOutput> {
    if (!input.DbiResourceId && !input.DBInstanceAutomatedBackupsArn) {
      throw invalidCombination('Specify DbiResourceId or DBInstanceAutomatedBackupsArn.');
    }
    const backup = this.backups.find(
      (b) =>
        b.region === ctx.region &&
        (b.arn === input.DBInstanceAutomatedBackupsArn || b.source.resourceId === input.DbiResourceId),
    );
    if (!backup) {
      throw backupNotFound(
        `No automated backup found for ${input.DbiResourceId ?? input.DBInstanceAutomatedBackupsArn}.`,
      );
    }
    if (backup.status !== 'retained') {
      throw new InvalidDBInstanceAutomatedBackupStateFault({
        message: `The automated backup is ${backup.status}; stop the replication before deleting it.`,
        $metadata: errorMetadata(400),
      });
    }
    this.removeBackup(backup);
    return { DBInstanceAutomatedBackup: { ...this.describeBackup(backup), Status: 'deleting' } };
  }

  listTags(input: ListTagsForResourceCommand['input']): Out<ListTagsForResourceCommandOutput> {
    return { TagList: structuredClone(this.byArn(input.ResourceName).tags) };
  }

  addTags(input: AddTagsToResourceCommand['input']): Record<string, never> {
    const instance = this.byArn(input.ResourceName);
    const tags = mergeTags(instance.tags, input.Tags ?? []);
    validateTags(tags, invalidValue);
    instance.tags = tags;
    return {};
  }

  removeTags(input: RemoveTagsFromResourceCommand['input']): Record<string, never> {
    const instance = this.byArn(input.ResourceName);
    instance.tags = instance.tags.filter((t) => !(input.TagKeys ?? []).includes(t.Key ?? ''));
    return {};
  }

  /** Every instance that exists, in any state. */
  listInstances(): InstanceSummary[] {
    return this.instances.map((i) => ({
      identifier: i.identifier,
      region: i.region,
      arn: i.arn,
      status: i.status,
      tags: structuredClone(i.tags),
    }));
  }

  /** Every replicated or retained automated backup, in any Region. */
  listBackups(): BackupSummary[] {
    return this.backups.map((b) => ({ arn: b.arn, region: b.region, sourceArn: b.source.arn, status: b.status }));
  }

  /** Final snapshots taken by DeleteDBInstance. */
  listSnapshots(): { identifier: string; region: string; instanceIdentifier: string }[] {
    return structuredClone(this.snapshots);
  }

  /** An instance as DescribeDBInstances returns it, or undefined. */
  describeInstance(identifier: string, region: string): DBInstance | undefined {
    const instance = this.instance(region, identifier.toLowerCase());
    return instance && this.describe(instance);
  }

  /** The password of a new managed master secret: the one the instance's server has, else a new random one. */
  private newMasterPassword(instance: InstanceState): string {
    return (
      instance.backingServer?.masterPassword ??
      instance.serverPassword ??
      (this.secretsManager.getRandomPassword({ PasswordLength: 28, ExcludeCharacters: '/@"\' \\' })
        .RandomPassword as string)
    );
  }

  private createMasterSecret(
    instance: InstanceState,
    password = this.newMasterPassword(instance),
  ): InstanceState['masterSecret'] {
    const kmsKeyId = instance.spec.MasterUserSecretKmsKeyId ?? 'alias/aws/secretsmanager';
    instance.serverPassword = undefined;
    const arn = this.secretsManager.createManaged({
      region: instance.region,
      name: `rds!db-${this.env.ids.uuid()}`,
      owningService: 'rds',
      kmsKeyId,
      tags: [
        { Key: 'aws:rds:primaryDBInstanceArn', Value: instance.arn },
        { Key: 'aws:secretsmanager:owningService', Value: 'rds' },
      ],
      value: JSON.stringify({ username: instance.spec.MasterUsername, password }),
    });
    return { arn, kmsKeyId, status: 'creating' };
  }

  private startLifecycle(instance: InstanceState): void {
    const { creationMs, backingUpMs } = this.timings;
    const final = this.finalStatus(instance.identifier);
    const { clock } = this.env;
    instance.timers.push(
      clock.schedule(creationMs, () =>
        this.afterServer(instance, 'creating', () => {
          instance.createTime = clock.now();
          if (final !== 'available') {
            instance.status = final;
            return undefined;
          }
          instance.status = 'backing-up';
          instance.endpointVisible = true;
          instance.timers.push(clock.schedule(backingUpMs, () => this.becomeAvailable(instance)));
          return undefined;
        }),
      ),
    );
  }

  private becomeAvailable(instance: InstanceState): unknown {
    instance.status = 'available';
    if (instance.masterSecret) instance.masterSecret.status = 'active';
    return this.onAvailable?.(this.describe(instance));
  }

  private finishDeletion(instance: InstanceState, deleteAutomatedBackups: boolean): void {
    this.instances.splice(this.instances.indexOf(instance), 1);
    if (instance.masterSecret) this.secretsManager.removeManaged(instance.masterSecret.arn);
    const replication = this.activeReplication(instance);
    if (replication) this.retain(replication);
    if (!deleteAutomatedBackups && instance.backupRetentionPeriod > 0 && instance.createTime !== undefined) {
      const retained: AutomatedBackupState = {
        arn: `arn:aws:rds:${instance.region}:${this.env.account}:auto-backup:ab-${instance.resourceId.slice(3).toLowerCase()}`,
        region: instance.region,
        source: {
          arn: instance.arn,
          region: instance.region,
          identifier: instance.identifier,
          resourceId: instance.resourceId,
          spec: instance.spec,
        },
        status: 'retained',
        retentionDays: instance.backupRetentionPeriod,
        createdAt: this.env.clock.now(),
        timers: [],
      };
      this.backups.push(retained);
      this.retain(retained);
    }
  }

  /** Replicated backups outlive the replication: they stay `retained` until deleted or out of retention. */
  private retain(backup: AutomatedBackupState): void {
    for (const timer of backup.timers.splice(0)) timer.cancel();
    backup.status = 'retained';
    backup.timers.push(this.env.clock.schedule(backup.retentionDays * DAY_MS, () => this.removeBackup(backup)));
  }

  private removeBackup(backup: AutomatedBackupState): void {
    for (const timer of backup.timers.splice(0)) timer.cancel();
    const index = this.backups.indexOf(backup);
    if (index >= 0) this.backups.splice(index, 1);
  }

  private recordFinalSnapshot(instance: InstanceState, identifier: string): void {
    if (this.snapshots.some((s) => s.region === instance.region && s.identifier === identifier)) {
      throw new DBSnapshotAlreadyExistsFault({
        message: `Cannot create the snapshot because a snapshot with the identifier ${identifier} already exists.`,
        $metadata: errorMetadata(400),
      });
    }
    this.snapshots.push({ identifier, region: instance.region, instanceIdentifier: instance.identifier });
  }

  private activeReplication(instance: InstanceState): AutomatedBackupState | undefined {
    return this.backups.find((b) => b.source.arn === instance.arn && b.status !== 'retained');
  }

  private instance(region: string, identifier: string): InstanceState | undefined {
    return this.instances.find((i) => i.region === region && i.identifier === identifier);
  }

  /** By identifier (any case) or ARN, in the calling Region. */
  private resolve(region: string, idOrArn: string): InstanceState | undefined {
    const arn = parseInstanceArn(idOrArn);
    if (arn) return arn.region === region ? this.instance(region, arn.identifier) : undefined;
    return this.instance(region, idOrArn.toLowerCase());
  }

  private byArn(resourceName: string | undefined): InstanceState {
    const arn = requireString(resourceName, 'ResourceName', missingParameter);
    const parsed = parseInstanceArn(arn);
    if (!parsed) throw new NotModeledError(`RDS tagging of resources other than DB instances (${arn})`);
    const instance = this.instance(parsed.region, parsed.identifier);
    if (!instance) throw notFound(parsed.identifier);
    return instance;
  }

  private backupFields(
    region: string,
    arn: string,
    identifier: string,
    resourceId: string,
    spec: InstanceState['spec'],
  ): DBInstanceAutomatedBackup {
    return {
      DBInstanceArn: arn,
      DbiResourceId: resourceId,
      Region: region,
      DBInstanceIdentifier: identifier,
      AllocatedStorage: spec.AllocatedStorage,
      Port: spec.Port ?? 5432,
      MasterUsername: spec.MasterUsername,
      Engine: spec.Engine,
      EngineVersion: spec.EngineVersion,
      StorageType: spec.StorageType,
      Encrypted: spec.StorageEncrypted ?? false,
    };
  }

  private describeBackup(backup: AutomatedBackupState): DBInstanceAutomatedBackup {
    const { source } = backup;
    return {
      ...this.backupFields(source.region, source.arn, source.identifier, source.resourceId, source.spec),
      DBInstanceAutomatedBackupsArn: backup.arn,
      Status: backup.status,
      BackupRetentionPeriod: backup.retentionDays,
      KmsKeyId: backup.kmsKeyId,
      InstanceCreateTime: new Date(backup.createdAt),
    };
  }

  private describe(i: InstanceState): DBInstance {
    const { spec } = i;
    const port = spec.Port ?? 5432;
    return structuredClone({
      DBInstanceIdentifier: i.identifier,
      DBInstanceArn: i.arn,
      DbiResourceId: i.resourceId,
      DBInstanceClass: spec.DBInstanceClass,
      Engine: spec.Engine,
      EngineVersion: spec.EngineVersion,
      DBInstanceStatus: i.status,
      MasterUsername: spec.MasterUsername,
      DBName: spec.DBName,
      Endpoint: i.endpointVisible
        ? {
            Address:
              i.server?.address ?? i.backingServer?.address ?? `${i.identifier}.abc123.${i.region}.rds.amazonaws.com`,
            Port: i.server?.port ?? i.backingServer?.port ?? port,
            HostedZoneId: 'Z2R2ITUGPM61AM',
          }
        : undefined,
      AllocatedStorage: spec.AllocatedStorage,
      MaxAllocatedStorage: spec.MaxAllocatedStorage,
      StorageType: spec.StorageType ?? 'gp2',
      Iops: spec.Iops,
      StorageThroughput: spec.StorageThroughput,
      StorageEncrypted: spec.StorageEncrypted ?? false,
      KmsKeyId: spec.StorageEncrypted
        ? (spec.KmsKeyId ?? `arn:aws:kms:${i.region}:${this.env.account}:alias/aws/rds`)
        : undefined,
      InstanceCreateTime: i.createTime === undefined ? undefined : new Date(i.createTime),
      MultiAZ: spec.MultiAZ ?? false,
      PubliclyAccessible: spec.PubliclyAccessible ?? false,
      AutoMinorVersionUpgrade: spec.AutoMinorVersionUpgrade ?? true,
      BackupRetentionPeriod: i.backupRetentionPeriod,
      PreferredBackupWindow: i.backupWindow,
      PreferredMaintenanceWindow: i.maintenanceWindow,
      DeletionProtection: i.deletionProtection,
      CopyTagsToSnapshot: spec.CopyTagsToSnapshot ?? false,
      DBSubnetGroup: spec.DBSubnetGroupName ? { DBSubnetGroupName: spec.DBSubnetGroupName } : undefined,
      VpcSecurityGroups: (spec.VpcSecurityGroupIds ?? []).map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })),
      DBParameterGroups: spec.DBParameterGroupName
        ? [{ DBParameterGroupName: spec.DBParameterGroupName, ParameterApplyStatus: 'in-sync' }]
        : [],
      CACertificateIdentifier: spec.CACertificateIdentifier ?? 'rds-ca-rsa2048-g1',
      MonitoringInterval: spec.MonitoringInterval ?? 0,
      MonitoringRoleArn: spec.MonitoringRoleArn,
      PerformanceInsightsEnabled: spec.EnablePerformanceInsights ?? false,
      PerformanceInsightsKMSKeyId: spec.PerformanceInsightsKMSKeyId,
      PerformanceInsightsRetentionPeriod: spec.PerformanceInsightsRetentionPeriod,
      DatabaseInsightsMode: spec.DatabaseInsightsMode,
      EnabledCloudwatchLogsExports: spec.EnableCloudwatchLogsExports,
      IAMDatabaseAuthenticationEnabled: spec.EnableIAMDatabaseAuthentication ?? false,
      PendingModifiedValues: this.modifications.pendingOf(i),
      TagList: i.tags,
      MasterUserSecret: i.masterSecret
        ? { SecretArn: i.masterSecret.arn, SecretStatus: i.masterSecret.status, KmsKeyId: i.masterSecret.kmsKeyId }
        : undefined,
      DBInstanceAutomatedBackupsReplications: this.backups
        .filter((b) => b.source.arn === i.arn && b.status !== 'retained')
        .map((b) => ({ DBInstanceAutomatedBackupsArn: b.arn })),
    } satisfies DBInstance);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Stopping and starting (RDS API reference StopDBInstance / StartDBInstance; RDS User Guide "Stopping an Amazon RDS
  // DB instance temporarily"): only an available instance stops, only a stopped one starts, and RDS starts an
  // instance stopped for 7 days by itself.

  stopDBInstance(input: StopDBInstanceCommand['input'], ctx: CallContext): Out<StopDBInstanceCommandOutput> {
    const id = requireString(input.DBInstanceIdentifier, 'DBInstanceIdentifier', missingParameter);
    if (input.DBSnapshotIdentifier !== undefined) throw new NotModeledError('StopDBInstance DBSnapshotIdentifier');
    const instance = this.resolve(ctx.region, id);
    if (!instance) throw notFound(id);
    if (instance.status !== 'available') {
      throw invalidState(`Instance ${instance.identifier} is not in available state (it is ${instance.status}).`);
    }
    this.powerTransition(instance, {
      operation: 'stop',
      during: 'stopping',
      after: 'stopped',
      ms: this.timings.stoppingMs,
      event: ['RDS-EVENT-0087', 'DB instance stopped'],
      afterwards: () => instance.timers.push(this.env.clock.schedule(STOPPED_LIMIT_MS, () => this.autoStart(instance))),
    });
    return { DBInstance: this.describe(instance) };
  }

  startDBInstance(input: StartDBInstanceCommand['input'], ctx: CallContext): Out<StartDBInstanceCommandOutput> {
    const id = requireString(input.DBInstanceIdentifier, 'DBInstanceIdentifier', missingParameter);
    const instance = this.resolve(ctx.region, id);
    if (!instance) throw notFound(id);
    if (instance.status !== 'stopped') {
      throw invalidState(`Instance ${instance.identifier} is not stopped (it is ${instance.status}).`);
    }
    this.beginStart(instance);
    return { DBInstance: this.describe(instance) };
  }

  /**
   * RDS's own start of an instance stopped for 7 days, now rather than when the virtual clock gets there. Returns
   * false when the instance is not stopped.
   */
  autoStartNow(identifier: string, region = this.env.region): boolean {
    const instance = this.instance(region, identifier);
    if (instance?.status !== 'stopped') return false;
    this.autoStart(instance);
    return true;
  }

  private autoStart(instance: InstanceState): unknown {
    if (instance.status !== 'stopped') return undefined;
    this.beginStart(instance);
    return this.onPowerEvent?.(
      powerEvent(
        instance,
        'RDS-EVENT-0154',
        'DB instance is being started due to it exceeding the maximum allowed time being stopped.',
        this.env.clock.now(),
      ),
    );
  }

  private beginStart(instance: InstanceState): void {
    for (const timer of instance.timers.splice(0)) timer.cancel();
    this.powerTransition(instance, {
      operation: 'start',
      during: 'starting',
      after: 'available',
      ms: this.timings.startingMs,
      event: ['RDS-EVENT-0088', 'DB instance started'],
    });
  }

  /**
   * A stop or a start: `during` now, the server stopped or started, then `after` once both the timing and the server
   * are done, with the event RDS sends (and `afterwards`, what follows it).
   */
  private powerTransition(
    instance: InstanceState,
    change: {
      operation: 'stop' | 'start';
      during: string;
      after: string;
      ms: number;
      event: readonly [id: string, message: string];
      afterwards?: () => unknown;
    },
  ): void {
    instance.status = change.during;
    this.serverWork(instance, change.operation, (backend, key) => backend[change.operation](key));
    const { clock } = this.env;
    instance.timers.push(
      clock.schedule(change.ms, () =>
        this.afterServer(instance, change.during, () => {
          if (instance.status !== change.during) return undefined;
          instance.status = change.after;
          change.afterwards?.();
          return this.onPowerEvent?.(powerEvent(instance, change.event[0], change.event[1], clock.now()));
        }),
      ),
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // State that survives a restart of the local platform (persisted.ts).

  /** Instances, backups and final snapshots, with the due time of each pending transition. */
  exportState(): PersistedRds {
    return {
      instances: this.instances.map((instance) => {
        const { timers, ...fields } = instance;
        const window = this.modifications.windowOf(instance);
        return {
          ...structuredClone(fields),
          dueAt: firstDue(timers.filter((t) => t !== window)),
          modification: this.modifications.exportOf(instance),
        };
      }),
      backups: this.backups.map(({ timers, ...fields }) => ({ ...structuredClone(fields), dueAt: firstDue(timers) })),
      finalSnapshots: structuredClone(this.snapshots),
    };
  }

  /**
   * Loads a saved state into this (fresh) double. An instance or backup caught in a transition resumes it: the
   * transition ends at its saved due time, or at once when that time has passed while the platform was down.
   */
  importState(state: PersistedRds): void {
    if (this.instances.length > 0 || this.backups.length > 0 || this.snapshots.length > 0) {
      throw new Error('RDS double: a saved state loads into a fresh double only');
    }
    const { clock } = this.env;
    for (const { dueAt, modification, ...fields } of state.instances) {
      const instance: InstanceState = { ...structuredClone(fields), timers: [] };
      this.instances.push(instance);
      if (modification) this.modifications.restore(instance, modification);
      this.resume(instance, dueAt);
    }
    for (const { dueAt, ...fields } of state.backups) {
      const backup: AutomatedBackupState = { ...structuredClone(fields), timers: [] };
      this.backups.push(backup);
      const at = dueAt ?? clock.now();
      if (backup.status === 'retained') backup.timers.push(clock.scheduleAt(at, () => this.removeBackup(backup)));
      if (backup.status === 'pending') {
        backup.timers.push(
          clock.scheduleAt(at, () => {
            if (backup.status === 'pending') backup.status = 'replicating';
          }),
        );
      }
    }
    this.snapshots.push(...structuredClone(state.finalSnapshots));
  }

  /** Schedules the rest of the transition `instance` was in when its state was saved. */
  private resume(instance: InstanceState, dueAt: number | undefined): void {
    const { clock } = this.env;
    const at = dueAt ?? clock.now();
    const remaining = Math.max(0, at - clock.now());
    const scheduleAt = (run: () => unknown) => instance.timers.push(clock.scheduleAt(at, run));
    switch (instance.status) {
      case 'creating':
        this.withTiming('creationMs', remaining, () => this.startLifecycle(instance));
        return;
      case 'backing-up':
        scheduleAt(() => this.becomeAvailable(instance));
        return;
      case 'deleting':
        scheduleAt(() => this.endDeletion(instance));
        return;
      case 'stopping':
        // StopDBInstance again, ending when the saved one would have: the same path as a stop requested now.
        instance.status = 'available';
        this.withTiming('stoppingMs', remaining, () =>
          this.stopDBInstance(
            { DBInstanceIdentifier: instance.identifier },
            { service: 'rds', command: 'StopDBInstance', region: instance.region, clientConfig: {} },
          ),
        );
        return;
      case 'stopped':
        instance.timers.push(clock.scheduleAt(dueAt ?? clock.now() + STOPPED_LIMIT_MS, () => this.autoStart(instance)));
        return;
      case 'starting':
        this.withTiming('startingMs', remaining, () => this.beginStart(instance));
        return;
      case 'modifying':
      case 'storage-optimization':
        this.modifications.resume(instance, at);
        return;
      default:
    }
  }

  /** Runs `run` with one timing changed: a resumed transition takes what was left of it. */
  private withTiming(key: keyof RdsTimings, ms: number, run: () => void): void {
    const saved = this.timings[key];
    this.timings[key] = ms;
    try {
      run();
    } finally {
      this.timings[key] = saved;
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // The instance's server, with an instance backend (rds-backend.ts).

  /**
   * Starts the server side of `operation` on the instance's server, after its earlier server work; an endpoint the
   * backend answers becomes the instance's. Without a backend, nothing.
   */
  private serverWork(
    instance: InstanceState,
    operation: 'create' | 'restore' | 'stop' | 'start' | 'delete',
    work: (backend: InstanceBackend, key: string) => Promise<unknown>,
    passwords: readonly string[] = [],
  ): void {
    if (!this.servers) return;
    const { backend } = this.servers;
    const key = backendKey(instance.identifier, instance.region, this.env.region);
    // Failure reasons never quote a password; masked anyway, whichever the server was given.
    const secrets = [...this.env.secretValues, ...passwords];
    void this.servers.work.run(
      instance,
      `${operation} of the server of DB instance ${instance.identifier} (${instance.region})`,
      async () => {
        const endpoint = await work(backend, key);
        if (isEndpoint(endpoint)) instance.server = { address: endpoint.address, port: endpoint.port };
      },
      secrets,
    );
  }

  /**
   * Runs `step` once the instance's server work has settled, if the instance is still `status`: at once without a
   * backend. A server that failed leaves the instance `failed`, as RDS leaves one it could not create or start.
   */
  private afterServer(instance: InstanceState, status: string, step: () => unknown): unknown {
    if (!this.servers) return step();
    return this.servers.work.after(instance, (ok) => {
      if (instance.status !== status) return undefined;
      if (ok) return step();
      for (const timer of instance.timers.splice(0)) timer.cancel();
      instance.status = 'failed';
      return undefined;
    });
  }
}

/** RDS starts an instance that has been stopped for 7 days. */
const STOPPED_LIMIT_MS = 7 * DAY_MS;

/** A stop/start event of `instance` as RDS puts it on the default bus (category `notification`). */
function powerEvent(instance: InstanceState, eventId: string, message: string, at: number): RdsEventBridgeEvent {
  const date = new Date(at).toISOString();
  return {
    version: '0',
    id: `${instance.resourceId}-${eventId}-${at}`,
    'detail-type': 'RDS DB Instance Event',
    source: 'aws.rds',
    account: instance.arn.split(':')[4] ?? '',
    time: date.replace(/\.\d{3}Z$/, 'Z'),
    region: instance.region,
    resources: [instance.arn],
    detail: {
      EventCategories: ['notification'],
      SourceType: 'DB_INSTANCE',
      SourceArn: instance.arn,
      Date: date,
      Message: message,
      SourceIdentifier: instance.identifier,
      EventID: eventId,
    },
  };
}
