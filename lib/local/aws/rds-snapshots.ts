/**
 * RDS manual DB snapshots on the virtual clock, as the RDS API reference describes them:
 *
 * ```
 * CreateDBSnapshot (instance available or storage-optimization) ─► creating ──snapshotMs──► available
 * CopyDBSnapshot (called in the destination Region, source by ARN) ─► creating ──copyMs──► available
 * DescribeAccountAttributes ─► AccountQuotas ManualSnapshots { Used, Max }: Max is `manualSnapshotQuota` (100 by
 *   default); CreateDBSnapshot and CopyDBSnapshot refuse with SnapshotQuotaExceeded when a Region's quota is full.
 * DeleteDBSnapshot (available only, else InvalidDBSnapshotState) ─► gone
 * seed (a test's snapshot, as an earlier offboarding would have left it) ─► available
 * ```
 *
 * With an instance backend (rds-backend.ts), CreateDBSnapshot copies the instance's data folder and the snapshot is
 * `available` once both its timing has passed and the copy is done (`failed` if the copy failed); CopyDBSnapshot
 * makes no second copy (a copy refers to its source's data), and the data goes with the last snapshot referring to it.
 *
 * The one store of manual snapshots: offboarding creates and copies them, the purge deletes them, and
 * RestoreDBInstanceFromDBSnapshot (rds-restore.ts) reads them.
 *
 * Snapshot identifiers follow RDS's rules (1–255 letters, digits and hyphens, a letter first, no two hyphens in a
 * row, no hyphen last); an encrypted snapshot copied to another Region needs a KMS key of that Region.
 *
 * @module
 */
import {
  CopyDBSnapshotCommand,
  type CopyDBSnapshotCommandOutput,
  CreateDBSnapshotCommand,
  type CreateDBSnapshotCommandOutput,
  type DBInstance,
  DBInstanceNotFoundFault,
  type DBSnapshot,
  DBSnapshotAlreadyExistsFault,
  DBSnapshotNotFoundFault,
  DeleteDBSnapshotCommand,
  type DeleteDBSnapshotCommandOutput,
  DescribeAccountAttributesCommand,
  type DescribeAccountAttributesCommandOutput,
  DescribeDBSnapshotsCommand,
  type DescribeDBSnapshotsCommandOutput,
  InvalidDBInstanceStateFault,
  InvalidDBSnapshotStateFault,
  SnapshotQuotaExceededFault,
  type Tag,
} from '@aws-sdk/client-rds';
import { MASTER_USERNAME } from '../../../lambdas/shared/naming';
import type { CallContext, DoubleEnvironment, Out, Route } from './environment';
import { route } from './environment';
import { errorMetadata } from './errors';
import { type BackendServers, backendKey } from './rds-backend';
import { invalidCombination, invalidValue, missingParameter } from './rds-rules';
import { requireString, validateTags } from './validate';

const MINUTE = 60_000;

/** The instances side of the double, as snapshots need it. */
export interface SnapshotSource {
  describeInstance(identifier: string, region: string): DBInstance | undefined;
  /** Snapshots RDS took at DeleteDBInstance (they count against the same quota). */
  listSnapshots(): { region: string }[];
}

/** One manual snapshot, as the inventory shows it. */
export interface SnapshotSummary {
  identifier: string;
  region: string;
  instanceIdentifier: string;
  status: string;
  arn: string;
  tags: Tag[];
  kmsKeyId?: string;
  /** The snapshot it was copied from (ARN), for a copy. */
  sourceArn?: string;
  /** Virtual time it became available (epoch ms). */
  availableAt?: number;
}

/** A snapshot as the store keeps it: what a restore needs besides what the inventory shows. */
export interface SnapshotState extends SnapshotSummary {
  createdAt: number;
  dbiResourceId?: string;
  encrypted: boolean;
  /** GiB of the snapshotted instance: a restore cannot be smaller. */
  allocatedGiB: number;
  engineVersion: string;
  /** What a restored database holds (a name a test's restore hook understands, e.g. a template database). */
  data?: string;
  /**
   * With an instance backend: the backend's snapshot holding the data. A copy refers to its source's data rather
   * than copying it again (the local platform has one disk for every Region); the data goes once no snapshot
   * refers to it any more.
   */
  backendData?: string;
}

/** The manual snapshots as a saved state keeps them. */
export interface PersistedSnapshots {
  snapshots: (SnapshotState & { dueAt?: number })[];
}

/** A manual snapshot as a test seeds it (what an earlier offboarding would have left). */
export interface SeededSnapshot {
  identifier: string;
  /** @default the double's Region */
  region?: string;
  /** The instance it was taken of. */
  instanceIdentifier: string;
  /** @default 'available' */
  status?: string;
  /** GiB of the snapshotted instance. @default 20 */
  allocatedGiB?: number;
  /** @default '17.6' */
  engineVersion?: string;
  /** The storage key of the snapshotted instance (the snapshot is encrypted with it). @default none: unencrypted */
  kmsKeyId?: string;
  tags?: readonly Tag[];
  /** When it was taken. @default now */
  createdAt?: Date;
  /** What the restored database holds. */
  data?: string;
}

/** Why `id` is not a valid DB snapshot identifier, or undefined (RDS API reference, CreateDBSnapshot). */
function snapshotIdProblem(field: string, id: string): string | undefined {
  const valid =
    id.length >= 1 && id.length <= 255 && /^[A-Za-z][A-Za-z0-9-]*$/.test(id) && !id.endsWith('-') && !id.includes('--');
  return valid
    ? undefined
    : `The parameter ${field} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens. (got "${id}")`;
}

const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):snapshot:(.+)$/;

export class RdsSnapshotsDouble {
  /** Manual snapshots allowed per Region (RDS quota `ManualSnapshots`, 100 by default). */
  manualSnapshotQuota = 100;
  /** Manual snapshots that exist per Region outside the platform (they count against the quota). */
  readonly foreignSnapshots: Record<string, number> = {};
  readonly timings = { snapshotMs: 12 * MINUTE, copyMs: 25 * MINUTE };
  /** How long a new snapshot stays invisible to DescribeDBSnapshots (RDS's eventual consistency). @default 0 */
  visibilityDelayMs = 0;

  private readonly snapshots: SnapshotState[] = [];

  readonly routes: readonly Route[] = [
    route(CreateDBSnapshotCommand, (input, ctx) => this.createDBSnapshot(input, ctx)),
    route(CopyDBSnapshotCommand, (input, ctx) => this.copyDBSnapshot(input, ctx)),
    route(DescribeDBSnapshotsCommand, (input, ctx) => this.describeDBSnapshots(input, ctx)),
    route(DescribeAccountAttributesCommand, (_input, ctx) => this.describeAccountAttributes(ctx)),
    route(DeleteDBSnapshotCommand, (input, ctx) => this.deleteDBSnapshot(input, ctx)),
  ];

  /** With `servers`, CreateDBSnapshot copies the instance's data (rds-backend.ts). */
  constructor(
    private readonly env: DoubleEnvironment,
    private readonly source: SnapshotSource,
    private readonly servers?: BackendServers,
  ) {}

  /** Manual snapshots in use in `region`. */
  used(region: string): number {
    return (
      this.snapshots.filter((s) => s.region === region).length +
      this.source.listSnapshots().filter((s) => s.region === region).length +
      (this.foreignSnapshots[region] ?? 0)
    );
  }

  createDBSnapshot(input: CreateDBSnapshotCommand['input'], ctx: CallContext): Out<CreateDBSnapshotCommandOutput> {
    const id = requireString(input.DBSnapshotIdentifier, 'DBSnapshotIdentifier', missingParameter);
    const instanceId = requireString(input.DBInstanceIdentifier, 'DBInstanceIdentifier', missingParameter);
    const problem = snapshotIdProblem('DBSnapshotIdentifier', id);
    if (problem) throw invalidValue(problem);
    validateTags(input.Tags, invalidValue);
    const instance = this.source.describeInstance(instanceId.toLowerCase(), ctx.region);
    if (!instance) {
      throw new DBInstanceNotFoundFault({
        message: `DBInstance ${instanceId} not found.`,
        $metadata: errorMetadata(404),
      });
    }
    const status = instance.DBInstanceStatus ?? '';
    if (status !== 'available' && status !== 'storage-optimization') {
      throw new InvalidDBInstanceStateFault({
        message: `Cannot create a snapshot because the database instance ${instanceId} is not currently in the available state (it is ${status}).`,
        $metadata: errorMetadata(400),
      });
    }
    this.assertRoom(ctx.region, id);
    const snapshot: SnapshotState = {
      identifier: id.toLowerCase(),
      region: ctx.region,
      instanceIdentifier: instance.DBInstanceIdentifier ?? instanceId,
      status: 'creating',
      arn: `arn:aws:rds:${ctx.region}:${this.env.account}:snapshot:${id.toLowerCase()}`,
      tags: structuredClone(input.Tags ?? []),
      ...(instance.KmsKeyId ? { kmsKeyId: instance.KmsKeyId } : {}),
      encrypted: instance.StorageEncrypted ?? false,
      createdAt: this.env.clock.now(),
      ...(instance.DbiResourceId ? { dbiResourceId: instance.DbiResourceId } : {}),
      allocatedGiB: instance.AllocatedStorage ?? 20,
      engineVersion: instance.EngineVersion ?? '17.6',
    };
    this.snapshots.push(snapshot);
    this.copyData(snapshot, ctx.region, instance.DBInstanceIdentifier ?? instanceId.toLowerCase());
    this.env.clock.schedule(this.timings.snapshotMs, () => this.afterData(snapshot));
    return { DBSnapshot: this.describe(snapshot) };
  }

  copyDBSnapshot(input: CopyDBSnapshotCommand['input'], ctx: CallContext): Out<CopyDBSnapshotCommandOutput> {
    const sourceId = requireString(input.SourceDBSnapshotIdentifier, 'SourceDBSnapshotIdentifier', missingParameter);
    const targetId = requireString(input.TargetDBSnapshotIdentifier, 'TargetDBSnapshotIdentifier', missingParameter);
    const problem = snapshotIdProblem('TargetDBSnapshotIdentifier', targetId);
    if (problem) throw invalidValue(problem);
    validateTags(input.Tags, invalidValue);
    const arn = SNAPSHOT_ARN.exec(sourceId);
    const sourceRegion = arn?.[1] ?? ctx.region;
    if (!arn && sourceRegion !== ctx.region) throw invalidValue('SourceDBSnapshotIdentifier must be an ARN');
    const source = this.find(sourceRegion, arn?.[3] ?? sourceId);
    if (!source) throw this.snapshotNotFound(sourceId);
    if (source.status !== 'available') {
      throw new InvalidDBSnapshotStateFault({
        message: `Snapshot ${source.identifier} is ${source.status}; only an available snapshot can be copied.`,
        $metadata: errorMetadata(400),
      });
    }
    const crossRegion = sourceRegion !== ctx.region;
    if (crossRegion && source.encrypted && !input.KmsKeyId) {
      throw invalidCombination(
        'KmsKeyId is required to copy an encrypted snapshot to another Region: the source Region key cannot be used in the destination Region.',
      );
    }
    if (input.KmsKeyId && /^arn:/.test(input.KmsKeyId) && !input.KmsKeyId.includes(`:${ctx.region}:`)) {
      throw invalidValue(`KmsKeyId ${input.KmsKeyId} is not a key of ${ctx.region}, where the copy is made.`);
    }
    this.assertRoom(ctx.region, targetId);
    const copy: SnapshotState = {
      identifier: targetId.toLowerCase(),
      region: ctx.region,
      instanceIdentifier: source.instanceIdentifier,
      status: 'creating',
      arn: `arn:aws:rds:${ctx.region}:${this.env.account}:snapshot:${targetId.toLowerCase()}`,
      tags: structuredClone(input.CopyTags ? source.tags : (input.Tags ?? [])),
      ...(input.KmsKeyId
        ? { kmsKeyId: input.KmsKeyId }
        : source.kmsKeyId && !crossRegion
          ? { kmsKeyId: source.kmsKeyId }
          : {}),
      encrypted: source.encrypted,
      sourceArn: source.arn,
      createdAt: this.env.clock.now(),
      ...(source.dbiResourceId ? { dbiResourceId: source.dbiResourceId } : {}),
      allocatedGiB: source.allocatedGiB,
      engineVersion: source.engineVersion,
      ...(source.data === undefined ? {} : { data: source.data }),
      ...(source.backendData === undefined ? {} : { backendData: source.backendData }),
    };
    this.snapshots.push(copy);
    this.env.clock.schedule(this.timings.copyMs, () => this.becomeAvailable(copy));
    return { DBSnapshot: this.describe(copy) };
  }

  describeDBSnapshots(
    input: DescribeDBSnapshotsCommand['input'],
    ctx: CallContext,
  ): Out<DescribeDBSnapshotsCommandOutput> {
    if (input.DBSnapshotIdentifier !== undefined) {
      const arn = SNAPSHOT_ARN.exec(input.DBSnapshotIdentifier);
      const found = this.find(arn?.[1] ?? ctx.region, arn?.[3] ?? input.DBSnapshotIdentifier);
      const visible = found !== undefined && this.env.clock.now() - found.createdAt >= this.visibilityDelayMs;
      if (!found || !visible || found.region !== ctx.region) throw this.snapshotNotFound(input.DBSnapshotIdentifier);
      return { DBSnapshots: [this.describe(found)] };
    }
    const instance = input.DBInstanceIdentifier?.toLowerCase();
    return {
      DBSnapshots: this.snapshots
        .filter((s) => s.region === ctx.region && (instance === undefined || s.instanceIdentifier === instance))
        .map((s) => this.describe(s)),
    };
  }

  describeAccountAttributes(ctx: CallContext): Out<DescribeAccountAttributesCommandOutput> {
    return {
      AccountQuotas: [
        { AccountQuotaName: 'ManualSnapshots', Used: this.used(ctx.region), Max: this.manualSnapshotQuota },
      ],
    };
  }

  deleteDBSnapshot(input: DeleteDBSnapshotCommand['input'], ctx: CallContext): Out<DeleteDBSnapshotCommandOutput> {
    const id = requireString(input.DBSnapshotIdentifier, 'DBSnapshotIdentifier', missingParameter);
    const found = this.find(ctx.region, id);
    if (!found) throw this.snapshotNotFound(id);
    if (found.status !== 'available') {
      throw new InvalidDBSnapshotStateFault({
        message: `Cannot delete the snapshot because it is ${found.status}.`,
        $metadata: errorMetadata(400),
      });
    }
    this.snapshots.splice(this.snapshots.indexOf(found), 1);
    this.releaseData(found);
    return { DBSnapshot: { ...this.describe(found), Status: 'deleted' } };
  }

  /** Adds a snapshot as an earlier offboarding would have left it; returns its ARN. */
  seed(seed: SeededSnapshot): string {
    const region = seed.region ?? this.env.region;
    const identifier = seed.identifier.toLowerCase();
    const arn = `arn:aws:rds:${region}:${this.env.account}:snapshot:${identifier}`;
    this.snapshots.push({
      identifier,
      region,
      instanceIdentifier: seed.instanceIdentifier,
      status: seed.status ?? 'available',
      arn,
      tags: structuredClone([...(seed.tags ?? [])]),
      ...(seed.kmsKeyId === undefined ? {} : { kmsKeyId: seed.kmsKeyId }),
      encrypted: seed.kmsKeyId !== undefined,
      createdAt: (seed.createdAt ?? new Date(this.env.clock.now())).getTime(),
      allocatedGiB: seed.allocatedGiB ?? 20,
      engineVersion: seed.engineVersion ?? '17.6',
      ...(seed.data === undefined ? {} : { data: seed.data }),
    });
    return arn;
  }

  /** Changes a snapshot's status (a copy in progress, say). */
  setStatus(region: string, identifier: string, status: string): void {
    const found = this.find(region, identifier);
    if (found) found.status = status;
  }

  /** Deletes a snapshot as an operator would, outside the platform. */
  remove(identifier: string, region = this.env.region): void {
    const found = this.find(region, identifier);
    if (found) {
      this.snapshots.splice(this.snapshots.indexOf(found), 1);
      this.releaseData(found);
    }
  }

  /** The snapshot `idOrArn` in `region`, as a restore reads it. */
  snapshot(region: string, idOrArn: string): SnapshotState | undefined {
    const arn = SNAPSHOT_ARN.exec(idOrArn);
    return arn ? this.snapshots.find((s) => s.arn === idOrArn && s.region === region) : this.find(region, idOrArn);
  }

  /** Every manual snapshot. */
  list(): SnapshotSummary[] {
    return this.snapshots.map(
      ({
        createdAt: _c,
        dbiResourceId: _d,
        encrypted: _e,
        allocatedGiB: _a,
        engineVersion: _v,
        data: _x,
        backendData: _b,
        ...summary
      }) => structuredClone(summary),
    );
  }

  /** Every manual snapshot as `region/identifier`. */
  names(): string[] {
    return this.snapshots.map((s) => `${s.region}/${s.identifier}`);
  }

  private assertRoom(region: string, id: string): void {
    if (this.find(region, id)) {
      throw new DBSnapshotAlreadyExistsFault({
        message: `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`,
        $metadata: errorMetadata(400),
      });
    }
    if (this.used(region) >= this.manualSnapshotQuota) {
      throw new SnapshotQuotaExceededFault({
        message: `Cannot create the snapshot because the maximum allowed number of DB snapshots (${this.manualSnapshotQuota}) in ${region} has been reached.`,
        $metadata: errorMetadata(400),
      });
    }
  }

  /** With a backend: copies the instance's data for `snapshot` (the snapshot keeps the backend's name for it). */
  private copyData(snapshot: SnapshotState, region: string, instanceIdentifier: string): void {
    if (!this.servers) return;
    const { backend, work } = this.servers;
    const data = backendKey(snapshot.identifier, region, this.env.region);
    const instanceKey = backendKey(instanceIdentifier, region, this.env.region);
    snapshot.backendData = data;
    void work.run(snapshot, `snapshot ${snapshot.identifier} of DB instance ${instanceIdentifier} (${region})`, () =>
      backend.snapshot(instanceKey, data),
    );
  }

  /** Makes `snapshot` available once its data is copied (at once without a backend); failed if the copy failed. */
  private afterData(snapshot: SnapshotState): unknown {
    if (!this.servers) return this.becomeAvailable(snapshot);
    return this.servers.work.after(snapshot, (ok) => {
      if (!this.snapshots.includes(snapshot)) return;
      if (ok) this.becomeAvailable(snapshot);
      else snapshot.status = 'failed';
    });
  }

  /** Removes the backend's data of a deleted snapshot once no other snapshot (a copy, its source) refers to it. */
  private releaseData(deleted: SnapshotState): void {
    const data = deleted.backendData;
    if (!this.servers || data === undefined || this.snapshots.some((s) => s.backendData === data)) return;
    const { backend, work } = this.servers;
    void work.run(deleted, `deletion of the data of snapshot ${deleted.identifier}`, () =>
      backend.deleteSnapshot(data),
    );
  }

  private becomeAvailable(snapshot: SnapshotState): void {
    if (!this.snapshots.includes(snapshot)) return;
    snapshot.status = 'available';
    snapshot.availableAt = this.env.clock.now();
  }

  private find(region: string, id: string): SnapshotState | undefined {
    return this.snapshots.find((s) => s.region === region && s.identifier === id.toLowerCase());
  }

  private snapshotNotFound(id: string): Error {
    return new DBSnapshotNotFoundFault({ message: `DBSnapshot ${id} not found.`, $metadata: errorMetadata(404) });
  }

  private describe(s: SnapshotState): DBSnapshot {
    return structuredClone({
      DBSnapshotIdentifier: s.identifier,
      DBSnapshotArn: s.arn,
      DBInstanceIdentifier: s.instanceIdentifier,
      SnapshotType: 'manual',
      Status: s.status,
      Engine: 'postgres',
      EngineVersion: s.engineVersion,
      AllocatedStorage: s.allocatedGiB,
      MasterUsername: MASTER_USERNAME,
      Encrypted: s.encrypted,
      KmsKeyId: s.kmsKeyId,
      SnapshotCreateTime: new Date(s.createdAt),
      DbiResourceId: s.dbiResourceId,
      SourceDBSnapshotIdentifier: s.sourceArn,
      SourceRegion: s.sourceArn ? SNAPSHOT_ARN.exec(s.sourceArn)?.[1] : undefined,
      TagList: s.tags,
    } satisfies DBSnapshot);
  }

  // State that survives a restart of the local platform (persisted.ts).

  /** Every manual snapshot; one still `creating` carries when it becomes available. */
  exportState(): PersistedSnapshots {
    return {
      snapshots: this.snapshots.map((snapshot) => ({
        ...structuredClone(snapshot),
        ...(snapshot.status === 'creating' ? { dueAt: snapshot.createdAt + this.creationMs(snapshot) } : {}),
      })),
    };
  }

  /** Loads saved snapshots into this (fresh) double; those still `creating` become available when due. */
  importState(state: PersistedSnapshots): void {
    if (this.snapshots.length > 0)
      throw new Error('RDS snapshots double: a saved state loads into a fresh double only');
    for (const { dueAt, ...fields } of state.snapshots) {
      const snapshot: SnapshotState = structuredClone(fields);
      this.snapshots.push(snapshot);
      if (dueAt !== undefined) this.env.clock.scheduleAt(dueAt, () => this.becomeAvailable(snapshot));
    }
  }

  private creationMs(snapshot: SnapshotState): number {
    return snapshot.sourceArn === undefined ? this.timings.snapshotMs : this.timings.copyMs;
  }
}
