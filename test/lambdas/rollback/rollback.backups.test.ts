import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateDBInstanceCommand,
  DeleteDBInstanceCommand,
  RDSClient,
  StartDBInstanceAutomatedBackupsReplicationCommand,
} from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deadlineFor } from '../../../lambdas/create-instance/create';
import { type RollbackPassResult, rollbackPass } from '../../../lambdas/rollback/rollback';
import type { TenantRecord, TenantStatus, ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { type OwnerContext, ownershipTags } from '../../../lambdas/shared/naming';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';
import { registryTable } from '../../../lib/local/aws/dynamodb';
import { BACKUP_KMS_KEY_ARN, createRequest, useAwsDouble } from '../../../lib/local/aws/fixtures';

/**
 * Rollback of a replicating (enterprise) onboarding against the stateful AWS double: replication, its stop, retained
 * backups and their deletion behave as RDS documents them, and the tenant name `acme` was used before by an instance
 * whose replicated backups are still retained (kept on purpose, e.g. after offboarding).
 */

const MINUTE = 60_000;
const PASS_INTERVAL_MS = 30_000;
const SOURCE_REGION = 'us-east-1';
const BACKUP_REGION = 'us-west-2';
const INSTANCE_ARN = `arn:aws:rds:${SOURCE_REGION}:123456789012:db:tenant-acme`;
const REGISTRY_TABLE = 'tenant-registry';
const ENTERPRISE = DEFAULT_TIERS.enterprise as TierDefinition;

const rds = new RDSClient({ region: SOURCE_REGION });
const backupRds = new RDSClient({ region: BACKUP_REGION });
const clients = {
  registry: {
    doc: DynamoDBDocumentClient.from(new DynamoDBClient({ region: SOURCE_REGION })),
    table: REGISTRY_TABLE,
  },
  rds,
  secrets: new SecretsManagerClient({ region: SOURCE_REGION }),
  cloudwatch: new CloudWatchClient({ region: SOURCE_REGION }),
  backup: { region: BACKUP_REGION, client: backupRds },
};

const ownerOf = (execution: string): OwnerContext => ({
  tenantId: 'acme',
  tier: 'enterprise',
  executionArn: `arn:aws:states:${SOURCE_REGION}:123456789012:execution:provisioning:${execution}`,
});
const CURRENT = ownerOf('acme-enterprise-2');
const EARLIER = ownerOf('acme-enterprise-1');

describe('rollback of replicated backups (AWS double)', () => {
  const aws = useAwsDouble({ region: SOURCE_REGION });
  let restoreClock: () => void;

  beforeEach(async () => {
    // The rollback reads the time from the shared clock: the double's, so RDS and the rollback agree on it.
    restoreClock = aws().clock.install();
    aws().dynamodb.defineTable(registryTable(REGISTRY_TABLE));
    await givenRegistry('PROVISIONING');
  });

  afterEach(() => restoreClock());

  /** The tenant's registry record, claimed by the current execution, in `status`. */
  async function givenRegistry(status: TenantStatus): Promise<void> {
    const at = aws().clock.nowIso();
    const record: TenantRecord = {
      tenantId: 'acme',
      tier: 'enterprise',
      status,
      requestId: 'req-2',
      requestedBy: 'ops',
      executionArn: CURRENT.executionArn,
      attempt: 2,
      createdAt: at,
      updatedAt: at,
    };
    await aws().dynamodb.seed(REGISTRY_TABLE, { ...record });
  }

  /** An available tenant-acme tagged for `owner`, replicating its backups; when it was created, and the replication. */
  async function replicatingInstance(owner: OwnerContext): Promise<{ createdAtMs: number; replicationArn: string }> {
    const createdAtMs = aws().clock.now();
    await rds.send(new CreateDBInstanceCommand({ ...createRequest('tenant-acme'), Tags: ownershipTags(owner) }));
    aws().clock.advance(12 * MINUTE);
    const { DBInstanceAutomatedBackup } = await backupRds.send(
      new StartDBInstanceAutomatedBackupsReplicationCommand({
        SourceDBInstanceArn: INSTANCE_ARN,
        KmsKeyId: BACKUP_KMS_KEY_ARN,
        BackupRetentionPeriod: 14,
      }),
    );
    return { createdAtMs, replicationArn: DBInstanceAutomatedBackup?.DBInstanceAutomatedBackupsArn as string };
  }

  /** Deletes tenant-acme behind the workflow's back; its replicated backups stay, retained. */
  async function deleteByHand(): Promise<void> {
    await rds.send(
      new DeleteDBInstanceCommand({
        DBInstanceIdentifier: 'tenant-acme',
        SkipFinalSnapshot: true,
        DeleteAutomatedBackups: true,
      }),
    );
    aws().clock.advance(5 * MINUTE);
  }

  /** The earlier instance of the tenant: gone, its replicated backups retained. */
  async function givenEarlierRetainedBackups(): Promise<string> {
    const { replicationArn } = await replicatingInstance(EARLIER);
    await deleteByHand();
    return replicationArn;
  }

  /** The state after ConfigureAlarms failed: CreateInstance reported our instance, ConfigureBackups its replication. */
  function failedState({
    createdAtMs,
    replicationArn,
  }: {
    createdAtMs: number;
    replicationArn: string;
  }): WorkflowState {
    return {
      request: { ...CURRENT, tierDefinition: ENTERPRISE } as ValidatedRequest,
      instance: {
        instanceId: 'tenant-acme',
        instanceArn: INSTANCE_ARN,
        deadline: deadlineFor(ENTERPRISE, createdAtMs),
      },
      backups: { retentionDays: 35, replicationArn, replicationRegion: BACKUP_REGION },
      error: { Error: 'AwsRequestError', Cause: 'ConfigureAlarms failed' },
    };
  }

  /** Rollback passes 30 s apart, as the workflow runs them, until one reports complete. */
  async function rollBack(state: WorkflowState): Promise<RollbackPassResult[]> {
    const results: RollbackPassResult[] = [];
    let current = state;
    while (results.length < 40 && !current.rollback?.complete) {
      const result = await rollbackPass(clients, current);
      results.push(result);
      current = { ...current, rollback: result };
      aws().clock.advance(PASS_INTERVAL_MS);
    }
    return results;
  }

  it('stops the replication, deletes the retained backups in a later pass, and leaves the earlier instance’s alone', async () => {
    // Prepare
    const earlier = await givenEarlierRetainedBackups();
    const created = await replicatingInstance(CURRENT);
    const ours = created.replicationArn;

    // Act
    const results = await rollBack(failedState(created));

    // Assess
    const [first] = results;
    const deletedIn = results.findIndex((r) => r.deleted.includes(`replicated-backups:${ours}`));
    expect(results.at(-1)).toMatchObject({ complete: true, leftovers: [], exhausted: false });
    expect(first?.deleted).toContain(`backup-replication:${INSTANCE_ARN}`);
    expect(first?.deleted).not.toContain(`replicated-backups:${ours}`);
    expect(deletedIn).toBeGreaterThan(0);
    expect(results.flatMap((r) => r.skipped)).toEqual([]);
    expect(aws().inventory().instances).toEqual([]);
    expect(aws().inventory().replications).toEqual([
      { arn: earlier, region: BACKUP_REGION, sourceArn: INSTANCE_ARN, status: 'retained' },
    ]);
    expect(aws().violations).toEqual([]);
  });

  it('deletes the retained backups of an instance removed by hand before the rollback, by the recorded replication ARN', async () => {
    // Prepare
    const earlier = await givenEarlierRetainedBackups();
    const created = await replicatingInstance(CURRENT);
    const ours = created.replicationArn;
    await deleteByHand();

    // Act
    const results = await rollBack(failedState(created));

    // Assess
    expect(results[0]).toMatchObject({ complete: false, deleted: [`replicated-backups:${ours}`] });
    // One "not found" is never proof: the unlisted instance is gone once no pass has seen it for 120 s.
    expect(results.map((r) => r.complete)).toEqual([false, false, false, false, true]);
    expect(results.slice(1).flatMap((r) => r.deleted)).toEqual([]);
    expect(
      aws()
        .inventory()
        .replications.map((r) => r.arn),
    ).toEqual([earlier]);
  });

  it('leaves the instance, its replication and every backup in place when this execution already made the tenant ACTIVE', async () => {
    // Prepare
    const earlier = await givenEarlierRetainedBackups();
    const created = await replicatingInstance(CURRENT);
    await givenRegistry('ACTIVE');
    const before = aws().inventory();

    // Act
    const results = await rollBack(failedState(created));

    // Assess
    expect(results).toEqual([
      { complete: true, tenantActive: true, leftovers: [], deleted: [], passes: 1, exhausted: false, skipped: [] },
    ]);
    expect(aws().inventory()).toEqual(before);
    expect(before.instances).toHaveLength(1);
    expect(before.replications.map((r) => r.arn)).toEqual([earlier, created.replicationArn]);
  });
});
