/**
 * A stateful, in-memory AWS for the workflow tests and the benchmark: RDS, Secrets Manager, CloudWatch, DynamoDB,
 * EventBridge, SNS, KMS (the AWS managed RDS key) and CloudWatch Logs (log groups), on a virtual clock, with fault injection and a call log. Wire
 * it to the real SDK clients with `installAwsDouble`.
 *
 * @example
 * ```ts
 * const double = new AwsDouble();
 * double.dynamodb.defineTable(registryTable('registry'));
 * const restoreAws = installAwsDouble(double);
 * const restoreClock = double.clock.install();
 * // ... run handlers ...
 * expect(double.leftovers()).toEqual([]);
 * expect(double.violations).toEqual([]);
 * restoreAws(); restoreClock();
 * ```
 *
 * On the local platform one double lives as long as the daemon, and its state outlives it: DynamoDB's tables on
 * LevelDB ({@link AwsDoubleOptions.dynamodbPath}), everything else through {@link AwsDouble.exportState} /
 * {@link AwsDouble.importState}, written to a private file by store.ts.
 *
 * @module
 */
import { CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsServiceException } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import { KMSServiceException } from '@aws-sdk/client-kms';
import { RDSServiceException } from '@aws-sdk/client-rds';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { SchedulerServiceException } from '@aws-sdk/client-scheduler';
import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { SNSServiceException } from '@aws-sdk/client-sns';
import { type AlarmSummary, CloudWatchDouble } from './cloudwatch';
import { DynamoDbDouble } from './dynamodb';
import type { CallContext, DoubleEnvironment, Route, ServiceName } from './environment';
import { crashError, NotModeledError, type ServiceExceptionClass, throttlingError } from './errors';
import { EventBridgeDouble } from './eventbridge';
import { Faults } from './faults';
import { Ids } from './ids';
import { KmsDouble } from './kms';
import { type LogGroupSummary, LogsDouble } from './logs';
import {
  type DoubleState,
  fromJsonSafe,
  PERSISTED_STATE_VERSION,
  type PersistedAwsState,
  toJsonSafe,
} from './persisted';
import { type BackupSummary, type InstanceSummary, RdsDouble } from './rds';
import { type BackendLog, type BackendServers, BackendWork, type InstanceBackend, stderrLog } from './rds-backend';
import { RdsSnapshotsDouble, type SnapshotSummary } from './rds-snapshots';
import { redact } from './redact';
import { S3Double } from './s3';
import { SchedulerDouble } from './scheduler';
import { type SecretSummary, SecretsManagerDouble } from './secrets-manager';
import { SnsDouble } from './sns';
import { VirtualClock } from './virtual-clock';

export interface AwsDoubleOptions {
  clock?: VirtualClock;
  /** Region of clients configured without one; default `AWS_REGION`, else us-east-1. */
  region?: string;
  account?: string;
  /** Seed of generated ids and passwords. */
  seed?: number;
  /** Virtual time every call takes (default 0): makes call counts visible as time in benchmark runs. */
  callLatencyMs?: number;
  /**
   * A folder for DynamoDB's tables on LevelDB (one subfolder per Region): the tables and their items outlive the
   * process, and a table defined again on the next start is found there. Call {@link AwsDouble.close} before
   * another double opens the folder.
   * @default none: tables in memory
   */
  dynamodbPath?: string;
  /**
   * How many records the call log keeps: the last `callLogLimit` calls, so a platform running for days does not grow
   * without bound. Record numbers (`seq`) keep counting.
   * @default unlimited
   */
  callLogLimit?: number;
  /**
   * Real database servers behind the RDS instances and snapshots (the local platform: `hostBackend`).
   * @default none: instances are metadata with RDS-style endpoints
   */
  instanceBackend?: InstanceBackend;
  /** Where the reasons of failed server operations go (never a password). @default standard error */
  backendLog?: BackendLog;
}

type CallOutcome = 'ok' | 'error' | 'throttled' | 'injected-error' | 'crashed';

/** One call as the log keeps it: the input with every secret value redacted. */
export interface CallRecord {
  seq: number;
  /** Virtual time of the call, epoch ms. */
  at: number;
  service: ServiceName;
  command: string;
  region: string;
  input: unknown;
  outcome: CallOutcome;
  /** Error name when the call failed. */
  error?: string;
}

/** What exists now: the "nothing is leaked" assertions read it. */
export interface Inventory {
  instances: InstanceSummary[];
  /** Secrets the platform creates (application secrets), including those scheduled for deletion. */
  secrets: SecretSummary[];
  /** RDS-managed master secrets (`rds!db-...`). */
  managedSecrets: SecretSummary[];
  alarms: AlarmSummary[];
  /** Replicated (and retained) automated backups. */
  replications: BackupSummary[];
  snapshots: { identifier: string; region: string; instanceIdentifier: string }[];
  /** Manual snapshots (final snapshots of offboarded tenants and their copies). */
  manualSnapshots: SnapshotSummary[];
  /** Log groups of exported instance logs: kept on purpose after a rollback, so never leftovers. */
  logGroups: LogGroupSummary[];
}

const SERVICE_EXCEPTIONS: Record<ServiceName, ServiceExceptionClass> = {
  rds: RDSServiceException,
  secretsmanager: SecretsManagerServiceException,
  cloudwatch: CloudWatchServiceException,
  dynamodb: DynamoDBServiceException,
  eventbridge: EventBridgeServiceException,
  sns: SNSServiceException,
  kms: KMSServiceException,
  logs: CloudWatchLogsServiceException,
  s3: S3ServiceException,
  scheduler: SchedulerServiceException,
};

async function regionOf(config: Readonly<Record<string, unknown>>, fallback: string): Promise<string> {
  const region = config.region;
  const resolved: unknown = typeof region === 'function' ? await (region as () => Promise<unknown>)() : region;
  return typeof resolved === 'string' && resolved !== '' ? resolved : fallback;
}

export class AwsDouble {
  readonly clock: VirtualClock;
  readonly account: string;
  readonly region: string;
  readonly rds: RdsDouble;
  /**
   * Manual DB snapshots (CreateDBSnapshot, CopyDBSnapshot, DeleteDBSnapshot, and the snapshots restores read) and the
   * manual-snapshot quota.
   */
  readonly rdsSnapshots: RdsSnapshotsDouble;
  readonly secretsManager: SecretsManagerDouble;
  readonly cloudWatch: CloudWatchDouble;
  readonly dynamodb: DynamoDbDouble;
  readonly eventBridge: EventBridgeDouble;
  readonly sns: SnsDouble;
  readonly kms: KmsDouble;
  readonly logs: LogsDouble;
  readonly s3: S3Double;
  readonly scheduler: SchedulerDouble;
  readonly faults = new Faults();
  /** Every call, in order. */
  readonly calls: CallRecord[] = [];
  /** Platform expectations requests broke (see PlatformExpectationError). */
  readonly violations: string[];
  /** Set when a `crashAfter` fault fired; read and cleared with {@link takeCrash}. */
  crashPending = false;

  private readonly env: DoubleEnvironment;
  private readonly routes: Record<ServiceName, readonly Route[]>;
  private readonly callLatencyMs: number;
  private readonly callLogLimit: number;
  private callCount = 0;

  constructor(options: AwsDoubleOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.account = options.account ?? '123456789012';
    this.region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
    this.callLatencyMs = options.callLatencyMs ?? 0;
    this.callLogLimit = options.callLogLimit ?? Number.POSITIVE_INFINITY;
    if (!(this.callLogLimit >= 1) || (Number.isFinite(this.callLogLimit) && !Number.isInteger(this.callLogLimit))) {
      throw new RangeError(`callLogLimit must be a positive integer (got ${options.callLogLimit})`);
    }
    this.env = {
      clock: this.clock,
      account: this.account,
      region: this.region,
      ids: new Ids(options.seed),
      secretValues: new Set(),
      violations: [],
    };
    this.violations = this.env.violations;
    this.secretsManager = new SecretsManagerDouble(this.env);
    const log = options.backendLog ?? stderrLog;
    const servers: BackendServers | undefined = options.instanceBackend && {
      backend: options.instanceBackend,
      work: new BackendWork(this.clock, log),
    };
    this.rds = new RdsDouble(this.env, this.secretsManager, servers);
    this.rdsSnapshots = new RdsSnapshotsDouble(this.env, this.rds, servers);
    this.rds.restores.source = this.rdsSnapshots;
    this.cloudWatch = new CloudWatchDouble(this.env);
    this.dynamodb = new DynamoDbDouble(this.env, options.dynamodbPath);
    this.eventBridge = new EventBridgeDouble(this.env);
    this.sns = new SnsDouble(this.env);
    this.kms = new KmsDouble(this.env);
    this.logs = new LogsDouble(this.env);
    this.s3 = new S3Double(this.env);
    this.scheduler = new SchedulerDouble(this.env);
    this.routes = {
      rds: [...this.rds.routes, ...this.rdsSnapshots.routes],
      secretsmanager: this.secretsManager.routes,
      cloudwatch: this.cloudWatch.routes,
      dynamodb: this.dynamodb.routes,
      eventbridge: this.eventBridge.routes,
      sns: this.sns.routes,
      kms: this.kms.routes,
      logs: this.logs.routes,
      s3: this.s3.routes,
      scheduler: this.scheduler.routes,
    };
  }

  /**
   * Answers one SDK command sent by a client of `service`: logs it, applies faults, runs it, and returns the
   * output with `$metadata`. Called by the stubs `installAwsDouble` puts on the clients.
   */
  async invoke(
    service: ServiceName,
    command: object,
    clientConfig: Readonly<Record<string, unknown>>,
  ): Promise<unknown> {
    const found = this.routes[service].find((r) => command instanceof r.command);
    const name = found?.name ?? command.constructor.name.replace(/Command$/, '');
    const input = (command as { input?: unknown }).input ?? {};
    const region = await regionOf(clientConfig, this.region);
    this.callCount += 1;
    const record: CallRecord = {
      seq: this.callCount,
      at: this.clock.now(),
      service,
      command: name,
      region,
      input: redact(input, this.env.secretValues),
      outcome: 'ok',
    };
    this.calls.push(record);
    if (this.calls.length > this.callLogLimit) this.calls.splice(0, this.calls.length - this.callLogLimit);
    const fail = (outcome: CallOutcome, error: Error): never => {
      record.outcome = outcome;
      record.error = error.name;
      throw error;
    };
    if (!found) {
      return fail(
        'error',
        new NotModeledError(`the AWS double does not implement ${service} ${name}; add it to lib/local/aws`),
      );
    }
    if (this.callLatencyMs > 0) await this.clock.sleep(this.callLatencyMs);
    const fault = this.faults.before(service, name, input);
    if (fault?.kind === 'throttle') fail('throttled', throttlingError(SERVICE_EXCEPTIONS[service]));
    if (fault?.kind === 'error') fail('injected-error', fault.error);
    const context: CallContext = { service, command: name, region, clientConfig };
    let output: unknown;
    try {
      output = await found.run(input, context);
    } catch (error) {
      fail('error', error as Error);
    }
    if (this.faults.crashAfter(service, name, input)) {
      this.crashPending = true;
      fail('crashed', crashError(service, name));
    }
    return {
      ...(output as object),
      $metadata: { httpStatusCode: 200, requestId: this.env.ids.uuid(), attempts: 1, totalRetryDelay: 0 },
    };
  }

  /** Whether a `crashAfter` fault fired since the last call; clears the flag. */
  takeCrash(): boolean {
    const crashed = this.crashPending;
    this.crashPending = false;
    return crashed;
  }

  /** Every password and secret value the double generated or stored: none may appear in outputs, events or logs. */
  allSecretValues(): string[] {
    return [...this.env.secretValues];
  }

  inventory(): Inventory {
    const secrets = this.secretsManager.list();
    return {
      instances: this.rds.listInstances(),
      secrets: secrets.filter((s) => !s.owningService),
      managedSecrets: secrets.filter((s) => s.owningService),
      alarms: this.cloudWatch.list(),
      replications: this.rds.listBackups(),
      snapshots: this.rds.listSnapshots(),
      manualSnapshots: this.rdsSnapshots.list(),
      logGroups: this.logs.list(),
    };
  }

  /**
   * Everything that still exists, as `type:identifier` (the form RollbackResult uses). A secret scheduled for
   * deletion still blocks its name, so it is listed, marked as such. Log groups are not: rollback keeps them on
   * purpose (they hold the logs that explain the failure) and their retention expires them.
   */
  leftovers(): string[] {
    const inventory = this.inventory();
    return [
      ...inventory.instances.map((i) => `instance:${i.identifier}`),
      ...[...inventory.secrets, ...inventory.managedSecrets].map(
        (s) => `secret:${s.name}${s.scheduledDeletion ? ' (scheduled for deletion)' : ''}`,
      ),
      ...inventory.alarms.map((a) => `alarm:${a.name}`),
      ...inventory.replications.map((r) => `backup-replication:${r.arn}`),
      ...inventory.snapshots.map((s) => `snapshot:${s.identifier}`),
    ];
  }

  /** Calls made so far, optionally of one service and command. */
  callsTo(service: ServiceName, command?: string): CallRecord[] {
    return this.calls.filter((c) => c.service === service && (command === undefined || c.command === command));
  }

  /**
   * Every resource the platform created or reads later, JSON-safe: RDS instances (with the due time of a transition
   * under way), automated backups, manual snapshots, secrets with their values, alarms, KMS keys, log groups,
   * schedules, S3 objects, and where the id sequence stands. DynamoDB is not in it: its tables persist on their own
   * in {@link AwsDoubleOptions.dynamodbPath}. Holds secret values: keep what is written from it private.
   */
  exportState(): PersistedAwsState {
    const state: DoubleState = {
      version: PERSISTED_STATE_VERSION,
      savedAt: this.clock.now(),
      account: this.account,
      idsPosition: this.env.ids.position(),
      secretValues: [...this.env.secretValues],
      rds: this.rds.exportState(),
      rdsSnapshots: this.rdsSnapshots.exportState(),
      secretsManager: this.secretsManager.exportState(),
      cloudWatch: this.cloudWatch.exportState(),
      kms: this.kms.exportState(),
      logs: this.logs.exportState(),
      scheduler: this.scheduler.exportState(),
      s3: this.s3.exportState(),
    };
    return toJsonSafe(state);
  }

  /**
   * Loads what {@link exportState} wrote (after a JSON round trip) into this double, which must hold no resources
   * yet. Transitions under way when the state was saved are scheduled again on this double's clock.
   */
  importState(state: PersistedAwsState): void {
    if (state?.version !== PERSISTED_STATE_VERSION) {
      throw new Error(
        `AWS double: saved state version ${String(state?.version)} is not ${PERSISTED_STATE_VERSION}, the version this release reads`,
      );
    }
    if (state.account !== this.account) {
      throw new Error(`AWS double: saved state belongs to account ${state.account}, not ${this.account}`);
    }
    if (this.leftovers().length > 0 || this.inventory().manualSnapshots.length > 0) {
      throw new Error('AWS double: a saved state loads into a double that holds no resources yet');
    }
    const saved = fromJsonSafe(state) as DoubleState;
    this.env.ids.moveTo(saved.idsPosition);
    for (const value of saved.secretValues) this.env.secretValues.add(value);
    this.kms.importState(saved.kms);
    this.secretsManager.importState(saved.secretsManager);
    this.rds.importState(saved.rds);
    this.rdsSnapshots.importState(saved.rdsSnapshots);
    this.cloudWatch.importState(saved.cloudWatch);
    this.logs.importState(saved.logs);
    this.scheduler.importState(saved.scheduler);
    this.s3.importState(saved.s3);
  }

  /** Releases what outlives a call: DynamoDB's stores (the LevelDB lock of {@link AwsDoubleOptions.dynamodbPath}). */
  close(): Promise<void> {
    return this.dynamodb.close();
  }
}
