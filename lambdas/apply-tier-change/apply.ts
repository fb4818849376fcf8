/**
 * ApplyTierChange: plans the change from the two tier definitions and the instance's real allocation, refuses what
 * cannot be done now (the storage cool-down) before any AWS call, and sends the ModifyDBInstance request of the plan,
 * less what the instance already has or has pending. RDS refusing the request is a refusal (the tenant stays on its
 * tier); anything after RDS accepted it is carried forward.
 *
 * @module
 */
import {
  type DBInstance,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { clock } from '../shared/clock';
import { AwsRequestError, awsErrorName, TierChangeRefusedError } from '../shared/errors';
import { instanceOf } from '../shared/lifecycle/instance';
import { type ApplyResult, changeOf, type TierChangeState, tiersOf } from '../shared/lifecycle/tier-change';
import { logger } from '../shared/runtime';
import { buildModifyDbInstanceRequest, type ModificationPlatform, planTierChange } from '../shared/tier-change';
import type { TierCatalog } from '../shared/tiers';
import { isRefusal, remainingModification, storageCooldownProblem } from './modification';

/** What the step talks to and reads. */
export interface ApplyDeps {
  rds: RDSClient;
  catalog: TierCatalog;
  platform: ModificationPlatform;
}

async function describe(rds: RDSClient, instanceId: string): Promise<DBInstance> {
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
  const instance = DBInstances?.[0];
  if (!instance) throw new AwsRequestError(`DescribeDBInstances returned no instance ${instanceId}`);
  return instance;
}

/** Applies the tier change of `state` to the tenant's instance. */
export async function applyTierChange(deps: ApplyDeps, state: TierChangeState): Promise<ApplyResult> {
  const change = changeOf(state);
  const { instanceId } = instanceOf(state.lock);
  const tiers = tiersOf(deps.catalog, change);
  const offline = planTierChange(tiers.from, tiers.to, { when: change.when });
  const cooldown = storageCooldownProblem(offline.storageCooldown, change.storageChangedAt, clock.now());
  if (cooldown && !change.resumed) throw new TierChangeRefusedError(cooldown);

  const instance = await describe(deps.rds, instanceId);
  // The allocation the instance really has: storage autoscaling may have grown it past its tier's.
  const plan = planTierChange(tiers.from, tiers.to, {
    when: change.when,
    ...(instance.AllocatedStorage === undefined ? {} : { currentAllocatedGiB: instance.AllocatedStorage }),
  });
  const request = buildModifyDbInstanceRequest(instanceId, plan, deps.platform);
  if (!request) return { modification: 'none', parameters: [] };
  const remaining = remainingModification(request, instance);
  if (!remaining) return { modification: 'already', parameters: [] };
  const parameters = Object.keys(remaining).filter((k) => k !== 'DBInstanceIdentifier' && k !== 'ApplyImmediately');
  try {
    await deps.rds.send(new ModifyDBInstanceCommand(remaining));
  } catch (error) {
    const name = awsErrorName(error);
    if (!isRefusal(name)) throw error;
    throw new TierChangeRefusedError(
      `RDS refused ModifyDBInstance (${parameters.join(', ')}) with ${name}: ${(error as Error).message}`,
    );
  }
  logger.info('tier change requested', { instanceId, parameters, when: change.when, blocked: plan.blocked.length });
  return { modification: 'requested', parameters };
}
