import { ArnFormat, type CfnElement, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { RESULTS_PREFIX } from '../../../lambdas/shared/rollout/manifests';
import { ROLLOUT_DEFAULTS } from '../../../lambdas/shared/rollout/settings';
import type { SchemaRolloutConfig } from '../../config';
import type { WorkflowResources } from '../handler-spec';
import { allow } from '../permissions';
import { addWorkflow } from '../state-machine';
import { BUCKET_VARIABLE, buildRolloutDefinition } from './definition';
import { rolloutSteps } from './steps';

/** Days a wave manifest and a Map Run's results are kept: long enough to investigate a halted rollout. */
const MANIFEST_RETENTION_DAYS = 90;

/** The rollout workflow's resources. */
export interface SchemaRollout {
  readonly stateMachine: sfn.StateMachine;
  readonly bucket: s3.Bucket;
  readonly table: dynamodb.Table;
}

/**
 * The schema rollout: the bucket of wave manifests and Map Run results, the rollout table (lock and state of the
 * last rollout), the three step functions and the Standard state machine whose waves are Distributed Maps.
 *
 * @param settings - the `schemaRollout*` context @default - the defaults of each knob
 */
export function addSchemaRollout(
  scope: Construct,
  platform: WorkflowResources,
  stateMachineName: string,
  settings: SchemaRolloutConfig = ROLLOUT_DEFAULTS,
): SchemaRollout {
  const bucket = new s3.Bucket(scope, 'RolloutBucket', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: platform.key,
    bucketKeyEnabled: true,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [
      { expiration: Duration.days(MANIFEST_RETENTION_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const table = new dynamodb.Table(scope, 'RolloutTable', {
    partitionKey: { name: 'lockId', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: platform.key,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledgeStorage(bucket, table);

  const bucketId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement);
  const objectsFinding = (prefix: string) => `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`;
  const steps = rolloutSteps({
    manifestsFinding: objectsFinding('rollouts'),
    bucketName: bucket.bucketName,
    bucketArn: bucket.bucketArn,
    tableName: table.tableName,
    tableArn: table.tableArn,
    settings,
  });
  const { stateMachine } = addWorkflow(scope, {
    steps,
    definition: buildRolloutDefinition({ timeoutSeconds: settings.timeoutHours * 3600, steps }),
    stateMachineName,
    stateMachineId: 'RolloutStateMachine',
    logGroupId: 'RolloutStateMachineLogs',
    platform,
    substitutions: { [BUCKET_VARIABLE]: bucket.bucketName },
  });
  grantDistributedMap(stateMachine, stateMachineName, bucket);
  const mapReason =
    "A Distributed Map's child executions are named by Step Functions at run time (<state machine>/<map run>:<id>); manifests and results have per-rollout keys under two fixed prefixes of the rollout bucket.";
  for (const finding of [
    objectsFinding('rollouts'),
    objectsFinding(RESULTS_PREFIX),
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${stateMachineName}/*]`,
  ]) {
    Validations.of(stateMachine.role).acknowledge({ id: finding, reason: mapReason });
  }
  new CfnOutput(scope, 'RolloutStateMachineArn', {
    value: stateMachine.stateMachineArn,
    description: 'Schema rollout workflow (tenantctl migrations rollout)',
  });
  new CfnOutput(scope, 'RolloutTableName', { value: table.tableName, description: 'Schema rollout lock and state' });
  return { stateMachine, bucket, table };
}

/**
 * What a Distributed Map needs of its own role (Step Functions documents these for Distributed Map; CDK adds them
 * only for definitions built from its constructs): start child executions of this very state machine, describe,
 * stop and redrive them, read the item list and write the results. ARNs come from the fixed name, not from the
 * state machine resource, which would depend on its own policy.
 */
function grantDistributedMap(stateMachine: sfn.StateMachine, name: string, bucket: s3.Bucket): void {
  const stack = Stack.of(stateMachine);
  const arn = (resource: string, resourceName: string) =>
    stack.formatArn({ service: 'states', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  stateMachine.addToRolePolicy(allow(['states:StartExecution'], [arn('stateMachine', name)]));
  stateMachine.addToRolePolicy(
    allow(
      ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
      [arn('execution', `${name}/*`)],
    ),
  );
  stateMachine.addToRolePolicy(allow(['s3:GetObject'], [bucket.arnForObjects('rollouts/*')]));
  stateMachine.addToRolePolicy(
    allow(
      ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      [bucket.arnForObjects(`${RESULTS_PREFIX}/*`)],
    ),
  );
  // Objects are encrypted with the platform key (bucket key on): reading manifests and writing results use it.
  bucket.encryptionKey?.grant(stateMachine.role, 'kms:Decrypt', 'kms:GenerateDataKey');
}

function acknowledgeStorage(bucket: s3.Bucket, table: dynamodb.Table): void {
  const logsReason =
    'The bucket holds wave manifests (tenant ids) and Map Run results written and read only by the rollout state machine and its plan function; CloudTrail records those API calls, and objects expire after 90 days. Server access logs would need a second bucket for data that is itself an audit trail.';
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: logsReason });
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
    Validations.of(bucket).acknowledge({ id: `${pack}-S3BucketLoggingEnabled`, reason: logsReason });
    Validations.of(bucket).acknowledge({
      id: `${pack}-S3BucketReplicationEnabled`,
      reason:
        'Manifests are re-created by planning the rollout again from the registry; nothing here needs a copy in another Region.',
    });
    Validations.of(bucket).acknowledge({
      id: `${pack}-S3BucketVersioningEnabled`,
      reason:
        'Each object is written once per rollout under its own key and expires; versions would only keep stale tenant lists.',
    });
    Validations.of(table).acknowledge({
      id: `${pack}-DynamoDBInBackupPlan`,
      reason:
        'Point-in-time recovery keeps continuous backups for 35 days; the table holds one item (the rollout lock and the last rollout) that the execution history also records.',
    });
  }
}
