import type { OutcomeKind, RestoredFrom, TenantRecord, WorkflowState } from '../shared/contracts';
import { ConfigurationError } from '../shared/errors';

/** What the earlier steps established and the registry and the outcome event publish: identifiers and ARNs only. */
export type ActivationFacts = Required<
  Pick<TenantRecord, 'instanceId' | 'endpointAddress' | 'endpointPort' | 'secretArn'>
>;

/** The facts of a completed provisioning from the workflow state, or a ConfigurationError naming the missing key. */
export function activationFacts(state: WorkflowState): ActivationFacts {
  const { instance, readiness, credentials } = state;
  if (!instance) throw new ConfigurationError('MarkActive needs $.instance from CreateInstance');
  if (readiness?.status !== 'AVAILABLE' || !readiness.endpointAddress || !readiness.endpointPort) {
    throw new ConfigurationError('MarkActive needs an AVAILABLE $.readiness with the endpoint from WaitForInstance');
  }
  if (!credentials) throw new ConfigurationError('MarkActive needs $.credentials from StoreCredentials');
  return {
    instanceId: instance.instanceId,
    endpointAddress: readiness.endpointAddress,
    endpointPort: readiness.endpointPort,
    secretArn: credentials.secretArn,
  };
}

/**
 * When the tenant became active. A retry after a crash finds the record already ACTIVE and keeps its time, so the
 * rewrite and the re-published event carry the same values as the first attempt.
 */
export function provisionedAtOf(record: Pick<TenantRecord, 'status' | 'provisionedAt'>, now: string): string {
  return record.status === 'ACTIVE' && record.provisionedAt ? record.provisionedAt : now;
}

/** Seconds from the claim of this attempt (the record's `createdAt`) to activation. */
export function provisioningSeconds(createdAt: string, provisionedAt: string): number {
  return Math.round((Date.parse(provisionedAt) - Date.parse(createdAt)) / 1000);
}

/**
 * The outcome an activation owes, and for an undelete which snapshot the data came from (the record keeps its final
 * snapshots and purge date: the purge job deletes the old snapshots after it). Pure.
 */
export function restoreOutcome(state: Pick<WorkflowState, 'claim'>): {
  outcomePending: OutcomeKind;
  restoredFrom?: RestoredFrom;
} {
  const snapshot = state.claim?.restoreFrom;
  if (!snapshot) return { outcomePending: 'provisioned' };
  return { outcomePending: 'restored', restoredFrom: { snapshotArn: snapshot.arn, takenAt: snapshot.takenAt } };
}
