import { S3Client } from '@aws-sdk/client-s3';
import { clock } from '../shared/clock';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { ConfigurationError } from '../shared/errors';
import { registryClient } from '../shared/registry-client';
import { ROLLOUT_STEPS, type RolloutPlan } from '../shared/rollout/contracts';
import { rolloutOptions } from '../shared/rollout/options';
import { ROLLOUT_ENV } from '../shared/rollout/settings';
import { parseTolerance } from '../shared/rollout/tolerance';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { shippedMigrations } from '../shared/schema/runner';
import { planRollout } from './plan';

const doc = registryClient();
const s3 = traced(new S3Client(CLIENT_CONFIG));

/** PlanRollout's payload: the raw execution input and the execution. */
interface PlanEvent {
  input: unknown;
  executionArn: string;
  executionName: string;
}

/**
 * PlanRollout: validates the request (before anything is touched), takes the rollout lock, and writes the waves of
 * ACTIVE tenants behind the last shipped migration to S3. The rollout's id is the execution's name, so a redriven
 * execution keeps it.
 */
export const handler = stepHandler(ROLLOUT_STEPS.plan, async (event: PlanEvent): Promise<RolloutPlan> => {
  const options = rolloutOptions(event.input, {
    maxConcurrency: readEnv(ROLLOUT_ENV.maxConcurrency),
    tolerance: parseTolerance(readEnv(ROLLOUT_ENV.tolerance), ROLLOUT_ENV.tolerance.name),
    canarySize: readEnv(ROLLOUT_ENV.canarySize),
  });
  const target = shippedMigrations().at(-1);
  if (!target) throw new ConfigurationError('the function has no migrations bundled');
  return planRollout(
    {
      doc,
      s3,
      registryTable: readEnv(RUNTIME_ENV.registryTable),
      rolloutTable: readEnv(ROLLOUT_ENV.table),
      bucket: readEnv(ROLLOUT_ENV.bucket),
      target,
      leaseSeconds: readEnv(ROLLOUT_ENV.leaseSeconds),
      now: () => clock.now(),
    },
    { rolloutId: event.executionName, executionArn: event.executionArn },
    options,
  );
});
