/**
 * Rollback: one compensation pass. The workflow calls it again after 30 s until it reports `complete` (nothing this
 * execution created remains) or `exhausted` (the pass budget is spent; the tenant ends ROLLBACK_FAILED). Each pass
 * looks at what exists, deletes what it may, and reports what is left; repeating a pass is always safe.
 *
 * @module
 */
import { DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DeleteDBInstanceAutomatedBackupCommand,
  DeleteDBInstanceCommand,
  ModifyDBInstanceCommand,
  type RDSClient,
  StopDBInstanceAutomatedBackupsReplicationCommand,
} from '@aws-sdk/client-rds';
import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { isAlarmNotFound } from '../shared/alarms';
import { clock, nowIso } from '../shared/clock';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import type { RollbackResult, WorkflowState } from '../shared/contracts';
import { awsErrorName, ConfigurationError, isTransientAwsError } from '../shared/errors';
import { instanceIdentifier } from '../shared/naming';
import { getTenant } from '../shared/registry';
import { logger, MetricUnit, metrics } from '../shared/runtime';
import { METRIC_NAMES } from '../shared/telemetry';
import { isInstanceAbsenceConfirmed } from '../shared/visibility';
import { observeResources, type RollbackClients } from './observe';
import { planRollback, type RollbackAction, resourceLabel } from './plan';

/** A pass result, with what was left alone because it is not this execution's. */
export interface RollbackPassResult extends RollbackResult {
  skipped: string[];
}

/**
 * How one action ended: gone (listed as deleted), not there any more, still there (or to be retried next pass), or
 * still there with its deletion accepted by RDS.
 */
type Outcome = 'deleted' | 'absent' | 'pending' | 'pending-deleting';

const NOT_FOUND = new Set([
  'ResourceNotFoundException',
  'DBInstanceNotFoundFault',
  'DBInstanceAutomatedBackupNotFoundFault',
]);
const INVALID_STATE = new Set(['InvalidDBInstanceStateFault', 'InvalidDBInstanceAutomatedBackupStateFault']);

function backupRds(clients: RollbackClients): RDSClient {
  if (!clients.backup) {
    throw new ConfigurationError(`backups replicate but ${RUNTIME_ENV.backupRegion.name} is not set for the rollback`);
  }
  return clients.backup.client;
}

async function perform(clients: RollbackClients, action: RollbackAction): Promise<Outcome> {
  switch (action.kind) {
    case 'delete-alarms':
      await clients.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: action.names }));
      return 'deleted';
    case 'stop-backup-replication':
      await backupRds(clients).send(
        new StopDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: action.sourceArn }),
      );
      return 'deleted';
    case 'delete-replicated-backups':
      // By ARN, as the RDS guide deletes replicated backups: it names exactly these, while a DbiResourceId is unique
      // only within its own Region, and that is the source's Region, not this one.
      await backupRds(clients).send(
        new DeleteDBInstanceAutomatedBackupCommand({ DBInstanceAutomatedBackupsArn: action.arn }),
      );
      logger.info('replicated backups deletion requested', { replicatedBackupsArn: action.arn });
      return 'deleted';
    case 'delete-secret':
      // No recovery window: a scheduled deletion would keep the name taken and block the tenant's next onboarding.
      await clients.secrets.send(new DeleteSecretCommand({ SecretId: action.arn, ForceDeleteWithoutRecovery: true }));
      return 'deleted';
    case 'delete-instance':
      if (action.disableDeletionProtection) {
        await clients.rds.send(
          new ModifyDBInstanceCommand({
            DBInstanceIdentifier: action.instanceId,
            DeletionProtection: false,
            ApplyImmediately: true,
          }),
        );
      }
      // A rolled-back onboarding has no data worth a final snapshot, and its automated backups must not outlive it.
      await clients.rds.send(
        new DeleteDBInstanceCommand({
          DBInstanceIdentifier: action.instanceId,
          SkipFinalSnapshot: true,
          DeleteAutomatedBackups: true,
        }),
      );
      logger.info('instance deletion requested', { instanceId: action.instanceId });
      return 'pending-deleting';
  }
}

function labelsOf(action: RollbackAction): string[] {
  switch (action.kind) {
    case 'delete-alarms':
      return action.names.map(resourceLabel.alarm);
    case 'stop-backup-replication':
      return [resourceLabel.replication(action.sourceArn)];
    case 'delete-replicated-backups':
      return [resourceLabel.replicatedBackups(action.arn)];
    case 'delete-secret':
      return [resourceLabel.secret(action.arn)];
    case 'delete-instance':
      return [resourceLabel.instance(action.instanceId)];
  }
}

/**
 * Runs one action. Any refusal leaves the resource for the next pass, so one busy or throttled resource never stops
 * the others from going: throttling inside a pass makes the pass incomplete, never the rollback failed.
 */
async function attempt(clients: RollbackClients, action: RollbackAction): Promise<Outcome> {
  try {
    return await perform(clients, action);
  } catch (error) {
    const name = awsErrorName(error) ?? 'Error';
    if (isTransientAwsError(error)) {
      logger.warn('throttled or transient fault; retrying next pass', { action: action.kind, errorName: name });
      return 'pending';
    }
    if (NOT_FOUND.has(name) || isAlarmNotFound(error)) return 'absent';
    // Secrets Manager may refuse to delete a secret whose deletion is already under way: it is going, as wanted.
    if (action.kind === 'delete-secret' && action.scheduledForDeletion && name === 'InvalidRequestException') {
      return 'absent';
    }
    if (INVALID_STATE.has(name)) {
      logger.info('resource busy; retrying next pass', { action: action.kind, reason: (error as Error).message });
    } else {
      logger.error('could not delete; retrying next pass', {
        action: action.kind,
        errorName: name,
        reason: (error as Error).message,
      });
    }
    return 'pending';
  }
}

/**
 * Whether the registry says this execution already made the tenant ACTIVE. Only MarkActive can fail after that
 * write (a crash before it could report); whatever sent the execution here, an ACTIVE tenant is never rolled back.
 */
async function madeActiveByThisExecution(clients: RollbackClients, state: WorkflowState): Promise<boolean> {
  const record = await getTenant(clients.registry.doc, clients.registry.table, state.request.tenantId);
  return record?.status === 'ACTIVE' && record.executionArn === state.request.executionArn;
}

/** The previous pass's trace of an instance it did not see, carried forward. */
function unseenInstanceTrace(
  state: WorkflowState,
  seen: boolean,
  deletionAccepted: boolean,
  now: string,
): Pick<RollbackPassResult, 'instanceUnseenSince' | 'instanceDeletionAccepted'> {
  const previous = state.rollback;
  const accepted = deletionAccepted || previous?.instanceDeletionAccepted === true;
  return {
    ...(seen ? {} : { instanceUnseenSince: previous?.instanceUnseenSince ?? now }),
    ...(accepted ? { instanceDeletionAccepted: true } : {}),
  };
}

/**
 * Whether this pass may call an unseen instance gone (see {@link isInstanceAbsenceConfirmed}). Every Rollback entry
 * follows CreateInstance, so the instance may exist even when the state does not say so (a crash after
 * CreateDBInstance, or a failure right after it).
 */
function unseenInstanceIsGone(trace: ReturnType<typeof unseenInstanceTrace>): boolean {
  const nowMs = clock.now();
  return isInstanceAbsenceConfirmed({
    unseenSinceMs: trace.instanceUnseenSince ? Date.parse(trace.instanceUnseenSince) : nowMs,
    deletionAccepted: trace.instanceDeletionAccepted === true,
    nowMs,
  });
}

/**
 * A pass that could not look (throttled or a transient fault while describing): nothing is known, nothing was done,
 * and the next pass looks again. What the last pass left is still left.
 */
function unobservedPass(state: WorkflowState, passes: number, budget: number, error: unknown): RollbackPassResult {
  logger.warn('could not observe the tenant resources; retrying next pass', { errorName: awsErrorName(error) });
  const previous = state.rollback;
  const leftovers = previous?.leftovers?.length
    ? previous.leftovers
    : [resourceLabel.instance(instanceIdentifier(state.request.tenantId))];
  const exhausted = passes >= budget;
  if (exhausted) metrics.addMetric(METRIC_NAMES.rollbackFailed, MetricUnit.Count, 1);
  return {
    complete: false,
    leftovers,
    deleted: [],
    passes,
    exhausted,
    skipped: previous?.skipped ?? [],
    ...(previous?.instanceResourceId ? { instanceResourceId: previous.instanceResourceId } : {}),
    ...(previous?.instanceUnseenSince ? { instanceUnseenSince: previous.instanceUnseenSince } : {}),
    ...(previous?.instanceDeletionAccepted ? { instanceDeletionAccepted: true } : {}),
  };
}

export async function rollbackPass(clients: RollbackClients, state: WorkflowState): Promise<RollbackPassResult> {
  const budget = readEnv(RUNTIME_ENV.rollbackMaxPasses);
  const passes = (state.rollback?.passes ?? 0) + 1;
  let observation: Awaited<ReturnType<typeof observeResources>>;
  try {
    if (await madeActiveByThisExecution(clients, state)) {
      logger.error('the tenant is ACTIVE: past the point of no return, nothing is rolled back', { passes });
      return { complete: true, tenantActive: true, leftovers: [], deleted: [], passes, exhausted: false, skipped: [] };
    }
    observation = await observeResources(clients, state);
  } catch (error) {
    if (!isTransientAwsError(error)) throw error;
    return unobservedPass(state, passes, budget, error);
  }
  const { resources, instanceResourceId } = observation;
  const plan = planRollback(resources);
  for (const { label, reason } of plan.skipped) {
    logger.warn('not rolled back: not created by this execution', { resource: label, reason });
  }
  for (const { label, reason } of plan.stuck) {
    logger.error('not rolled back: created by this execution, but its ownership tags were changed', {
      resource: label,
      reason,
    });
  }

  const deleted: string[] = [];
  const leftovers = new Set([...plan.remaining, ...plan.stuck.map((s) => s.label)]);
  let deletionAccepted = resources.instance?.owned === true && resources.instance.status === 'deleting';
  for (const action of plan.actions) {
    const outcome = await attempt(clients, action);
    const labels = labelsOf(action);
    if (outcome === 'deleted') deleted.push(...labels);
    if (outcome === 'pending-deleting') deletionAccepted = true;
    for (const label of labels) {
      if (outcome === 'pending' || outcome === 'pending-deleting') leftovers.add(label);
      else leftovers.delete(label);
    }
  }

  const trace = unseenInstanceTrace(state, resources.instance !== undefined, deletionAccepted, nowIso());
  if (!resources.instance && !unseenInstanceIsGone(trace)) {
    const label = resourceLabel.instance(instanceIdentifier(state.request.tenantId));
    logger.info('instance not listed yet; RDS may not show a new instance at once, looking again next pass', {
      instance: label,
      unseenSince: trace.instanceUnseenSince,
    });
    leftovers.add(label);
  }

  const complete = leftovers.size === 0;
  const stuck = !complete && [...leftovers].every((label) => plan.stuck.some((s) => s.label === label));
  const exhausted = !complete && !stuck && passes >= budget;
  if (exhausted) metrics.addMetric(METRIC_NAMES.rollbackFailed, MetricUnit.Count, 1);
  const result = {
    complete,
    leftovers: [...leftovers],
    deleted,
    passes,
    exhausted,
    ...(stuck ? { stuck } : {}),
    skipped: plan.skipped.map((s) => s.label),
    ...(instanceResourceId ? { instanceResourceId } : {}),
    ...trace,
  };
  logger.info('rollback pass finished', { ...result });
  return result;
}
