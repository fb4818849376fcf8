/**
 * Errors of the local instance host, one class per kind. Each sets `name` explicitly (bundling may rename classes),
 * and carries the RDS error code the local RDS answers with, so a caller sees what it would see from AWS.
 *
 * @module
 */

/** Base class: every refusal of the local instance host. */
export abstract class LocalHostError extends Error {
  /** The RDS API error code for the same refusal. */
  public abstract readonly rdsErrorCode: string;
}

/** An instance with this identifier exists already. */
export class LocalInstanceExistsError extends LocalHostError {
  public override readonly name = 'LocalInstanceExists';
  public readonly rdsErrorCode = 'DBInstanceAlreadyExists';
  constructor(public readonly instanceId: string) {
    super(`Local DB instance ${instanceId} already exists.`);
  }
}

/** No instance has this identifier. */
export class LocalInstanceNotFoundError extends LocalHostError {
  public override readonly name = 'LocalInstanceNotFound';
  public readonly rdsErrorCode = 'DBInstanceNotFound';
  constructor(public readonly instanceId: string) {
    super(`Local DB instance ${instanceId} not found.`);
  }
}

/** The instance's status does not allow the operation (starting an available instance, stopping a stopped one). */
export class LocalInstanceStateError extends LocalHostError {
  public override readonly name = 'LocalInstanceWrongState';
  public readonly rdsErrorCode = 'InvalidDBInstanceState';
  constructor(
    public readonly instanceId: string,
    public readonly operation: string,
    public readonly status: string,
    allowed: readonly string[],
  ) {
    super(
      `Cannot ${operation} local DB instance ${instanceId}: its status is ${status}; ${operation} needs ` +
        `${allowed.join(' or ')}.`,
    );
  }
}

/** A snapshot with this identifier exists already. */
export class LocalSnapshotExistsError extends LocalHostError {
  public override readonly name = 'LocalSnapshotExists';
  public readonly rdsErrorCode = 'DBSnapshotAlreadyExists';
  constructor(public readonly snapshotId: string) {
    super(`Local DB snapshot ${snapshotId} already exists.`);
  }
}

/** No snapshot has this identifier. */
export class LocalSnapshotNotFoundError extends LocalHostError {
  public override readonly name = 'LocalSnapshotNotFound';
  public readonly rdsErrorCode = 'DBSnapshotNotFound';
  constructor(public readonly snapshotId: string) {
    super(`Local DB snapshot ${snapshotId} not found.`);
  }
}
