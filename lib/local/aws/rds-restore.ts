/**
 * RestoreDBInstanceFromDBSnapshot from the manual snapshots of rds-snapshots.ts, registered with the RDS double:
 *
 * ```
 * snapshot available ──RestoreDBInstanceFromDBSnapshot──► creating ─► backing-up ─► available (no master secret)
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
  DBSnapshotNotFoundFault,
  InvalidDBSnapshotStateFault,
  RestoreDBInstanceFromDBSnapshotCommand,
  type RestoreDBInstanceFromDBSnapshotCommandOutput,
} from '@aws-sdk/client-rds';
import { DATABASE_NAME, MASTER_USERNAME } from '../../../lambdas/shared/naming';
import type { CallContext, Out, Route } from './environment';
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
import type { SnapshotState } from './rds-snapshots';
import { requireString, validateTags } from './validate';

/** The RDS double's side of a restore: it creates the instance from a spec and returns its description. */
export interface RestoreTarget {
  restoreInstance(instance: RestoredInstance, ctx: CallContext): Out<RestoreDBInstanceFromDBSnapshotCommandOutput>;
}

const snapshotNotFound = (id: string) =>
  new DBSnapshotNotFoundFault({ message: `DBSnapshot ${id} not found.`, $metadata: errorMetadata(404) });

/** Where restores read snapshots from (the store of rds-snapshots.ts). */
export interface RestoreSource {
  snapshot(region: string, idOrArn: string): SnapshotState | undefined;
}

export class RdsRestores {
  /**
   * Called when an instance is restored, with the snapshot's `data` and the new instance's identifier; the restore
   * answers once a promise it returns has settled (a test loads the snapshot's data into a real database).
   */
  onRestore?: (data: string | undefined, instanceIdentifier: string) => unknown;

  readonly routes: readonly Route[] = [
    route(RestoreDBInstanceFromDBSnapshotCommand, (input, ctx) => this.restoreDBInstance(input, ctx)),
  ];

  /** The snapshot store, set once the double has built it (it reads instances from the RDS double). */
  source?: RestoreSource;

  constructor(private readonly target: RestoreTarget) {}

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
    const snapshot = this.source?.snapshot(ctx.region, snapshotId);
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
      ...(snapshot.kmsKeyId === undefined ? {} : { KmsKeyId: snapshot.kmsKeyId }),
    };
    validateStorage(spec);
    validateBackupSettings(spec);
    validateTags(input.Tags, invalidValue);
    // Without Tags in the request, RDS copies the snapshot's tags to the restored instance.
    const tags = input.Tags && input.Tags.length > 0 ? input.Tags : snapshot.tags;
    const restored = this.target.restoreInstance(
      { spec, tags, ...(snapshot.backendData === undefined ? {} : { backendSnapshot: snapshot.backendData }) },
      ctx,
    );
    await this.onRestore?.(snapshot.data, id.toLowerCase());
    return restored;
  }
}
