import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp, cdkJsonContext } from '../../../../lib/app-builder';
import { ROLLOUT_STATE_NAMES } from '../../../../lib/workflow/rollout/definition';
import { aslErrors } from '../../../support/asl';

/** The rollout workflow's resources in the synthesized workflow stack. */

const app = new App({
  context: {
    ...cdkJsonContext(),
    'aws:cdk:bundling-stacks': [],
    schemaRolloutMaxConcurrency: 120,
    schemaRolloutTolerance: '2%',
  },
});
const { workflow } = buildApp(app);
const template = Template.fromStack(workflow);
const machineId = workflow.getLogicalId(workflow.rollout.stateMachine.node.defaultChild as never);
const machine = template.toJSON().Resources[machineId].Properties;
const definition = JSON.parse(machine.DefinitionString);

describe('schema rollout storage', () => {
  it('keeps manifests in a private, KMS-encrypted, TLS-only bucket that expires them', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
            BucketKeyEnabled: true,
          }),
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('keeps the lock in an encrypted table with point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'lockId', KeyType: 'HASH' }],
      SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });
});

describe('schema rollout state machine', () => {
  it('is valid Amazon States Language with a Distributed Map reading each wave from S3', () => {
    // Assess
    expect(aslErrors(definition)).toBe('');
    const map = definition.States[ROLLOUT_STATE_NAMES.migrateWave];
    expect(map).toMatchObject({
      Type: 'Map',
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } },
      MaxConcurrencyPath: '$.current.wave.maxConcurrency',
      ToleratedFailureCountPath: '$.current.wave.toleratedFailureCount',
      ToleratedFailurePercentagePath: '$.current.wave.toleratedFailurePercentage',
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject' },
      Catch: [expect.objectContaining({ Next: ROLLOUT_STATE_NAMES.haltRollout })],
    });
    expect(Object.keys(machine.DefinitionSubstitutions)).toEqual(
      expect.arrayContaining([
        'RolloutBucketName',
        'PlanRolloutFunctionArn',
        'MigrateTenantFunctionArn',
        'RecordRolloutFunctionArn',
      ]),
    );
  });

  it.each([
    ['start its own child executions', 'states:StartExecution', ':stateMachine:tenant-db-workflow-schema-rollout"'],
    [
      'watch, stop and redrive them',
      ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
      ':execution:tenant-db-workflow-schema-rollout/*',
    ],
    ['read the wave manifests', 's3:GetObject', '/rollouts/*'],
    [
      'write the Map Run results',
      ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      '/results/*',
    ],
  ])('lets the state machine %s, and nothing wider', (_case, action, resource) => {
    // Act
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[],
    );
    const sorted = (a: unknown) => JSON.stringify([a].flat().sort());
    const matching = policies.filter((s) => sorted(s.Action) === sorted(action));

    // Assess
    expect(matching.length).toBeGreaterThan(0);
    for (const statement of matching) expect(JSON.stringify(statement.Resource)).toContain(resource);
  });

  it('passes the configured knobs to the planner, and migrates in the VPC', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ROLLOUT_MAX_CONCURRENCY: '120',
          ROLLOUT_TOLERANCE: '2%',
          ROLLOUT_CANARY_SIZE: '5',
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Brings one tenant database to the schema rollout target',
      VpcConfig: Match.objectLike({ SecurityGroupIds: Match.anyValue() }),
    });
  });
});
