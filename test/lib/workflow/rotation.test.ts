import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MANAGED_BY, TAG_KEYS } from '../../../lambdas/shared/naming';
import { buildApp, cdkJsonContext } from '../../../lib/app-builder';
import { DEFAULT_STACK_NAME, TARGETS } from '../../../lib/cli/targets';

// One synthesized app for the file; bundling is skipped (these assertions read templates, not handler code).
const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
const { foundation, workflow } = buildApp(app);
const template = Template.fromStack(workflow);
const foundationTemplate = Template.fromStack(foundation);

/** The logical id of the only resource of `type` whose id starts with `prefix`. */
function logicalId(type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

const rotationFunction = logicalId('AWS::Lambda::Function', 'AppSecretRotationFunction');
const rotationRole = logicalId('AWS::IAM::Role', 'AppSecretRotationFunctionRole');

/** The statements of the rotation function's policy. */
function rotationStatements(): { Action: string | string[]; Resource: unknown; Condition?: unknown }[] {
  const [policy] = Object.values(
    template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: rotationRole }] } }),
  );
  return policy?.Properties.PolicyDocument.Statement ?? [];
}

/** The resources of the statements allowing `action`, as JSON text (ARNs are Fn::Join of pseudo parameters). */
function resourcesOf(action: string): string {
  return JSON.stringify(rotationStatements().filter((s) => [s.Action].flat().includes(action)));
}

const APP_SECRETS = ':secret:saas/tenant/*/app-??????';

describe('the application secret rotation function', () => {
  it('runs in the tenant database subnets with the migration security group (PostgreSQL and the endpoints only)', () => {
    // Prepare
    const migrationGroup = Object.keys(foundationTemplate.findResources('AWS::EC2::SecurityGroup')).find((id) =>
      id.startsWith('DatabaseNetworkMigrationSecurityGroup'),
    );

    // Act
    const fn = template.findResources('AWS::Lambda::Function')[rotationFunction];

    // Assess
    expect(JSON.stringify(fn?.Properties.VpcConfig.SecurityGroupIds)).toContain(migrationGroup);
    expect(fn?.Properties.VpcConfig.SubnetIds.length).toBeGreaterThan(0);
    expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
  });

  it.each([
    ['secretsmanager:DescribeSecret', undefined],
    ['secretsmanager:GetSecretValue', undefined],
    ['secretsmanager:PutSecretValue', { StringEquals: { [`aws:ResourceTag/${TAG_KEYS.managedBy}`]: MANAGED_BY } }],
    [
      'secretsmanager:UpdateSecretVersionStage',
      { StringEquals: { [`aws:ResourceTag/${TAG_KEYS.managedBy}`]: MANAGED_BY } },
    ],
  ])('may call %s on the application secrets only', (action, condition) => {
    // Act
    const statements = rotationStatements().filter((s) => [s.Action].flat().includes(action));

    // Assess
    expect(statements).toHaveLength(1);
    expect(JSON.stringify(statements[0]?.Resource)).toContain(APP_SECRETS);
    expect(statements[0]?.Condition).toEqual(condition);
  });

  it('generates passwords, and uses the platform key, and nothing else of Secrets Manager or KMS', () => {
    // Act
    const actions = rotationStatements()
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('secretsmanager:') || a.startsWith('kms:'))
      .sort();

    // Assess
    expect(actions).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetRandomPassword',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
    ]);
    expect(resourcesOf('kms:Decrypt')).toContain('EncryptionKey');
  });

  it('may be invoked by Secrets Manager for this account and its application secrets only', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [rotationFunction, 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('app-\\?{6}$')])] }),
    });
  });

  it('logs to a retained, encrypted log group of its own', () => {
    // Act
    const logs = template.findResources('AWS::Logs::LogGroup');
    const id = Object.keys(logs).find((key) => key.startsWith('AppSecretRotationFunctionLogs')) as string;

    // Assess
    expect(logs[id]).toMatchObject({ DeletionPolicy: 'Retain', Properties: { KmsKeyId: expect.anything() } });
  });

  it('is the output tenantctl looks for in the workflow stack', () => {
    template.hasOutput(TARGETS.rotationFunctionArn.output, { Value: { 'Fn::GetAtt': [rotationFunction, 'Arn'] } });
    expect(workflow.stackName).toBe(DEFAULT_STACK_NAME);
  });
});
