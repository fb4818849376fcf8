/**
 * The workflow test harness: the synthesized state machine executed locally against the real handlers, the AWS
 * double and a real PostgreSQL. Free of test-framework APIs, so the benchmark (run with tsx) uses it too.
 */
export { startWorkflowDatabase, type WorkflowDatabase } from './database';
export {
  createWorkflowDouble,
  installWorkflowDouble,
  registryRecord,
  registryTableName,
  type WorkflowDoubleOptions,
  workflowClockOf,
} from './double';
export type { LambdaHandler } from './handlers';
export { captureLogs, type LogCapture } from './log-capture';
export {
  type EventLog,
  type ExtraTask,
  type InvocationOutcome,
  type InvocationRecord,
  type RdsEventDelivery,
  READINESS_LISTENER,
  type RunStatus,
  type RunWorkflowOptions,
  runWorkflow,
  type WorkflowRun,
} from './run';
export { exposedTexts, findLeaks, type Leak } from './secret-scan';
export {
  type SynthesizedFunction,
  type SynthesizedWorkflow,
  synthesizedDefinition,
  synthesizedWorkflow,
} from './synthesized';
export { WorkflowClock } from './workflow-clock';
