/**
 * The workflow test harness: the synthesized state machine executed locally against the real handlers, the AWS
 * double and a real PostgreSQL. Free of test-framework APIs, so the benchmark (run with tsx) uses it too.
 *
 * @example
 * ```ts
 * const database = await startWorkflowDatabase();
 * const double = createWorkflowDouble({ database });
 * const restore = installWorkflowDouble(double);
 * const run = await runWorkflow({ tenantId: 'acme', tier: 'pro' }, { double, database });
 * restore();
 * await database.stop();
 * ```
 */
export { startWorkflowDatabase, type WorkflowDatabase } from './database';
export {
  createWorkflowDouble,
  installWorkflowDouble,
  registryRecord,
  registryRecords,
} from './double';
export { type FleetTenant, runRollout, seedFleetTenant, tenantDatabase } from './rollout';
export {
  type InvocationRecord,
  READINESS_LISTENER,
  type RunWorkflowOptions,
  runWorkflow,
  type WorkflowRun,
} from './run';
export { findLeaks } from './secret-scan';
export {
  synthesizedDefinition,
  synthesizedWorkflow,
} from './synthesized';
