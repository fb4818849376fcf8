import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { RDS_CREATED_EVENT_PATTERN } from '../../lambdas/readiness-signal/pattern';
import { MIGRATIONS_DIR } from '../../lambdas/run-migrations/bundling';
import { RETRYABLE_MIGRATION_ERROR_NAMES } from '../../lambdas/run-migrations/errors';
import { ENV } from '../../lambdas/shared/config';
import { STEPS, type StepName } from '../../lambdas/shared/contracts';
import { DEFAULT_SECRET_NAME_PATTERN } from '../../lambdas/shared/naming';
import { majorVersionOf, type TierCatalog } from '../../lambdas/shared/tiers';
import { BillingTrigger } from './billing-trigger';
import { buildProvisioningDefinition, functionArnVariable } from './definition';
import { HandlerFunction } from './handler-function';
import { PlatformObservability } from './observability';
import { allow, MANAGED_REQUEST_CONDITION, MANAGED_RESOURCE_CONDITION, TenantResourceArns } from './permissions';
import { TenantRegistry } from './registry-table';

/** What the workflow needs from the foundation stack. */
export interface PlatformFoundation {
  readonly vpc: ec2.IVpc;
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
    ) => new HandlerFunction(this, `${step}Function`, { ...common, folder, description, ...extra });

    const functions: Record<StepName, HandlerFunction> = {
      [STEPS.validate]: fn(
        STEPS.validate,
        'validate-input',
        'Validates an onboarding request against the tier catalog',
        {
          define: { 'process.env.TIER_CATALOG': JSON.stringify(JSON.stringify(props.catalog)) },
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
          },
        },
      ),
      [STEPS.waitForInstance]: fn(
        STEPS.waitForInstance,
        'wait-for-instance',
        'Waits until the tenant instance is available',
        {
          timeout: Duration.minutes(15),
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
        timeout: Duration.minutes(5),
        memorySize: 512,
        vpc: {
          vpc: foundation.vpc,
          securityGroup: foundation.migrationSecurityGroup,
          subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
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
        timeout: Duration.minutes(5),
        environment: {
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

    // Least privilege, step by step.
    table.grant(functions[STEPS.claim], 'dynamodb:GetItem', 'dynamodb:PutItem');
    for (const step of [STEPS.createInstance, STEPS.markActive, STEPS.recordFailure] as const) {
      table.grant(functions[step], 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    }
    table.grant(functions[STEPS.waitForInstance], 'dynamodb:GetItem');
    for (const step of [STEPS.markActive, STEPS.recordFailure] as const)
      this.eventBus.grantPutEventsTo(functions[step]);
    foundation.alertTopic.grantPublish(functions[STEPS.recordFailure]);

    const create = functions[STEPS.createInstance];
    create.addToRolePolicy(
      allow(['rds:CreateDBInstance', 'rds:AddTagsToResource'], [arns.instances], MANAGED_REQUEST_CONDITION),
    );
    create.addToRolePolicy(allow(['rds:CreateDBInstance'], arns.instanceDependencies));
    create.addToRolePolicy(allow(['rds:DescribeDBInstances'], [arns.instances]));
    create.addToRolePolicy(allow(['iam:PassRole'], [foundation.monitoringRole.roleArn]));
    // RDS creates the master user secret and the storage grants with the caller's permissions.
    create.addToRolePolicy(
      allow(['secretsmanager:CreateSecret', 'secretsmanager:TagResource'], [arns.rdsManagedSecrets]),
    );
    key.grant(create, 'kms:CreateGrant', 'kms:DescribeKey', 'kms:GenerateDataKey', 'kms:Decrypt');

    functions[STEPS.waitForInstance].addToRolePolicy(allow(['rds:DescribeDBInstances'], [arns.instances]));

    const credentials = functions[STEPS.storeCredentials];
    credentials.addToRolePolicy(allow(['secretsmanager:GetRandomPassword'], ['*']));
    credentials.addToRolePolicy(
      allow(
        ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
        [arns.appSecrets],
        MANAGED_REQUEST_CONDITION,
      ),
    );
    credentials.addToRolePolicy(allow(['secretsmanager:DescribeSecret'], [arns.appSecrets]));
    key.grant(credentials, 'kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt');

    const migrations = functions[STEPS.runMigrations];
    migrations.addToRolePolicy(allow(['secretsmanager:GetSecretValue'], [arns.appSecrets, arns.rdsManagedSecrets]));
    key.grantDecrypt(migrations);

    const backups = functions[STEPS.configureBackups];
    backups.addToRolePolicy(allow(['rds:DescribeDBInstances'], [arns.instances]));
    backups.addToRolePolicy(allow(['rds:ModifyDBInstance'], [arns.instances], MANAGED_RESOURCE_CONDITION));
    backups.addToRolePolicy(
      allow(
        ['rds:StartDBInstanceAutomatedBackupsReplication'],
        [arns.instances, arns.autoBackups(props.backupReplicationRegion)],
      ),
    );
    backups.addToRolePolicy(
      allow(['rds:DescribeDBInstanceAutomatedBackups'], [arns.autoBackups(props.backupReplicationRegion)]),
    );
    // Replicating encrypted backups needs grants on the source key and on the key in the backup Region.
    key.grant(backups, 'kms:CreateGrant', 'kms:DescribeKey');
    backups.addToRolePolicy(
      allow(
        ['kms:CreateGrant', 'kms:DescribeKey'],
        [
          props.backupReplicationKmsKeyArn ??
            `arn:${this.partition}:kms:${props.backupReplicationRegion}:${this.account}:key/*`,
        ],
      ),
    );

    const alarms = functions[STEPS.configureAlarms];
    alarms.addToRolePolicy(allow(['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'], [arns.alarms]));
    alarms.addToRolePolicy(allow(['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'], [arns.alarms]));

    const rollback = functions[STEPS.rollback];
    rollback.addToRolePolicy(allow(['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'], [arns.alarms]));
    rollback.addToRolePolicy(allow(['cloudwatch:DeleteAlarms'], [arns.alarms], MANAGED_RESOURCE_CONDITION));
    rollback.addToRolePolicy(allow(['secretsmanager:DescribeSecret'], [arns.appSecrets]));
    rollback.addToRolePolicy(allow(['secretsmanager:DeleteSecret'], [arns.appSecrets], MANAGED_RESOURCE_CONDITION));
    rollback.addToRolePolicy(allow(['rds:DescribeDBInstances'], [arns.instances]));
    rollback.addToRolePolicy(
      allow(['rds:ModifyDBInstance', 'rds:DeleteDBInstance'], [arns.instances], MANAGED_RESOURCE_CONDITION),
    );
    rollback.addToRolePolicy(
      allow(
        ['rds:StopDBInstanceAutomatedBackupsReplication', 'rds:DescribeDBInstanceAutomatedBackups'],
        [arns.instances, arns.autoBackups(props.backupReplicationRegion)],
      ),
    );

    // Readiness hint: RDS's "DB instance created" event on the default bus shortens the wait to seconds.
    const signal = new HandlerFunction(this, 'ReadinessSignalFunction', {
      ...common,
      folder: 'readiness-signal',
      description: 'Records RDS "DB instance created" events as a readiness hint',
      environment: { [ENV.registryTable]: table.tableName },
    });
    table.grant(signal, 'dynamodb:UpdateItem');
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
    this.stateMachine = new sfn.StateMachine(this, 'ProvisioningStateMachine', {
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
    for (const f of Object.values(functions)) f.grantInvoke(this.stateMachine);
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5',
      reason:
        'Wildcards are the `:*` version suffix of the step functions the state machine invokes (granted by grantInvoke) and the X-Ray/log delivery actions that accept no resource.',
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
      deadLetterQueues: billing.queues,
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
