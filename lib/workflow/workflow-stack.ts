import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { MIGRATIONS_DIR } from '../../lambdas/run-migrations/bundling';
import { ENV } from '../../lambdas/shared/config';
import { STEPS, type StepName } from '../../lambdas/shared/contracts';
import { RETRYABLE_MIGRATION_ERROR_NAMES } from '../../lambdas/shared/error-names';
import { ALARM_NAME_PREFIX, DEFAULT_SECRET_NAME_PATTERN, INSTANCE_ID_PREFIX } from '../../lambdas/shared/naming';
import { majorVersionOf, type TierCatalog } from '../../lambdas/shared/tiers';
import { RDS_CREATED_EVENT_PATTERN } from '../triggers/event-patterns';
import { BillingTrigger } from './billing-trigger';
import { buildProvisioningDefinition, functionArnVariable, functionTimeoutSeconds } from './definition';
import { HandlerFunction } from './handler-function';
import { addInstanceStatusPoller } from './instance-status-poller';
import { PlatformObservability } from './observability';
import {
  allow,
  GRANT_FOR_AWS_RESOURCE,
  MANAGED_REQUEST_CONDITION,
  MANAGED_RESOURCE_CONDITION,
  RDS_SECRET_INSTANCE_TAG,
  TenantResourceArns,
  wildcardFinding,
} from './permissions';
import { addReconciliation } from './reconciliation';
import { TenantRegistry } from './registry-table';

/** What the workflow needs from the foundation stack. */
export interface PlatformFoundation {
  readonly vpc: ec2.IVpc;
  /** Subnets of the tenant databases; the migration Lambda runs in them. */
  readonly databaseSubnets: ec2.SubnetSelection;
  readonly platformKey: kms.IKey;
  readonly dbSubnetGroup: rds.ISubnetGroup;
  readonly databaseSecurityGroup: ec2.ISecurityGroup;
  readonly migrationSecurityGroup: ec2.ISecurityGroup;
  /** DB parameter groups with `rds.force_ssl=1`, by family (`postgres17`). */
  readonly parameterGroups: Readonly<Record<string, rds.IParameterGroup>>;
  readonly monitoringRole: iam.IRole;
  readonly alertTopic: sns.ITopic;
}

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
}

/**
 * The provisioning workflow: one Lambda per step, the Step Functions state machine, the tenant registry, the
 * readiness hint from RDS events, billing triggers and the platform's own alarms and dashboard.
 */
export class WorkflowStack extends Stack {
  public readonly stateMachine: sfn.StateMachine;
  public readonly registry: TenantRegistry;
  public readonly eventBus: events.EventBus;
  public readonly functions: Readonly<Record<StepName, HandlerFunction>>;

  constructor(scope: Construct, id: string, props: WorkflowStackProps) {
    super(scope, id, props);
    const { foundation } = props;
    const key = foundation.platformKey;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const secretNamePattern = props.secretNamePattern ?? DEFAULT_SECRET_NAME_PATTERN;
    const arns = new TenantResourceArns(this, secretNamePattern);

    this.registry = new TenantRegistry(this, 'Registry', { encryptionKey: key });
    const table = this.registry.table;
    this.eventBus = new events.EventBus(this, 'PlatformBus', { eventBusName: `${id}-events` });

    const parameterGroups = Object.fromEntries(
      Object.entries(foundation.parameterGroups).map(([family, group]) => [
        family,
        group.bindToInstance({}).parameterGroupName,
      ]),
    );
    for (const [tierName, tier] of Object.entries(props.catalog)) {
      const family = `postgres${majorVersionOf(tier.engineVersion)}`;
      if (!parameterGroups[family]) {
        throw new Error(
          `tier "${tierName}" uses PostgreSQL family ${family}, but the foundation has no parameter group for it`,
        );
      }
    }

    const common = { encryptionKey: key, logRetention };
    const fn = (
      step: StepName,
      folder: string,
      description: string,
      extra: Partial<ConstructorParameters<typeof HandlerFunction>[2]> = {},
    ) =>
      new HandlerFunction(this, `${step}Function`, {
        ...common,
        folder,
        description,
        timeout: Duration.seconds(functionTimeoutSeconds(step)),
        ...extra,
      });

    const functions: Record<StepName, HandlerFunction> = {
      [STEPS.validate]: fn(
        STEPS.validate,
        'validate-input',
        'Validates an onboarding request against the tier catalog',
        {
          define: { 'process.env.TIER_CATALOG': JSON.stringify(JSON.stringify(props.catalog)) },
          environment: { [ENV.secretNamePattern]: secretNamePattern },
        },
      ),
      [STEPS.claim]: fn(STEPS.claim, 'claim-tenant', 'Claims the tenant in the registry for this execution', {
        environment: { [ENV.registryTable]: table.tableName },
      }),
      [STEPS.createInstance]: fn(
        STEPS.createInstance,
        'create-instance',
        'Creates the tenant RDS for PostgreSQL instance',
        {
          environment: {
            [ENV.registryTable]: table.tableName,
            [ENV.kmsKeyArn]: key.keyArn,
            [ENV.dbSubnetGroup]: foundation.dbSubnetGroup.subnetGroupName,
            [ENV.dbSecurityGroupId]: foundation.databaseSecurityGroup.securityGroupId,
            [ENV.parameterGroups]: Stack.of(this).toJsonString(parameterGroups),
            [ENV.monitoringRoleArn]: foundation.monitoringRole.roleArn,
            [ENV.tenantLogRetentionDays]: String(logRetention),
          },
        },
      ),
      [STEPS.waitForInstance]: fn(
        STEPS.waitForInstance,
        'wait-for-instance',
        'Waits until the tenant instance is available',
        {
          memorySize: 128,
          environment: { [ENV.registryTable]: table.tableName, [ENV.pollBudgetSeconds]: '780' },
        },
      ),
      [STEPS.storeCredentials]: fn(
        STEPS.storeCredentials,
        'store-credentials',
        'Stores the tenant application credentials',
        {
          environment: { [ENV.kmsKeyArn]: key.keyArn, [ENV.secretNamePattern]: secretNamePattern },
        },
      ),
      [STEPS.runMigrations]: fn(STEPS.runMigrations, 'run-migrations', 'Applies the tenant database init migrations', {
        memorySize: 512,
        vpc: {
          vpc: foundation.vpc,
          securityGroup: foundation.migrationSecurityGroup,
          subnets: foundation.databaseSubnets,
        },
        environment: {
          // Node 20+ Lambda runtimes no longer trust the Amazon RDS CAs by default; the runtime ships them here.
          RDS_CA_BUNDLE_PATH: '/var/runtime/ca-cert.pem',
          MIGRATIONS_DIR: '/var/task/migrations',
        },
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, outputDir: string) => [`cp -r "${MIGRATIONS_DIR}" "${outputDir}/migrations"`],
        },
      }),
      [STEPS.configureBackups]: fn(STEPS.configureBackups, 'configure-backups', 'Applies the tier backup settings', {
        environment: {
          [ENV.backupRegion]: props.backupReplicationRegion,
          ...(props.backupReplicationKmsKeyArn ? { [ENV.backupKmsKeyArn]: props.backupReplicationKmsKeyArn } : {}),
        },
      }),
      [STEPS.configureAlarms]: fn(STEPS.configureAlarms, 'configure-alarms', 'Creates the tenant CloudWatch alarms', {
        environment: { [ENV.alertTopicArn]: foundation.alertTopic.topicArn },
      }),
      [STEPS.markActive]: fn(STEPS.markActive, 'mark-active', 'Marks the tenant ACTIVE and announces it', {
        environment: { [ENV.registryTable]: table.tableName, [ENV.eventBusName]: this.eventBus.eventBusName },
      }),
      [STEPS.rollback]: fn(STEPS.rollback, 'rollback', 'Deletes what a failed execution created', {
        environment: {
          [ENV.registryTable]: table.tableName,
          [ENV.secretNamePattern]: secretNamePattern,
          [ENV.backupRegion]: props.backupReplicationRegion,
        },
      }),
      [STEPS.recordFailure]: fn(STEPS.recordFailure, 'record-failure', 'Records and announces a failed onboarding', {
        environment: {
          [ENV.registryTable]: table.tableName,
          [ENV.eventBusName]: this.eventBus.eventBusName,
          [ENV.alertTopicArn]: foundation.alertTopic.topicArn,
        },
      }),
    };
    this.functions = functions;

    // Least privilege, step by step. Wildcards are name prefixes of tenant resources; destructive actions also
    // require the platform's managed-by tag. Each acknowledgement names the exact scoped wildcard it accepts.
    const registry = (f: HandlerFunction, access: 'read' | 'write', actions: string[], resource = table.tableArn) => {
      f.addToRolePolicy(allow(actions, [resource]));
      key.grant(
        f,
        'kms:Decrypt',
        'kms:DescribeKey',
        ...(access === 'write' ? ['kms:Encrypt', 'kms:GenerateDataKey'] : []),
      );
    };
    const accept = (f: HandlerFunction, reason: string, ...findings: string[]) => {
      for (const id of findings) Validations.of(f.role as iam.Role).acknowledge({ id, reason });
    };
    const backupRegion = props.backupReplicationRegion;
    const tenantInstances = wildcardFinding('rds', `db:${INSTANCE_ID_PREFIX}*`);
    const tenantAlarms = wildcardFinding('cloudwatch', `alarm:${ALARM_NAME_PREFIX}*`);
    const appSecretsByName = wildcardFinding(
      'secretsmanager',
      `secret:${secretNamePattern.replaceAll('{tenantId}', '*')}`,
    );
    const appSecrets = wildcardFinding(
      'secretsmanager',
      `secret:${secretNamePattern.replaceAll('{tenantId}', '*')}-??????`,
    );
    const rdsSecrets = wildcardFinding('secretsmanager', 'secret:rds!db-*');
    const replicatedBackups = wildcardFinding('rds', 'auto-backup:*', backupRegion);
    const instancesReason =
      'Tenant DB instances are created at run time; the identifier prefix tenant- scopes the grant to them.';

    registry(functions[STEPS.claim], 'write', ['dynamodb:GetItem', 'dynamodb:PutItem']);
    for (const step of [STEPS.createInstance, STEPS.markActive, STEPS.recordFailure] as const) {
      registry(functions[step], 'write', ['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    }
    registry(functions[STEPS.waitForInstance], 'read', ['dynamodb:GetItem']);
    // Rollback reads the record to respect the point of no return: an ACTIVE tenant is never rolled back.
    registry(functions[STEPS.rollback], 'read', ['dynamodb:GetItem']);
    for (const step of [STEPS.markActive, STEPS.recordFailure] as const) {
      functions[step].addToRolePolicy(allow(['events:PutEvents'], [this.eventBus.eventBusArn]));
    }
    functions[STEPS.recordFailure].addToRolePolicy(allow(['sns:Publish'], [foundation.alertTopic.topicArn]));
    key.grant(functions[STEPS.recordFailure], 'kms:GenerateDataKey', 'kms:Decrypt');

    const create = functions[STEPS.createInstance];
    create.addToRolePolicy(
      allow(['rds:CreateDBInstance', 'rds:AddTagsToResource'], [arns.instances], MANAGED_REQUEST_CONDITION),
    );
    create.addToRolePolicy(allow(['rds:CreateDBInstance'], arns.instanceDependencies));
    create.addToRolePolicy(allow(['rds:DescribeDBInstances'], [arns.instances]));
    create.addToRolePolicy(allow(['iam:PassRole'], [foundation.monitoringRole.roleArn]));
    // The instance's log groups are created ahead of RDS, encrypted with the platform key and with a retention.
    create.addToRolePolicy(
      allow(
        ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:TagResource', 'logs:TagLogGroup'],
        [arns.instanceLogGroups],
      ),
    );
    // RDS creates the master user secret and the storage grants with the caller's permissions.
    create.addToRolePolicy(
      allow(['secretsmanager:CreateSecret', 'secretsmanager:TagResource'], [arns.rdsManagedSecrets]),
    );
    key.grant(create, 'kms:DescribeKey', 'kms:GenerateDataKey', 'kms:Decrypt');
    // RDS creates grants on the key for the instance's storage; only grants for an AWS resource, never for a person.
    create.addToRolePolicy(allow(['kms:CreateGrant'], [key.keyArn], GRANT_FOR_AWS_RESOURCE));
    accept(
      create,
      `${instancesReason} CreateDBInstance also authorizes the subnet, parameter and option groups it names (platform-owned, read-only use), and RDS creates the master user secret (rds!db-<id>) with the caller's permission.`,
      tenantInstances,
      wildcardFinding('rds', 'subgrp:*'),
      wildcardFinding('rds', 'pg:*'),
      wildcardFinding('rds', 'og:*'),
      rdsSecrets,
      wildcardFinding('logs', `log-group:/aws/rds/instance/${INSTANCE_ID_PREFIX}*`),
    );

    const wait = functions[STEPS.waitForInstance];
    wait.addToRolePolicy(allow(['rds:DescribeDBInstances'], [arns.instances]));
    accept(wait, instancesReason, tenantInstances);

    const credentials = functions[STEPS.storeCredentials];
    // GetRandomPassword touches no resource and accepts only "*".
    credentials.addToRolePolicy(allow(['secretsmanager:GetRandomPassword'], ['*']));
    credentials.addToRolePolicy(
      allow(
        ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
        [arns.appSecrets, arns.appSecretsByName],
        MANAGED_REQUEST_CONDITION,
      ),
    );
    credentials.addToRolePolicy(allow(['secretsmanager:DescribeSecret'], [arns.appSecrets, arns.appSecretsByName]));
    key.grant(credentials, 'kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt');
    accept(
      credentials,
      'Secrets are created per tenant at run time under the configured name pattern (authorized by name before they exist, by ARN after); creation requires the managed-by tag.',
      appSecrets,
      appSecretsByName,
    );

    const migrations = functions[STEPS.runMigrations];
    migrations.addToRolePolicy(allow(['secretsmanager:GetSecretValue'], [arns.appSecrets]));
    // RDS tags each master user secret with the instance it belongs to: only tenant instances' secrets are readable.
    migrations.addToRolePolicy(
      allow(['secretsmanager:GetSecretValue'], [arns.rdsManagedSecrets], {
        ArnLike: { [`secretsmanager:ResourceTag/${RDS_SECRET_INSTANCE_TAG}`]: arns.instances },
      }),
    );
    key.grantDecrypt(migrations);
    accept(
      migrations,
      'Reads only the tenant application secrets (name pattern) and the RDS-managed master secrets (rds!db-*) it migrates with; secret names are not known before the tenant exists.',
      appSecrets,
      rdsSecrets,
    );

    const backups = functions[STEPS.configureBackups];
    backups.addToRolePolicy(allow(['rds:DescribeDBInstances'], [arns.instances]));
    backups.addToRolePolicy(allow(['rds:ModifyDBInstance'], [arns.instances], MANAGED_RESOURCE_CONDITION));
    backups.addToRolePolicy(
      allow(['rds:StartDBInstanceAutomatedBackupsReplication'], [arns.instances, arns.autoBackups(backupRegion)]),
    );
    backups.addToRolePolicy(allow(['rds:DescribeDBInstanceAutomatedBackups'], [arns.autoBackups(backupRegion)]));
    // Replicating encrypted backups needs grants on the source key and on the key in the backup Region, which RDS
    // creates for its own use: only grants for an AWS resource are allowed.
    key.grant(backups, 'kms:DescribeKey');
    backups.addToRolePolicy(allow(['kms:CreateGrant'], [key.keyArn], GRANT_FOR_AWS_RESOURCE));
    const backupKeys =
      props.backupReplicationKmsKeyArn ?? `arn:${this.partition}:kms:${backupRegion}:${this.account}:key/*`;
    backups.addToRolePolicy(allow(['kms:DescribeKey'], [backupKeys]));
    backups.addToRolePolicy(allow(['kms:CreateGrant'], [backupKeys], GRANT_FOR_AWS_RESOURCE));
    accept(
      backups,
      `${instancesReason} Replicated automated backups get their ids from RDS in the backup Region; without a configured key the AWS-managed aws/rds key there (id unknown before deployment) encrypts them.`,
      tenantInstances,
      replicatedBackups,
      wildcardFinding('kms', 'key/*', backupRegion),
    );

    const alarms = functions[STEPS.configureAlarms];
    // The alarms' action: the topic must exist before alarms point at it.
    alarms.addToRolePolicy(allow(['sns:GetTopicAttributes'], [foundation.alertTopic.topicArn]));
    alarms.addToRolePolicy(allow(['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'], [arns.alarms]));
    alarms.addToRolePolicy(allow(['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'], [arns.alarms]));
    accept(
      alarms,
      'Per-tenant alarms are created at run time; the alarm name prefix scopes the grant to them.',
      tenantAlarms,
    );

    const rollback = functions[STEPS.rollback];
    rollback.addToRolePolicy(allow(['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'], [arns.alarms]));
    rollback.addToRolePolicy(allow(['cloudwatch:DeleteAlarms'], [arns.alarms], MANAGED_RESOURCE_CONDITION));
    rollback.addToRolePolicy(allow(['secretsmanager:DescribeSecret'], [arns.appSecrets, arns.appSecretsByName]));
    rollback.addToRolePolicy(allow(['secretsmanager:DeleteSecret'], [arns.appSecrets], MANAGED_RESOURCE_CONDITION));
    rollback.addToRolePolicy(allow(['rds:DescribeDBInstances'], [arns.instances]));
    rollback.addToRolePolicy(
      allow(['rds:ModifyDBInstance', 'rds:DeleteDBInstance'], [arns.instances], MANAGED_RESOURCE_CONDITION),
    );
    rollback.addToRolePolicy(
      allow(
        ['rds:StopDBInstanceAutomatedBackupsReplication', 'rds:DescribeDBInstanceAutomatedBackups'],
        [arns.instances, arns.autoBackups(backupRegion)],
      ),
    );
    // Replicated backups carry no tags, so no tag condition can apply: the handler deletes only backups whose source
    // DbiResourceId is the instance this execution created.
    rollback.addToRolePolicy(allow(['rds:DeleteDBInstanceAutomatedBackup'], [arns.autoBackups(backupRegion)]));
    accept(
      rollback,
      'Rollback finds resources by their deterministic tenant names (prefix-scoped wildcards); every delete or modify additionally requires the managed-by tag, and the handler deletes only what this execution tagged.',
      tenantInstances,
      tenantAlarms,
      appSecrets,
      appSecretsByName,
      replicatedBackups,
    );

    // The waiters' shared view of RDS: a few describes a minute however many onboardings wait.
    addInstanceStatusPoller(this, { table, encryptionKey: key, logRetention });

    // Readiness hint: RDS's "DB instance created" event on the default bus shortens the wait to seconds.
    const signal = new HandlerFunction(this, 'ReadinessSignalFunction', {
      ...common,
      folder: 'readiness-signal',
      description: 'Records RDS "DB instance created" events as a readiness hint',
      invocation: 'event',
      environment: { [ENV.registryTable]: table.tableName },
    });
    registry(signal, 'write', ['dynamodb:UpdateItem']);
    new events.Rule(this, 'InstanceCreatedRule', {
      description: 'RDS reports a tenant DB instance created',
      eventPattern: RDS_CREATED_EVENT_PATTERN,
      targets: [new targets.LambdaFunction(signal, { retryAttempts: 4, maxEventAge: Duration.minutes(15) })],
    });

    // The state machine.
    const stateMachineLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      encryptionKey: key,
      retention: logRetention,
    });
    const executionTimeout = props.executionTimeout ?? Duration.hours(5);
    const provisioningStateMachineName = `${id}-provisioning`;
    this.stateMachine = new sfn.StateMachine(this, 'ProvisioningStateMachine', {
      // A fixed name: the role's KMS condition names the state machine ARN, which must be known at synth time.
      stateMachineName: provisioningStateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(
        JSON.stringify(
          buildProvisioningDefinition({
            timeoutSeconds: executionTimeout.toSeconds(),
            extraRetryableErrors: { [STEPS.runMigrations]: RETRYABLE_MIGRATION_ERROR_NAMES },
          }),
        ),
      ),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(functions).map(([step, f]) => [functionArnVariable(step as StepName), f.functionArn]),
      ),
      tracingEnabled: true,
      logs: { destination: stateMachineLogs, level: sfn.LogLevel.ALL, includeExecutionData: true },
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(key),
    });
    // Unqualified function ARNs only: the definition never invokes versions or aliases.
    this.stateMachine.addToRolePolicy(
      allow(
        ['lambda:InvokeFunction'],
        Object.values(functions).map((f) => f.functionArn),
      ),
    );
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing and CloudWatch Logs vended log delivery actions accept no resource ARN (Step Functions documents "*" for them).',
    });
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      Validations.of(this.stateMachine).acknowledge({
        id: `${pack}-IAMNoInlinePolicy`,
        reason:
          'The execution role and the EventBridge role are created for this one state machine; their inline policies cannot be attached anywhere else and hold only invoke, logging, tracing and KMS grants.',
      });
    }

    const reconciliation = addReconciliation(this, {
      stateMachine: this.stateMachine,
      stateMachineName: provisioningStateMachineName,
      table,
      eventBus: this.eventBus,
      alertTopic: foundation.alertTopic,
      encryptionKey: key,
      logRetention,
      backupReplicationRegion: props.backupReplicationRegion,
    });

    const billing = new BillingTrigger(this, 'Billing', {
      stateMachine: this.stateMachine,
      tierNames: Object.keys(props.catalog),
      encryptionKey: key,
      alertTopic: foundation.alertTopic,
      billingEventBusName: props.billingEventBusName,
      defaultBus: this.eventBus,
    });

    new PlatformObservability(this, 'Observability', {
      stateMachine: this.stateMachine,
      tierNames: Object.keys(props.catalog),
      alertTopic: foundation.alertTopic,
      deadLetterQueues: [...billing.queues, reconciliation.deadLetterQueue],
      backgroundFunctions: [reconciliation.reaper, reconciliation.sweeper],
      registryTable: table,
      encryptionKey: key,
      logRetention,
    });

    new CfnOutput(this, 'StateMachineArn', {
      value: this.stateMachine.stateMachineArn,
      description: 'Provisioning workflow',
    });
    new CfnOutput(this, 'RegistryTableName', { value: table.tableName, description: 'Tenant registry table' });
    new CfnOutput(this, 'EventBusName', { value: this.eventBus.eventBusName, description: 'Bus of outcome events' });
    new CfnOutput(this, 'BillingEventBusName', {
      value: billing.bus.eventBusName,
      description: 'Bus the billing system sends to',
    });
  }
}
