import { clock as handlerClock } from '../../../lambdas/shared/clock';
import { ENV } from '../../../lambdas/shared/config';
import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { AwsDouble, installAwsDouble, type RdsTimings, registryTable } from '../aws-double';
import type { WorkflowDatabase } from './database';
import { handlerEnvironment } from './environment';
import { synthesizedWorkflow } from './synthesized';
import { WorkflowClock } from './workflow-clock';

/**
 * The AWS double as the deployed stack would meet it: the registry table under the name the template gives the
 * handlers, and (optionally) every RDS instance standing for the test PostgreSQL.
 */

export interface WorkflowDoubleOptions {
  /** Make instances front for this database (RunMigrations then runs for real). */
  database?: WorkflowDatabase;
  /** RDS lifecycle timings (default: the double's, 10 min creating + 2 min backing-up). */
  timings?: Partial<RdsTimings>;
  /** Seed of generated ids and passwords. */
  seed?: number;
  /** Virtual time every AWS call takes (default 0); the benchmark sets it so Lambda durations include API latency. */
  callLatencyMs?: number;
}

/** The registry table name the template wires into the handlers. */
export function registryTableName(): string {
  const name = handlerEnvironment(synthesizedWorkflow())[ENV.registryTable];
  if (!name) throw new Error(`workflow harness: the template sets ${ENV.registryTable} on no function`);
  return name;
}

/**
 * A fresh double for workflow runs.
 *
 * @example
 * ```ts
 * const double = createWorkflowDouble({ database, timings: { creationMs: 58 * 60_000 } });
 * const restore = installWorkflowDouble(double);
 * ```
 */
export function createWorkflowDouble(options: WorkflowDoubleOptions = {}): AwsDouble {
  const double = new AwsDouble({
    clock: new WorkflowClock(),
    seed: options.seed,
    callLatencyMs: options.callLatencyMs,
  });
  double.dynamodb.defineTable(registryTable(registryTableName()));
  const alertTopic = handlerEnvironment(synthesizedWorkflow())[ENV.alertTopicArn];
  if (alertTopic) double.sns.createTopic(alertTopic);
  if (options.database) double.rds.backingServer = options.database.backingServer;
  Object.assign(double.rds.timings, options.timings);
  return double;
}

/** The double's clock, which must be a WorkflowClock (doubles made by {@link createWorkflowDouble} have one). */
export function workflowClockOf(double: AwsDouble): WorkflowClock {
  if (!(double.clock instanceof WorkflowClock)) {
    throw new Error('workflow harness: create the double with createWorkflowDouble (it needs a WorkflowClock)');
  }
  return double.clock;
}

/**
 * Routes the SDK clients to `double` and the handlers' clock to its virtual clock; returns the function that puts
 * both back. Install one double at a time. A handler's sleep lets the background work its virtual time starts
 * finish on the way (see WorkflowClock).
 */
export function installWorkflowDouble(double: AwsDouble): () => void {
  const restoreAws = installAwsDouble(double);
  const clock = workflowClockOf(double);
  const restoreClock = clock.install();
  handlerClock.sleep = (ms) => clock.advanceSettled(ms);
  return () => {
    restoreClock();
    restoreAws();
  };
}

/** The tenant's registry record in the double, or undefined. */
export function registryRecord(double: AwsDouble, tenantId: string): TenantRecord | undefined {
  return double.dynamodb.items(registryTableName()).find((item) => item.tenantId === tenantId) as
    | TenantRecord
    | undefined;
}
