import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tenantsInStatus } from '../shared/registry';
import { claimRollout, endRollout } from '../shared/registry-rollout';
import type { PlannedWave, RolloutOptions, RolloutPlan } from '../shared/rollout/contracts';
import { waveKey, writeWaveManifest } from '../shared/rollout/manifests';
import { mapThresholds } from '../shared/rollout/tolerance';
import { behindTarget, planWaves } from '../shared/rollout/waves';

/** What planning needs. */
export interface PlanDeps {
  doc: DynamoDBDocumentClient;
  s3: S3Client;
  registryTable: string;
  rolloutTable: string;
  bucket: string;
  /** The last shipped migration. */
  target: string;
  leaseSeconds: number;
  now: () => number;
}

/** The execution the plan belongs to. */
export interface PlanContext {
  rolloutId: string;
  executionArn: string;
}

/**
 * Takes the platform's rollout lock, reads the ACTIVE tenants (the status index: suspended, failed or provisioning
 * tenants are never selected), keeps those behind the target, splits them into waves and writes each wave's
 * tenant list to S3. Re-running it (a retry, or a new rollout after a halt) plans again from the registry, so it
 * continues with the tenants still behind.
 */
export async function planRollout(deps: PlanDeps, context: PlanContext, options: RolloutOptions): Promise<RolloutPlan> {
  const at = new Date(deps.now());
  await claimRollout(deps.doc, deps.rolloutTable, {
    rolloutId: context.rolloutId,
    executionArn: context.executionArn,
    target: deps.target,
    requestedBy: options.requestedBy,
    at: at.toISOString(),
    leaseExpiresAt: new Date(at.getTime() + deps.leaseSeconds * 1000).toISOString(),
  });
  try {
    return await planWaveManifests(deps, context, options);
  } catch (error) {
    // Nothing was migrated yet: release the lock at once rather than hold it until the lease runs out.
    await endRollout(deps.doc, deps.rolloutTable, context.rolloutId, {
      status: 'HALTED',
      reason: `planning failed: ${(error as Error).message}`,
    });
    throw error;
  }
}

async function planWaveManifests(deps: PlanDeps, context: PlanContext, options: RolloutOptions): Promise<RolloutPlan> {
  const active = await tenantsInStatus(deps.doc, deps.registryTable, 'ACTIVE');
  const behind = behindTarget(active, deps.target);
  const draft = planWaves(behind, options);
  const waves: PlannedWave[] = draft.waves.map((wave, index) => ({
    index,
    name: wave.name,
    key: waveKey(context.rolloutId, index),
    size: wave.tenantIds.length,
    maxConcurrency: options.maxConcurrency,
    // Any failure in the canary halts: it exists to stop a bad migration before it reaches the fleet.
    ...mapThresholds(index === 0 ? { kind: 'count', value: 0 } : options.tolerance, wave.tenantIds.length),
  }));
  await Promise.all(
    draft.waves.map((wave, index) =>
      writeWaveManifest(deps.s3, deps.bucket, waveKey(context.rolloutId, index), wave.tenantIds),
    ),
  );
  return {
    rolloutId: context.rolloutId,
    target: deps.target,
    waveCount: waves.length,
    waves,
    atTarget: active.length - behind.length,
    skippedCanary: draft.missingCanary,
  };
}
