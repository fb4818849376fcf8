import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  StopDBInstanceAutomatedBackupsReplicationCommand,
} from '@aws-sdk/client-rds';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { confirmedSnapshots, deleteInstance } from '../../../lambdas/delete-instance/delete';
import type { FinalSnapshot } from '../../../lambdas/shared/contracts';
import type { OffboardingState } from '../../../lambdas/shared/lifecycle/offboarding';

const rds = mockClient(RDSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-workflow-offboarding:x';

const snapshot = (region: string): FinalSnapshot => ({
  arn: `arn:aws:rds:${region}:123456789012:snapshot:tenant-acme-final-abc`,
  snapshotId: 'tenant-acme-final-abc',
  region,
  takenAt: '2026-12-15T09:00:00.000Z',
});
const reached = (s: FinalSnapshot) => ({
  status: 'REACHED' as const,
  snapshotStatus: 'available',
  polls: 1,
  snapshot: s,
});

function state(fields: Partial<OffboardingState> = {}, copyRegion?: string): OffboardingState {
  return {
    lock: {
      outcome: 'TAKEN',
      tenantId: 'acme',
      operation: 'offboard',
      executionArn: EXECUTION,
      instanceId: 'tenant-acme',
    },
    plan: {
      instanceStatus: 'available',
      keepAutomatedBackups: false,
      retentionDays: 30,
      quota: [],
      ...(copyRegion ? { copyRegion } : {}),
    },
    snapshotWait: reached(snapshot('us-east-1')),
    ...fields,
  };
}

const deps = () => ({
  rdsIn: () => new RDSClient({ region: 'us-east-1' }),
  registry: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
  table: 'registry',
});

beforeEach(() => {
  rds.reset();
  ddb.reset();
});

describe('confirmedSnapshots', () => {
  it.each<[string, OffboardingState, number | RegExp]>([
    ['the tenant Region snapshot, no copy due', state(), 1],
    ['both snapshots of a replicating tier', state({ copyWait: reached(snapshot('us-west-2')) }, 'us-west-2'), 2],
    ['no snapshot available', state({ snapshotWait: undefined }), /0 of 1 final snapshots confirmed available/],
    ['the copy still missing', state({}, 'us-west-2'), /1 of 2 final snapshots confirmed available/],
  ])('with %s', (_case, given, expected) => {
    if (typeof expected === 'number') expect(confirmedSnapshots(given)).toHaveLength(expected);
    else expect(() => confirmedSnapshots(given)).toThrow(expected);
  });
});

describe('deleteInstance', () => {
  it('records the snapshots, turns protection off, stops replication and deletes without another snapshot', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'tenant-acme',
          DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme',
          DBInstanceStatus: 'available',
          DbiResourceId: 'db-ABC',
          DeletionProtection: true,
          DBInstanceAutomatedBackupsReplications: [{ DBInstanceAutomatedBackupsArn: 'arn:backup' }],
        },
      ],
    });
    rds.on(DeleteDBInstanceCommand).resolves({ DBInstance: { DBInstanceStatus: 'deleting' } });
    const given = state({ copyWait: reached(snapshot('us-west-2')) }, 'us-west-2');

    // Act
    const result = await deleteInstance(deps(), given);

    // Assess
    expect(result).toEqual({ action: 'requested', instanceStatus: 'deleting', resourceId: 'db-ABC' });
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':snapshots']).toEqual([
      snapshot('us-east-1'),
      snapshot('us-west-2'),
    ]);
    expect(rds.commandCalls(StopDBInstanceAutomatedBackupsReplicationCommand)[0]?.args[0].input).toEqual({
      SourceDBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:tenant-acme',
    });
    expect(rds.commandCalls(ModifyDBInstanceCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'tenant-acme',
      DeletionProtection: false,
      ApplyImmediately: true,
    });
    expect(rds.commandCalls(DeleteDBInstanceCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'tenant-acme',
      SkipFinalSnapshot: true,
      DeleteAutomatedBackups: true,
    });
  });

  it('deletes nothing and records nothing while a snapshot is not confirmed', async () => {
    // Act / Assess
    await expect(deleteInstance(deps(), state({ snapshotWait: undefined }))).rejects.toThrow(/not deleted/);
    expect(ddb.calls()).toEqual([]);
    expect(rds.calls()).toEqual([]);
  });
});
