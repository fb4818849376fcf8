import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { StepName } from '../../lambdas/shared/contracts';
import { DEFAULT_SECRET_NAME_PATTERN } from '../../lambdas/shared/naming';
import { majorVersionOf, type TierCatalog } from '../../lambdas/shared/tiers';
import type { SchemaRolloutConfig } from '../config';
import { BillingTrigger } from './billing-trigger';
import type { HandlerFunction } from './handler-function';
import type { PlatformFoundation, PlatformResources } from './handler-spec';
import { addInstanceStatusPoller } from './instance-status-poller';
import { LifecycleBillingTrigger } from './lifecycle-billing';
import { PlatformObservability } from './observability';
import { TenantOffboarding } from './offboarding/offboarding';
import { OffboardingSchedule } from './offboarding-schedule/offboarding-schedule';
import { RetentionPurge } from './offboarding-schedule/retention-purge';
import { TenantResourceArns } from './permissions';
import { buildProvisioningDefinition } from './provisioning/definition';
import { PROVISIONING_STEPS } from './provisioning/steps';
import { addReadinessSignal } from './readiness-signal';
import { addReconciliation } from './reconciliation';
import { TenantRegistry } from './registry-table';
import { addSchemaRollout, type SchemaRollout } from './rollout/rollout';
import { addAppSecretRotation } from './rotation';
import { addWorkflow } from './state-machine';
import { SUSPENSION_BILLING } from './suspension/billing';
import { TenantSuspension } from './suspension/suspension';
import { TIER_CHANGE_BILLING } from './tier-change/billing';
import { TenantTierChange } from './tier-change/tier-change';

export interface WorkflowStackProps extends StackProps {
  /** Network, key, database plumbing and alert topic. */
  readonly foundation: PlatformFoundation;
  /** The validated tier catalog (built-in tiers merged with `cdk.json` overrides). */
  readonly catalog: TierCatalog;
  /** Application secret name pattern; `{tenantId}` is replaced. @default 'saas/tenant/{tenantId}/app' */
  readonly secretNamePattern?: string;
  /** Region that receives replicated automated backups for tiers that ask for it. */
  readonly backupReplicationRegion: string;
  /** KMS key ARN in the backup Region for replicated backups. @default - the AWS-managed aws/rds key there */
  readonly backupReplicationKmsKeyArn?: string;
  /** Existing event bus that carries billing events. @default - a dedicated bus created by this stack */
  readonly billingEventBusName?: string;
  /** Retention of every log group. @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** Whole-execution timeout. @default Duration.hours(5) */
  readonly executionTimeout?: Duration;
  /** Schema rollout knobs (cdk.json `schemaRollout*`). @default - the defaults of each knob */
  readonly schemaRollout?: SchemaRolloutConfig;
}

/**
 * The provisioning workflow: one Lambda per step, the Step Functions state machine, the tenant registry, the
 * rotation function of the application secrets, the readiness hint from RDS events, billing triggers and the
 * platform's own alarms and dashboard.
 */
export class WorkflowStack extends Stack {
  public readonly stateMachine: sfn.StateMachine;
  public readonly registry: TenantRegistry;
  public readonly eventBus: events.EventBus;
  public readonly functions: Readonly<Record<StepName, HandlerFunction>>;
  /** The schema rollout workflow (docs/schema-changes.md). */
  public readonly rollout: SchemaRollout;
  /** Suspend and resume. */
  public readonly suspension: TenantSuspension;
  /** Tier changes of live tenants. */
  public readonly tierChange: TenantTierChange;
  /** Offboarding (final snapshot, then delete). */
  public readonly offboarding: TenantOffboarding;

  constructor(scope: Construct, id: string, props: WorkflowStackProps) {
    super(scope, id, props);
    const { foundation } = props;
    const key = foundation.platformKey;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const secretNamePattern = props.secretNamePattern ?? DEFAULT_SECRET_NAME_PATTERN;

    this.registry = new TenantRegistry(this, 'Registry', { encryptionKey: key });
    const table = this.registry.table;
    this.eventBus = new events.EventBus(this, 'PlatformBus', { eventBusName: `${id}-events` });

    const parameterGroupNames = Object.fromEntries(
      Object.entries(foundation.parameterGroups).map(([family, group]) => [
        family,
        group.bindToInstance({}).parameterGroupName,
      ]),
    );
    for (const [tierName, tier] of Object.entries(props.catalog)) {
      const family = `postgres${majorVersionOf(tier.engineVersion)}`;
      if (!parameterGroupNames[family]) {
        throw new Error(
          `tier "${tierName}" uses PostgreSQL family ${family}, but the foundation has no parameter group for it`,
        );
      }
    }

    const platform: PlatformResources = {
      stack: this,
      foundation,
      key,
      table,
      eventBus: this.eventBus,
      arns: new TenantResourceArns(this, secretNamePattern),
      secretNamePattern,
      backupRegion: props.backupReplicationRegion,
      backupKmsKeyArn: props.backupReplicationKmsKeyArn,
      catalog: props.catalog,
      parameterGroupNames,
      logRetention,
    };

    // Before the steps: EnableRotation names the rotation function.
    const rotation = addAppSecretRotation(this, platform);

    const stepPlatform = { ...platform, appSecretRotationFunctionArn: rotation.functionArn };
    const stateMachineName = `${id}-provisioning`;
    const provisioning = addWorkflow(this, {
      steps: PROVISIONING_STEPS,
      definition: buildProvisioningDefinition({
        timeoutSeconds: (props.executionTimeout ?? Duration.hours(5)).toSeconds(),
        steps: PROVISIONING_STEPS,
      }),
      stateMachineName,
      stateMachineId: 'ProvisioningStateMachine',
      logGroupId: 'StateMachineLogs',
      platform: stepPlatform,
    });
    this.stateMachine = provisioning.stateMachine;
    const workflowPlatform = { ...platform, appSecretRotationFunctionArn: rotation.functionArn };
    this.suspension = new TenantSuspension(this, 'Suspension', {
      platform: workflowPlatform,
      stateMachineName: `${id}-suspension`,
    });
    this.tierChange = new TenantTierChange(this, 'TierChange', {
      platform: workflowPlatform,
      stateMachineName: `${id}-tier-change`,
    });
    this.offboarding = new TenantOffboarding(this, 'Offboarding', {
      platform: workflowPlatform,
      stateMachineName: `${id}-offboarding`,
    });
    this.functions = provisioning.functions;
    this.rollout = addSchemaRollout(this, stepPlatform, `${id}-schema-rollout`, props.schemaRollout);

    // The waiters' shared view of RDS, and RDS's own "created" events: a few describes a minute however many
    // onboardings wait.
    addInstanceStatusPoller(this, platform);
    addReadinessSignal(this, platform);
    const reconciliation = addReconciliation(this, platform, { stateMachine: this.stateMachine, stateMachineName });

    const billing = new BillingTrigger(this, 'Billing', {
      stateMachine: this.stateMachine,
      tierNames: Object.keys(props.catalog),
      encryptionKey: key,
      alertTopic: foundation.alertTopic,
      billingEventBusName: props.billingEventBusName,
      defaultBus: this.eventBus,
    });

    const billingStarts = { bus: billing.bus, encryptionKey: key, deadLetterQueue: billing.deadLetterQueue };
    const suspensionBilling = new LifecycleBillingTrigger(this, 'SuspensionBilling', {
      ...billingStarts,
      ...SUSPENSION_BILLING,
      stateMachine: this.suspension.stateMachine,
    });
    const tierChangeBilling = new LifecycleBillingTrigger(this, 'TierChangeBilling', {
      ...billingStarts,
      ...TIER_CHANGE_BILLING,
      stateMachine: this.tierChange.stateMachine,
    });

    // Scheduled and cancelled offboardings (tenantctl offboard --at/--in/--cancel, billing's offboarding events).
    const offboardingSchedule = new OffboardingSchedule(this, 'OffboardingSchedule', {
      platform,
      offboardingStateMachine: this.offboarding.stateMachine,
      scheduleGroupName: `${id}-offboarding`,
      billingBus: billing.bus,
      billingDeadLetterQueue: billing.deadLetterQueue,
    });

    new PlatformObservability(this, 'Observability', {
      stateMachine: this.stateMachine,
      tierNames: Object.keys(props.catalog),
      alertTopic: foundation.alertTopic,
      deadLetterQueues: [
        ...billing.queues,
        reconciliation.deadLetterQueue,
        suspensionBilling.rejectedQueue,
        tierChangeBilling.rejectedQueue,
        ...offboardingSchedule.queues,
      ],
      backgroundFunctions: [reconciliation.reaper.function, reconciliation.sweeper.function],
      platform,
      operationWorkflows: [
        { id: 'Suspension', description: 'A suspend or resume', stateMachine: this.suspension.stateMachine },
        { id: 'SchemaRollout', description: 'A schema rollout', stateMachine: this.rollout.stateMachine },
        { id: 'TierChange', description: 'A tier change', stateMachine: this.tierChange.stateMachine },
        { id: 'Offboarding', description: 'An offboarding', stateMachine: this.offboarding.stateMachine },
      ],
    });

    // Retention: deletes what offboarding kept once each tenant's purge date passed (daily).
    new RetentionPurge(this, 'RetentionPurge', { platform });

    new CfnOutput(this, 'StateMachineArn', {
      value: this.stateMachine.stateMachineArn,
      description: 'Provisioning workflow',
    });
    new CfnOutput(this, 'SuspensionStateMachineArn', {
      value: this.suspension.stateMachine.stateMachineArn,
      description: 'Suspend and resume workflow (tenantctl suspend, resume)',
    });
    new CfnOutput(this, 'TierChangeStateMachineArn', {
      value: this.tierChange.stateMachine.stateMachineArn,
      description: 'Tier change workflow (tenantctl change-tier)',
    });
    new CfnOutput(this, 'OffboardingStateMachineArn', {
      value: this.offboarding.stateMachine.stateMachineArn,
      description: 'Offboarding workflow (tenantctl offboard)',
    });
    new CfnOutput(this, 'OffboardingScheduleFunctionName', {
      value: offboardingSchedule.function.function.functionName,
      description: 'Schedules and cancels offboardings (tenantctl offboard --at, --in, --cancel)',
    });
    new CfnOutput(this, 'RegistryTableName', { value: table.tableName, description: 'Tenant registry table' });
    new CfnOutput(this, 'EventBusName', { value: this.eventBus.eventBusName, description: 'Bus of outcome events' });
    new CfnOutput(this, 'AppSecretRotationFunctionArn', {
      value: rotation.functionArn,
      description: 'Rotation function of the tenant application secrets (tenantctl rotation enable)',
    });
    new CfnOutput(this, 'BillingEventBusName', {
      value: billing.bus.eventBusName,
      description: 'Bus the billing system sends to',
    });
  }
}
