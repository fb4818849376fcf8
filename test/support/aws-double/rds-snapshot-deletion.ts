/**
 * Manual DB snapshots as the retention purge sees them: DescribeDBSnapshots by identifier (with the snapshot's tags,
 * as RDS returns them in `TagList`) and DeleteDBSnapshot, with RDS's rules (RDS API reference, DeleteDBSnapshot):
 * only an `available` snapshot can be deleted (else InvalidDBSnapshotState, HTTP 400), and an identifier that names
 * no snapshot in the Region is DBSnapshotNotFound (HTTP 404). Tests seed the snapshots (`seed`), each in its Region.
 *
 * @module
 */
import {
  type DBSnapshot,
  DBSnapshotNotFoundFault,
  DeleteDBSnapshotCommand,
  type DeleteDBSnapshotCommandOutput,
  DescribeDBSnapshotsCommand,
  type DescribeDBSnapshotsCommandOutput,
  InvalidDBSnapshotStateFault,
  type Tag,
} from '@aws-sdk/client-rds';
import { type CallContext, type DoubleEnvironment, type Out, type Route, route } from './environment';
import { errorMetadata, NotModeledError } from './errors';

/** A seeded snapshot. */
export interface SeededSnapshot {
  readonly identifier: string;
  readonly region: string;
  readonly instanceIdentifier: string;
  readonly tags: readonly Tag[];
  /** @default 'available' */
  status?: string;
}

export class RdsSnapshotDeletionDouble {
  private readonly snapshots: SeededSnapshot[] = [];

  readonly routes: readonly Route[] = [
    route(DescribeDBSnapshotsCommand, (input, ctx) => this.describe(input, ctx)),
    route(DeleteDBSnapshotCommand, (input, ctx) => this.delete(input, ctx)),
  ];

  constructor(private readonly env: DoubleEnvironment) {}

  /** Makes a snapshot exist; returns its ARN. */
  seed(snapshot: SeededSnapshot): string {
    this.snapshots.push({ status: 'available', ...snapshot });
    return this.arnOf(snapshot);
  }

  /** The snapshots that exist, as `region/identifier`. */
  list(): string[] {
    return this.snapshots.map((s) => `${s.region}/${s.identifier}`);
  }

  /** Changes a seeded snapshot's status (a copy in progress, say). */
  setStatus(region: string, identifier: string, status: string): void {
    const found = this.find(region, identifier);
    if (found) found.status = status;
  }

  private arnOf(s: Pick<SeededSnapshot, 'region' | 'identifier'>): string {
    return `arn:aws:rds:${s.region}:${this.env.account}:snapshot:${s.identifier}`;
  }

  private find(region: string, identifier: string | undefined): SeededSnapshot | undefined {
    return this.snapshots.find((s) => s.region === region && s.identifier === identifier?.toLowerCase());
  }

  private notFound(identifier: string | undefined): Error {
    return new DBSnapshotNotFoundFault({
      message: `DBSnapshot ${identifier} not found.`,
      $metadata: errorMetadata(404),
    });
  }

  private view(s: SeededSnapshot): DBSnapshot {
    return {
      DBSnapshotIdentifier: s.identifier,
      DBSnapshotArn: this.arnOf(s),
      DBInstanceIdentifier: s.instanceIdentifier,
      SnapshotType: 'manual',
      Status: s.status,
      TagList: structuredClone([...s.tags]),
    };
  }

  describe(input: DescribeDBSnapshotsCommand['input'], ctx: CallContext): Out<DescribeDBSnapshotsCommandOutput> {
    if (!input.DBSnapshotIdentifier) throw new NotModeledError('DescribeDBSnapshots without DBSnapshotIdentifier');
    const found = this.find(ctx.region, input.DBSnapshotIdentifier);
    if (!found) throw this.notFound(input.DBSnapshotIdentifier);
    return { DBSnapshots: [this.view(found)] };
  }

  delete(input: DeleteDBSnapshotCommand['input'], ctx: CallContext): Out<DeleteDBSnapshotCommandOutput> {
    const found = this.find(ctx.region, input.DBSnapshotIdentifier);
    if (!found) throw this.notFound(input.DBSnapshotIdentifier);
    if (found.status !== 'available') {
      throw new InvalidDBSnapshotStateFault({
        message: `Cannot delete the snapshot because it is ${found.status}.`,
        $metadata: errorMetadata(400),
      });
    }
    this.snapshots.splice(this.snapshots.indexOf(found), 1);
    return { DBSnapshot: { ...this.view(found), Status: 'deleted' } };
  }
}
