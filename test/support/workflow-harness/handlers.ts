/**
 * The real Lambda handlers, loaded on first use: several read their environment when their module loads (the
 * backup Region's client, say), so they are loaded only after the harness has set that environment. `require`, not
 * `import()`: under the `nodenext` module setting a dynamic import is a real ECMAScript import that needs file
 * extensions, which Jest's CommonJS transform cannot resolve to the `.ts` sources.
 *
 * @module
 */
import type { Context } from 'aws-lambda';
import { STEPS, type StepName } from '../../../lambdas/shared/contracts';
import { OFFBOARDING_STATES } from '../../../lambdas/shared/lifecycle/offboarding';
import { SUSPENSION_STATES } from '../../../lambdas/shared/lifecycle/suspension';
import { TIER_CHANGE_STATES } from '../../../lambdas/shared/lifecycle/tier-change';

/** A Lambda handler as the harness calls it: the event and the invocation's context in, the result (or a thrown error) out. */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

type Loader = () => { handler: unknown };

/** Task state name → the handler module of its step (`lambdas/<folder>/handler.ts`). */
const STEP_HANDLERS: Record<StepName, Loader> = {
  [STEPS.validate]: () => require('../../../lambdas/validate-input/handler'),
  [STEPS.claim]: () => require('../../../lambdas/claim-tenant/handler'),
  [STEPS.createInstance]: () => require('../../../lambdas/create-instance/handler'),
  [STEPS.waitForInstance]: () => require('../../../lambdas/wait-for-instance/handler'),
  [STEPS.storeCredentials]: () => require('../../../lambdas/store-credentials/handler'),
  [STEPS.runMigrations]: () => require('../../../lambdas/run-migrations/handler'),
  [STEPS.enableRotation]: () => require('../../../lambdas/enable-rotation/handler'),
  [STEPS.configureBackups]: () => require('../../../lambdas/configure-backups/handler'),
  [STEPS.configureAlarms]: () => require('../../../lambdas/configure-alarms/handler'),
  [STEPS.markActive]: () => require('../../../lambdas/mark-active/handler'),
  [STEPS.rollback]: () => require('../../../lambdas/rollback/handler'),
  [STEPS.recordFailure]: () => require('../../../lambdas/record-failure/handler'),
};

/** The rollout workflow's Task states (RecordRollout backs three of them). */
const ROLLOUT_HANDLERS: Record<string, Loader> = {
  PlanRollout: () => require('../../../lambdas/plan-rollout/handler'),
  MigrateTenant: () => require('../../../lambdas/migrate-tenant/handler'),
  RecordWave: () => require('../../../lambdas/record-rollout/handler'),
  HaltRollout: () => require('../../../lambdas/record-rollout/handler'),
  CompleteRollout: () => require('../../../lambdas/record-rollout/handler'),
};

/** Task state name → the handler module of the suspension workflow's function behind it. */
const SUSPENSION_HANDLERS: Record<string, Loader> = {
  [SUSPENSION_STATES.take]: () => require('../../../lambdas/take-tenant/handler'),
  [SUSPENSION_STATES.disableLogin]: () => require('../../../lambdas/set-app-login/handler'),
  [SUSPENSION_STATES.enableLogin]: () => require('../../../lambdas/set-app-login/handler'),
  [SUSPENSION_STATES.stopInstance]: () => require('../../../lambdas/set-instance-power/handler'),
  [SUSPENSION_STATES.startInstance]: () => require('../../../lambdas/set-instance-power/handler'),
  [SUSPENSION_STATES.waitStopped]: () => require('../../../lambdas/wait-for-power/handler'),
  [SUSPENSION_STATES.waitStarted]: () => require('../../../lambdas/wait-for-power/handler'),
  [SUSPENSION_STATES.release]: () => require('../../../lambdas/release-tenant/handler'),
};

/** Task state name → the handler module of the tier change workflow's function behind it. */
const TIER_CHANGE_HANDLERS: Record<string, Loader> = {
  [TIER_CHANGE_STATES.take]: () => require('../../../lambdas/take-tier-change/handler'),
  [TIER_CHANGE_STATES.apply]: () => require('../../../lambdas/apply-tier-change/handler'),
  [TIER_CHANGE_STATES.check]: () => require('../../../lambdas/check-tier-change/handler'),
  [TIER_CHANGE_STATES.followUps]: () => require('../../../lambdas/apply-follow-ups/handler'),
  [TIER_CHANGE_STATES.release]: () => require('../../../lambdas/release-tenant/handler'),
};

/** The offboarding workflow's own Task states (the others share the suspension workflow's names and handlers). */
const OFFBOARDING_HANDLERS: Record<string, Loader> = {
  [OFFBOARDING_STATES.checkQuota]: () => require('../../../lambdas/check-snapshot-quota/handler'),
  [OFFBOARDING_STATES.createSnapshot]: () => require('../../../lambdas/final-snapshot/handler'),
  [OFFBOARDING_STATES.copySnapshot]: () => require('../../../lambdas/final-snapshot/handler'),
  [OFFBOARDING_STATES.waitSnapshot]: () => require('../../../lambdas/wait-for-offboarding/handler'),
  [OFFBOARDING_STATES.waitCopy]: () => require('../../../lambdas/wait-for-offboarding/handler'),
  [OFFBOARDING_STATES.waitDeleted]: () => require('../../../lambdas/wait-for-offboarding/handler'),
  [OFFBOARDING_STATES.deleteInstance]: () => require('../../../lambdas/delete-instance/handler'),
  [OFFBOARDING_STATES.deleteResources]: () => require('../../../lambdas/delete-tenant-resources/handler'),
};

const loadReadinessSignal: Loader = () => require('../../../lambdas/readiness-signal/handler');
const loadRotation: Loader = () => require('../../../lambdas/rotate-app-secret/handler');

/**
 * The handler of the step whose Task state is `stateName` (in the tier change workflow with `machine`), or undefined
 * when no step has that name.
 */
export function stepHandlerFor(stateName: string, machine?: string): LambdaHandler | undefined {
  const loader =
    (machine === 'tier-change' ? TIER_CHANGE_HANDLERS[stateName] : undefined) ??
    STEP_HANDLERS[stateName as StepName] ??
    ROLLOUT_HANDLERS[stateName] ??
    SUSPENSION_HANDLERS[stateName] ??
    OFFBOARDING_HANDLERS[stateName];
  return loader?.().handler as LambdaHandler | undefined;
}

/** The RDS "DB instance created" listener. */
export function readinessSignalHandler(): LambdaHandler {
  return loadReadinessSignal().handler as LambdaHandler;
}

/** The application secret rotation function. */
export function rotationHandler(): LambdaHandler {
  return loadRotation().handler as LambdaHandler;
}
