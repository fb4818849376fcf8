/**
 * Manual DB snapshots and RestoreDBInstanceFromDBSnapshot, registered with the RDS double:
 *
 * ```
 * seedSnapshot ─► available ──RestoreDBInstanceFromDBSnapshot──► creating ─► backing-up ─► available (no master secret)
 *                                                                   └─ onRestore hook (a real database gets the snapshot's data)
 * ```
 *
 * Rules from the RDS API reference: the snapshot must exist in the calling Region (DBSnapshotNotFound) and be
 * `available` (InvalidDBSnapshotState); the instance identifier must be free (DBInstanceAlreadyExists); storage
 * cannot be smaller than the snapshot's; encryption, engine version, master user name and database name come from
 * the snapshot; `ManageMasterUserPassword` and `MasterUserSecretKmsKeyId` apply to RDS for Oracle only.
 *
 * @module
 */
import {
  type CreateDBInstanceCommandInput,
  type DBSnapshot,
  DBSnapshotNotFoundFault,
  DescribeDBSnapshotsCommand,
  type DescribeDBSnapshotsCommandOutput,
  InvalidDBSnapshotStateFault,
  RestoreDBInstanceFromDBSnapshotCommand,
  type RestoreDBInstanceFromDBSnapshotCommandOutput,
  type Tag,
} from '@aws-sdk/client-rds';
import { DATABASE_NAME, MASTER_USERNAME } from '../../../lambdas/shared/naming';
import type { CallContext, DoubleEnvironment, Out, Route } from './environment';
import { route } from './environment';
import { errorMetadata } from './errors';
import type { RestoredInstance } from './rds';
import {
  identifierProblem,
  invalidCombination,
  invalidValue,
  missingParameter,
  validateBackupSettings,
  validateStorage,
} from './rds-rules';
import { requireString, validateTags } from './validate';

/** A manual snapshot as a test seeds it (what offboarding would have left). */
export interface SeededSnapshot {
  identifier: string;
  /** @default the double's Region */
  region?: string;
  /** The instance it was taken of. */
  instanceIdentifier: string;
  /** @default 'available' */
  status?: 'creating' | 'available' | 'failed';
  /** GiB of the snapshotted instance. @default 20 */
  allocatedGiB?: number;
  engineVersion?: string;
  /** The storage key of the snapshotted instance (the snapshot is encrypted with it). */
  kmsKeyId: string;
  tags?: Tag[];
  /** When it was taken. @default now */
  createdAt?: Date;
  /** What the restored database holds (a name a test's `onRestore` hook understands, e.g. a template database). */
  data?: string;
}

interface SnapshotState extends Required<Omit<SeededSnapshot, 'data' | 'engineVersion'>> {
  arn: string;
  engineVersion: string;
  data?: string;
}

/** The RDS double's side of a restore: it creates the instance from a spec and returns its description. */
export interface RestoreTarget {
  restoreInstance(instance: RestoredInstance, ctx: CallContext): Out<RestoreDBInstanceFromDBSnapshotCommandOutput>;
}

const snapshotNotFound = (id: string) =>
  new DBSnapshotNotFoundFault({ message: `DBSnapshot ${id} not found.`, $metadata: errorMetadata(404) });

export class RdsSnapshots {
  /**
   * Called when an instance is restored, with the snapshot's `data` and the new instance's identifier; the restore
   * answers once a promise it returns has settled (a test loads the snapshot's data into a real database).
   */
  onRestore?: (data: string | undefined, instanceIdentifier: string) => unknown;

  private readonly snapshots: SnapshotState[] = [];

  readonly routes: readonly Route[] = [
    route(DescribeDBSnapshotsCommand, (input, ctx) => this.describeDBSnapshots(input, ctx)),
    route(RestoreDBInstanceFromDBSnapshotCommand, (input, ctx) => this.restoreDBInstance(input, ctx)),
  ];

  constructor(
    private readonly env: DoubleEnvironment,
    private readonly target: RestoreTarget,
  ) {}

  /** Adds a snapshot as offboarding would have left it; returns its ARN. */
  seedSnapshot(seed: SeededSnapshot): string {
    const region = seed.region ?? this.env.region;
    const arn = `arn:aws:rds:${region}:${this.env.account}:snapshot:${seed.identifier}`;
    this.snapshots.push({
      identifier: seed.identifier,
      region,
      instanceIdentifier: seed.instanceIdentifier,
      status: seed.status ?? 'available',
      allocatedGiB: seed.allocatedGiB ?? 20,
      engineVersion: seed.engineVersion ?? '17.6',
      kmsKeyId: seed.kmsKeyId,
      tags: structuredClone(seed.tags ?? []),
      createdAt: seed.createdAt ?? new Date(this.env.clock.now()),
      arn,
      ...(seed.data === undefined ? {} : { data: seed.data }),
    });
    return arn;
  }

  /** Deletes a snapshot as an operator (or the purge job) would. */
  deleteSnapshot(identifier: string, region = this.env.region): void {
    const index = this.snapshots.findIndex((s) => s.identifier === identifier && s.region === region);
    if (index >= 0) this.snapshots.splice(index, 1);
  }

  /** Every snapshot that exists. */
  listSnapshots(): { identifier: string; region: string; status: string }[] {
    return this.snapshots.map((s) => ({ identifier: s.identifier, region: s.region, status: s.status }));
  }

  describeDBSnapshots(
    input: DescribeDBSnapshotsCommand['input'],
    ctx: CallContext,
  ): Out<DescribeDBSnapshotsCommandOutput> {
    const id = requireString(input.DBSnapshotIdentifier, 'DBSnapshotIdentifier', missingParameter);
    const snapshot = this.find(ctx.region, id);
    if (!snapshot) throw snapshotNotFound(id);
    return { DBSnapshots: [this.describe(snapshot)] };
  }

  async restoreDBInstance(
    input: RestoreDBInstanceFromDBSnapshotCommand['input'],
    ctx: CallContext,
  ): Promise<Out<RestoreDBInstanceFromDBSnapshotCommandOutput>> {
    const id = requireString(input.DBInstanceIdentifier, 'DBInstanceIdentifier', missingParameter);
    const problem = identifierProblem(id);
    if (problem) throw invalidValue(problem);
    const snapshotId = requireString(input.DBSnapshotIdentifier, 'DBSnapshotIdentifier', missingParameter);
    if (input.ManageMasterUserPassword !== undefined || input.MasterUserSecretKmsKeyId !== undefined) {
      throw invalidCombination('ManageMasterUserPassword and MasterUserSecretKmsKeyId apply to RDS for Oracle only.');
    }
    if (input.DBName !== undefined) {
      throw invalidCombination('DBName applies to RDS for Oracle and RDS for SQL Server only.');
    }
    const snapshot = this.find(ctx.region, snapshotId);
    if (!snapshot) throw snapshotNotFound(snapshotId);
    if (snapshot.status !== 'available') {
      throw new InvalidDBSnapshotStateFault({
        message: `DBSnapshot ${snapshotId} is ${snapshot.status}; only an available snapshot can be restored.`,
        $metadata: errorMetadata(400),
      });
    }
    const allocated = input.AllocatedStorage ?? snapshot.allocatedGiB;
    if (allocated < snapshot.allocatedGiB) {
      throw invalidValue(
        `AllocatedStorage ${allocated} is smaller than the snapshot's ${snapshot.allocatedGiB} GiB; a restore cannot shrink storage.`,
      );
    }
    const { DBSnapshotIdentifier: _snapshot, ...settings } = input;
    const spec: Omit<CreateDBInstanceCommandInput, 'MasterUserPassword'> = {
      ...settings,
      DBInstanceIdentifier: id,
      Engine: 'postgres',
      EngineVersion: snapshot.engineVersion,
      DBInstanceClass: requireString(input.DBInstanceClass, 'DBInstanceClass', missingParameter),
      MasterUsername: MASTER_USERNAME,
      DBName: DATABASE_NAME,
      AllocatedStorage: allocated,
      StorageEncrypted: true,
      KmsKeyId: snapshot.kmsKeyId,
    };
    validateStorage(spec);
    validateBackupSettings(spec);
    validateTags(input.Tags, invalidValue);
    // Without Tags in the request, RDS copies the snapshot's tags to the restored instance.
    const tags = input.Tags && input.Tags.length > 0 ? input.Tags : snapshot.tags;
    const restored = this.target.restoreInstance({ spec, tags }, ctx);
    await this.onRestore?.(snapshot.data, id.toLowerCase());
    return restored;
  }

  private find(region: string, idOrArn: string): SnapshotState | undefined {
    return this.snapshots.find((s) => s.region === region && (s.identifier === idOrArn || s.arn === idOrArn));
  }

  private describe(s: SnapshotState): DBSnapshot {
    return structuredClone({
      DBSnapshotIdentifier: s.identifier,
      DBSnapshotArn: s.arn,
      DBInstanceIdentifier: s.instanceIdentifier,
      SnapshotCreateTime: s.createdAt,
      Engine: 'postgres',
      EngineVersion: s.engineVersion,
      AllocatedStorage: s.allocatedGiB,
      Status: s.status,
      SnapshotType: 'manual',
      Encrypted: true,
      KmsKeyId: s.kmsKeyId,
      MasterUsername: MASTER_USERNAME,
      TagList: s.tags,
    } satisfies DBSnapshot);
  }
}
