/**
 * The AWS double as the deployed stack would meet it: the registry table under the name the template gives the
 * handlers, and (optionally) every RDS instance standing for the test PostgreSQL.
 *
 * @module
 */
import { RUNTIME_ENV } from '../../../lambdas/shared/config';
import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { AwsDouble, type CallRecord, installAwsDouble, type RdsTimings, registryTable } from '../../../lib/local/aws';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';
import type { WorkflowDatabase } from './database';
import { handlerEnvironment } from './environment';
import { currentExecution } from './execution-scope';
import { rotationHandler } from './handlers';
import { synthesizedWorkflow } from './synthesized';
import { WorkflowClock } from './workflow-clock';

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
function registryTableName(): string {
  const name = handlerEnvironment(synthesizedWorkflow())[RUNTIME_ENV.registryTable.name];
  if (!name) throw new Error(`workflow harness: the template sets ${RUNTIME_ENV.registryTable.name} on no function`);
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
  const alertTopic = handlerEnvironment(synthesizedWorkflow())[RUNTIME_ENV.alertTopicArn.name];
  if (alertTopic) double.sns.createTopic(alertTopic);
  // The schema rollout's lock table and manifest bucket.
  const { rollout } = synthesizedWorkflow();
  double.dynamodb.defineTable({ name: rollout.tableName, partitionKey: 'lockId' });
  double.s3.createBucket(rollout.bucketName);
  if (options.database) double.rds.backingServer = options.database.backingServer;
  Object.assign(double.rds.timings, options.timings);
  // Secrets Manager invokes the real rotation function, which logs in to the test database as on RDS. It shares this
  // process's Powertools logger with the step that called RotateSecret (as overlapping executions share it), so that
  // step's lines after the call carry the rotation's log keys here; in Lambda each function has its own.
  const rotation = synthesizedWorkflow().rotationFunction;
  double.secretsManager.registerRotationFunction(rotation.arn, (event) =>
    rotationHandler()(
      event,
      lambdaContext({
        functionName: rotation.logicalId,
        memoryMb: rotation.memoryMb,
        timeoutSeconds: rotation.timeoutSeconds,
        now: () => double.clock.now(),
      }),
    ),
  );
  scopePerExecution(double);
  return double;
}

/**
 * Gives each execution its own pending-crash flag and call log: a `crashAfter` fault that fires during one
 * execution's invocation crashes that invocation only, however many executions run at once. Outside any execution
 * (a test calling a handler directly) the double behaves as it always does.
 */
function scopePerExecution(double: AwsDouble): void {
  let unscopedCrash = false;
  Object.defineProperty(double, 'crashPending', {
    configurable: true,
    enumerable: true,
    get: () => currentExecution()?.crashPending ?? unscopedCrash,
    set: (value: boolean) => {
      const scope = currentExecution();
      if (scope) scope.crashPending = value;
      else unscopedCrash = value;
    },
  });
  // The double logs each call once, in the caller's context, and completes that record when the call ends.
  const log = double.calls;
  Object.defineProperty(log, 'push', {
    configurable: true,
    value: (...records: CallRecord[]): number => {
      currentExecution()?.calls.push(...records);
      return Array.prototype.push.apply(log, records);
    },
  });
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
 * both back. Install one double at a time. A handler's sleep is a wake-up on the double's scheduler (see
 * VirtualClock): it lets every other execution, and the background work due on the way, run first.
 */
export function installWorkflowDouble(double: AwsDouble): () => void {
  const restoreAws = installAwsDouble(double);
  const restoreClock = workflowClockOf(double).install();
  return () => {
    restoreClock();
    restoreAws();
  };
}

/** Every registry record in the double, by tenant id. */
export async function registryRecords(double: AwsDouble): Promise<Map<string, TenantRecord>> {
  const items = (await double.dynamodb.items(registryTableName())) as unknown as TenantRecord[];
  return new Map(items.map((record) => [record.tenantId, record]));
}

/** The tenant's registry record in the double, or undefined. */
export async function registryRecord(double: AwsDouble, tenantId: string): Promise<TenantRecord | undefined> {
  return (await registryRecords(double)).get(tenantId);
}
