import { Duration, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { RUNTIME_ENV, setting } from '../../lambdas/shared/config';
import type { TierCatalog } from '../../lambdas/shared/tiers';
import { HandlerFunction, type Invocation } from './handler-function';
import { allow, type TenantResourceArns } from './permissions';
import type { TaskProfile } from './tasks';

/** What the workflow needs from the foundation stack. */
export interface PlatformFoundation {
  readonly vpc: ec2.IVpc;
  /** Subnets of the tenant databases; the functions that connect to them (migrations, rotation) run there. */
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

/** Everything a handler record may name: its environment and its permissions are built from these. */
export interface PlatformResources {
  readonly stack: Stack;
  readonly foundation: PlatformFoundation;
  /** The platform key (registry, logs, secrets, state machine, tenant storage). */
  readonly key: kms.IKey;
  readonly table: dynamodb.ITable;
  /** The bus of outcome events. */
  readonly eventBus: events.IEventBus;
  readonly arns: TenantResourceArns;
  readonly secretNamePattern: string;
  readonly backupRegion: string;
  /** KMS key ARN in the backup Region. @default - the AWS-managed aws/rds key there */
  readonly backupKmsKeyArn?: string;
  readonly catalog: TierCatalog;
  /** DB parameter group name by family (`postgres17`). */
  readonly parameterGroupNames: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
}

/** What the provisioning steps name beyond the platform: functions the workflow stack creates before them. */
export interface WorkflowResources extends PlatformResources {
  /** The application secret's rotation function (see `addAppSecretRotation`). */
  readonly appSecretRotationFunctionArn: string;
}

/** One environment variable as the stack sets it (see `setting` in lambdas/shared/config.ts). */
export type EnvironmentSetting = readonly [name: string, value: string];

/** A handler's permissions: policy statements, actions on the platform key, and the wildcards it must accept. */
export interface HandlerAccess {
  readonly statements: readonly iam.PolicyStatement[];
  /** Actions allowed on the platform key. @default [] */
  readonly keyActions?: readonly string[];
  /**
   * cdk-nag findings (scoped wildcards) the statements cannot avoid, with the reason a security reviewer reads.
   * @default - none: any wildcard fails the synth
   */
  readonly accepted?: { readonly reason: string; readonly findings: readonly string[] };
}

/**
 * One Lambda handler as data: where its code is, what it runs with, what it reads from its environment and what it
 * may do. Records are assembled into functions by {@link addHandler}; a workflow adds a Task graph on top. `P` is
 * what its environment and permissions may name: the platform, or more for the workflow's steps.
 */
export interface HandlerSpec<P extends PlatformResources = PlatformResources> {
  /** Folder under `lambdas/` holding `handler.ts`. */
  readonly folder: string;
  /** One sentence for the console. */
  readonly description: string;
  /** @default 'workflow' */
  readonly invocation?: Invocation;
  /** Memory, MB. @default 256 */
  readonly memorySize?: number;
  /** Function timeout, seconds. @default 60 */
  readonly timeoutSeconds?: number;
  /** Runs in the tenant databases' subnets (it opens database connections). @default false */
  readonly inVpc?: boolean;
  /**
   * The environment variables it reads, each set through its declaration (`setting(RUNTIME_ENV.registryTable, ...)`):
   * identifiers and ARNs only, never secrets. @default - none
   */
  readonly environment?: (platform: P) => readonly EnvironmentSetting[];
  /** Its permissions. @default - writing its own logs only */
  readonly access?: (platform: P) => HandlerAccess;
  /** Constants inlined into the bundle (esbuild `define`). @default - none */
  readonly define?: (platform: P) => Record<string, string>;
  /** Extra bundling hooks (e.g. copying migration files). @default - none */
  readonly commandHooks?: nodejs.ICommandHooks;
}

/** A step of a workflow: a handler whose Task is timed and retried from its record (see `task`). */
export interface StepSpec extends HandlerSpec<WorkflowResources>, TaskProfile {
  /** Function timeout, seconds; the Task's timeout is 30 s longer. */
  readonly timeoutSeconds: number;
}

/** Creates the function of `spec` as `<id>` in `scope`, with its environment, permissions and acknowledgements. */
export function addHandler<P extends PlatformResources>(
  scope: Construct,
  id: string,
  spec: HandlerSpec<P>,
  platform: P,
  options: { readonly deadLetterQueue?: sqs.IQueue } = {},
): HandlerFunction {
  const { foundation } = platform;
  const handler = new HandlerFunction(scope, id, {
    folder: spec.folder,
    description: spec.description,
    invocation: spec.invocation,
    encryptionKey: platform.key,
    logRetention: platform.logRetention,
    memorySize: spec.memorySize,
    timeout: Duration.seconds(spec.timeoutSeconds ?? 60),
    environment: spec.environment ? Object.fromEntries(spec.environment(platform)) : undefined,
    define: spec.define?.(platform),
    commandHooks: spec.commandHooks,
    deadLetterQueue: options.deadLetterQueue,
    ...(spec.inVpc
      ? {
          vpc: {
            vpc: foundation.vpc,
            securityGroup: foundation.migrationSecurityGroup,
            subnets: foundation.databaseSubnets,
          },
        }
      : {}),
  });
  const access = spec.access?.(platform);
  if (access) {
    for (const statement of access.statements) handler.addToRolePolicy(statement);
    if (access.keyActions?.length) platform.key.grant(handler, ...access.keyActions);
    if (access.accepted) handler.acknowledge(access.accepted.reason, access.accepted.findings);
  }
  return handler;
}

/** Key actions that reading or writing the KMS-encrypted registry needs. */
export function registryKeyActions(access: 'read' | 'write'): string[] {
  return ['kms:Decrypt', 'kms:DescribeKey', ...(access === 'write' ? ['kms:Encrypt', 'kms:GenerateDataKey'] : [])];
}

/** A statement on the registry table (or one of its indexes). */
export function onRegistry(platform: PlatformResources, actions: string[], index?: string): iam.PolicyStatement {
  const table = platform.table.tableArn;
  return allow(actions, [index ? `${table}/index/${index}` : table]);
}

/**
 * Environment and access of a lifecycle workflow's TakeTenant: it writes the registry, and first publishes an
 * outcome event the record still owes (see `takeAfterOutbox`).
 */
export const TAKE_TENANT_SPEC = {
  environment: (p: PlatformResources) => [
    setting(RUNTIME_ENV.registryTable, p.table.tableName),
    setting(RUNTIME_ENV.eventBusName, p.eventBus.eventBusName),
  ],
  access: (p: PlatformResources) => ({
    statements: [
      onRegistry(p, ['dynamodb:GetItem', 'dynamodb:UpdateItem']),
      allow(['events:PutEvents'], [p.eventBus.eventBusArn]),
    ],
    keyActions: registryKeyActions('write'),
  }),
} as const;
