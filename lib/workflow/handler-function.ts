import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/shared/runtime';

/** Repository root: handler entries are `lambdas/<folder>/handler.ts`. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

export interface HandlerFunctionProps {
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
}

/**
 * A step handler: Node.js 24 on arm64, bundled locally with esbuild (minified, source maps), JSON logs to a
 * KMS-encrypted log group with retention, X-Ray tracing and Powertools settings.
 */
export class HandlerFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    super(scope, id, {
      entry: path.join(REPOSITORY_ROOT, 'lambdas', props.folder, 'handler.ts'),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(60),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
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
      depsLockFilePath: path.join(REPOSITORY_ROOT, 'package-lock.json'),
      projectRoot: REPOSITORY_ROOT,
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: nodejs.OutputFormat.CJS,
        define: props.define,
        commandHooks: props.commandHooks,
      },
    });
  }
}
