import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/shared/telemetry';
import { ManagedPolicyRole } from './managed-policy-role';

/** Repository root: handler entries are `lambdas/<folder>/handler.ts`. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

/** The Lambda runtime of every handler; the bundles target the same Node.js major. */
const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** How every handler is bundled (the benchmark measures bundles built the same way). */
export const BUNDLING = { minify: true, sourceMap: true, target: 'node24', format: nodejs.OutputFormat.CJS } as const;

/** Packs whose rule ids the platform acknowledges (the app is checked against all three). */
const NAG_PACK_PREFIXES = ['NIST.800.53.R5', 'HIPAA.Security'] as const;

/** How the function is invoked; decides why a dead-letter queue does not apply. */
export type Invocation = 'workflow' | 'event' | 'rotation';

export interface HandlerFunctionProps {
  /**
   * `workflow`: invoked synchronously by the state machine, which retries and catches every error;
   * `event`: invoked asynchronously by an EventBridge rule whose target retries;
   * `rotation`: invoked synchronously by Secrets Manager, one rotation step at a time.
   * @default 'workflow'
   */
  readonly invocation?: Invocation;
  /** Folder under `lambdas/` holding `handler.ts`. */
  readonly folder: string;
  /** One sentence for the console. */
  readonly description: string;
  /** Key that encrypts the function's log group and environment. */
  readonly encryptionKey: kms.IKey;
  /** Log retention. */
  readonly logRetention: logs.RetentionDays;
  /** Environment variables (identifiers and ARNs only, never secrets). @default {} */
  readonly environment?: Record<string, string>;
  /** Invocation timeout. @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /** Memory. @default 256 */
  readonly memorySize?: number;
  /** Place the function in these subnets with this security group. @default - outside any VPC */
  readonly vpc?: {
    readonly vpc: ec2.IVpc;
    readonly securityGroup: ec2.ISecurityGroup;
    readonly subnets: ec2.SubnetSelection;
  };
  /** Constants inlined into the bundle (esbuild `define`). @default {} */
  readonly define?: Record<string, string>;
  /** Extra bundling hooks (e.g. copying migration files). @default - none */
  readonly commandHooks?: nodejs.ICommandHooks;
  /**
   * Where asynchronous invocations that failed every retry land (only for `event` functions whose events must not
   * be lost). @default - none: failures show in the Errors metric only
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/** Why a function without a dead-letter queue loses nothing, by how it is invoked. */
const DEAD_LETTER_QUEUE_NOT_APPLICABLE: Readonly<Record<Invocation, string>> = {
  workflow:
    'Invoked synchronously by the state machine: a failed invocation is an error the workflow retries and then rolls back; an asynchronous dead-letter queue would never receive anything.',
  event:
    'Invoked by an EventBridge rule for a best-effort, repeatable task; failures show in the Errors metric and nothing is lost by dropping one event (the next one, or the next poll, repeats the work).',
  rotation:
    'Invoked synchronously by Secrets Manager, one rotation step at a time: a failed step leaves the secret on its current version and Secrets Manager retries the rotation; an asynchronous dead-letter queue would never receive anything.',
};

/** Network-interface actions a function in a VPC needs (what AWSLambdaVPCAccessExecutionRole grants). */
const VPC_ACCESS_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/**
 * A Lambda handler of the platform: Node.js 24 on arm64, bundled locally with esbuild (minified, source maps), JSON
 * logs to a KMS-encrypted log group with retention, X-Ray tracing and Powertools settings. Its role starts with
 * nothing but writing to its own log group (no AWSLambdaBasicExecutionRole: that would allow every log group in the
 * account); each handler's record adds its permissions.
 *
 * The construct holds the function, its role and its log group. The function is its default child, so it keeps the
 * logical ID it had as a construct of its own; the role and the log group are created beside it (`<id>Role`,
 * `<id>Logs`) for the same reason: a deployed, retained log group must keep its logical ID.
 */
export class HandlerFunction extends Construct implements iam.IGrantable {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new ManagedPolicyRole(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.folder}: ${props.description}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    if (props.vpc) this.role.addToPolicy(new iam.PolicyStatement({ actions: VPC_ACCESS_ACTIONS, resources: ['*'] }));
    this.function = new nodejs.NodejsFunction(this, 'Default', {
      role: this.role,
      entry: path.join(REPOSITORY_ROOT, 'lambdas', props.folder, 'handler.ts'),
      handler: 'handler',
      description: props.description,
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(60),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environmentEncryption: props.encryptionKey,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      ...(props.vpc
        ? { vpc: props.vpc.vpc, securityGroups: [props.vpc.securityGroup], vpcSubnets: props.vpc.subnets }
        : {}),
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      depsLockFilePath: path.join(REPOSITORY_ROOT, 'package-lock.json'),
      projectRoot: REPOSITORY_ROOT,
      bundling: { ...BUNDLING, define: props.define, commandHooks: props.commandHooks },
    });
    const acknowledge = (rule: string, reason: string) => {
      for (const pack of NAG_PACK_PREFIXES) Validations.of(this).acknowledge({ id: `${pack}-${rule}`, reason });
    };
    acknowledge(
      'LambdaConcurrency',
      'Concurrency follows the number of onboardings in flight; reserving it would take capacity from the account pool, and a throttled invocation (Lambda.TooManyRequestsException) is retried by the caller.',
    );
    if (!props.deadLetterQueue)
      acknowledge('LambdaDLQ', DEAD_LETTER_QUEUE_NOT_APPLICABLE[props.invocation ?? 'workflow']);
    if (!props.vpc) {
      acknowledge(
        'LambdaInsideVPC',
        'Calls only AWS control-plane APIs (RDS, Secrets Manager, CloudWatch, DynamoDB, EventBridge, SNS; some in the backup Region) over TLS with IAM authentication and never connects to a tenant database; the isolated VPC has no route to cross-Region endpoints. Only the functions that open database connections (RunMigrations and the application secret rotation) run in the VPC.',
      );
    }
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only actions that accept no resource ARN: xray:PutTraceSegments/PutTelemetryRecords for active tracing' +
        (props.vpc ? ', the EC2 network-interface actions Lambda needs to attach the function to its VPC' : '') +
        ', and per-handler read-only or generator calls documented beside each grant in the handler records.',
    });
  }

  public get grantPrincipal(): iam.IPrincipal {
    return this.role;
  }

  public get functionArn(): string {
    return this.function.functionArn;
  }

  /** Adds `statement` to the role's managed policy. */
  public addToRolePolicy(statement: iam.PolicyStatement): void {
    this.role.addToPolicy(statement);
  }

  /**
   * Accepts cdk-nag findings on the role (scoped wildcards a handler cannot avoid), with the reason a reviewer reads.
   */
  public acknowledge(reason: string, findings: readonly string[]): void {
    for (const id of findings) Validations.of(this.role).acknowledge({ id, reason });
  }
}
