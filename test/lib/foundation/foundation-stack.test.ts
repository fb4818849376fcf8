import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadPlatformConfig } from '../../../lib/config';
import { FoundationStack } from '../../../lib/foundation/foundation-stack';

const APP_SG = 'sg-0123456789abcdef0';

/** Synthesizes the foundation alone (no workflow, no bundling) from `context`. */
function foundationFrom(context: Record<string, unknown>, env?: { account: string; region: string }) {
  const app = new App({ context, builtinCloudFormationValidation: false });
  const stack = new FoundationStack(app, 'foundation', { config: loadPlatformConfig(app.node), env });
  return { stack, template: Template.fromStack(stack) };
}

// One synthesis per configuration, shared by every test below.
const defaults = foundationFrom({});
const customized = foundationFrom({
  maxAzs: 3,
  alertEmail: 'oncall@example.com',
  applicationSecurityGroupId: APP_SG,
  vpcInterfaceEndpoints: ['secretsmanager', 'kms'],
  logRetentionDays: 731,
  tiers: { starter: { engineVersion: '16' }, enterprise: null },
});
const existingVpc = foundationFrom(
  { vpcId: 'vpc-0123456789abcdef0' },
  { account: '123456789012', region: 'us-east-1' },
);

/** Logical id of the one resource of `type` whose properties match `props`. */
function logicalId(template: Template, type: string, props: Record<string, unknown>): string {
  const ids = Object.keys(template.findResources(type, { Properties: props }));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}
const groupId = (id: string) => ({ 'Fn::GetAtt': [id, 'GroupId'] });
const securityGroup = (template: Template, description: string) =>
  logicalId(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp(`^${description}`) });
const keyArn = (template: Template) => ({ 'Fn::GetAtt': [logicalId(template, 'AWS::KMS::Key', {}), 'Arn'] });

describe('platform key', () => {
  it('rotates yearly and survives stack deletion and replacement', () => {
    // Assess
    defaults.template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it.each([
    ['CloudWatchLogsEncryptPlatformLogGroups', { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } }],
    [
      'CloudWatchAlarmsPublishToEncryptedTopics',
      {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': Match.anyValue() },
      },
    ],
  ])('lets a service principal use it only under a condition: %s', (sid, condition) => {
    // Assess
    defaults.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: sid, Condition: condition })]) },
    });
  });

  it('lets EventBridge deliver to encrypted targets only through SQS and SNS', () => {
    // Assess
    defaults.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'EventBridgeDeliverToEncryptedTargets',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: { StringEquals: { 'kms:ViaService': [Match.anyValue(), Match.anyValue()] } },
          },
        ]),
      },
    });
  });
});

describe('network', () => {
  it.each([
    ['AWS::EC2::NatGateway'],
    ['AWS::EC2::InternetGateway'],
    ['AWS::EC2::VPCGatewayAttachment'],
    ['AWS::EC2::EIP'],
    ['AWS::EC2::Route'],
  ])('creates no %s: nothing routes to the internet', (type) => {
    // Assess
    defaults.template.resourceCountIs(type, 0);
  });

  it.each([
    ['default', defaults, 2],
    ['maxAzs 3', customized, 3],
  ] as const)('%s: one isolated subnet per AZ, in the first AZs of the Region', (_name, { template }, azs) => {
    // Act
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));

    // Assess
    expect(subnets.map((s) => s.Properties.AvailabilityZone)).toEqual(
      Array.from({ length: azs }, (_, i) => ({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] })),
    );
    for (const subnet of subnets) {
      expect(subnet.Properties).toMatchObject({
        MapPublicIpOnLaunch: false,
        Tags: expect.arrayContaining([{ Key: 'aws-cdk:subnet-type', Value: 'Isolated' }]),
      });
    }
  });

  it('closes the default security group', () => {
    // Assess
    defaults.template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  it('sends all flow logs to a KMS-encrypted, retained log group with the configured retention', () => {
    // Prepare
    const { template } = customized;
    const logGroup = logicalId(template, 'AWS::Logs::LogGroup', { KmsKeyId: keyArn(template) });

    // Assess
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: logGroup },
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 731, KmsKeyId: keyArn(template) },
      DeletionPolicy: 'Retain',
    });
  });

  it('has the flow log role trust only flow logs of this account, with a managed policy on the log group', () => {
    // Assess
    defaults.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: Match.anyValue() },
          }),
        ],
      },
    });
    defaults.template.resourceCountIs('AWS::IAM::Policy', 0);
    defaults.template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'] }),
        ],
      },
    });
  });

  it.each([
    ['default', defaults, ['secretsmanager']],
    ['customized', customized, ['secretsmanager', 'kms']],
  ] as const)(
    '%s: creates the configured interface endpoints with private DNS, and no gateway endpoint',
    (_n, { template }, services) => {
      // Act
      const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint'));

      // Assess
      expect(endpoints.map((e) => e.Properties.ServiceName['Fn::Join'][1][2])).toEqual(services.map((s) => `.${s}`));
      for (const endpoint of endpoints) {
        expect(endpoint.Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
      }
    },
  );
});

describe('database network', () => {
  it('puts the deterministically named DB subnet group on the isolated subnets', () => {
    // Prepare
    const subnets = Object.keys(defaults.template.findResources('AWS::EC2::Subnet')).map((id) => ({ Ref: id }));

    // Assess
    defaults.template.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      DBSubnetGroupName: 'tenant-db-tenant-databases',
      SubnetIds: subnets,
    });
  });

  it.each([
    ['default', ['migration'], defaults],
    ['with an application security group', ['migration', 'application'], customized],
  ] as const)('%s: tenant databases admit PostgreSQL only from %j', (_name, sources, { template }) => {
    // Prepare
    const database = securityGroup(template, 'Tenant databases');
    const expected = {
      migration: groupId(securityGroup(template, 'Migration Lambda')),
      application: APP_SG,
    };

    // Act
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(
      (rule) => JSON.stringify(rule.Properties.GroupId) === JSON.stringify(groupId(database)),
    );

    // Assess
    expect(ingress.map((rule) => rule.Properties)).toEqual(
      sources.map((source) =>
        expect.objectContaining({
          IpProtocol: 'tcp',
          FromPort: 5432,
          ToPort: 5432,
          SourceSecurityGroupId: expected[source],
        }),
      ),
    );
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Tenant databases'),
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });

  it('lets the migration Lambda out only to PostgreSQL on the databases and HTTPS on the endpoints', () => {
    // Prepare
    const { template } = defaults;
    const migration = securityGroup(template, 'Migration Lambda');

    // Act
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).filter(
      (rule) => JSON.stringify(rule.Properties.GroupId) === JSON.stringify(groupId(migration)),
    );

    // Assess
    expect(egress.map((rule) => rule.Properties)).toEqual([
      expect.objectContaining({
        FromPort: 5432,
        ToPort: 5432,
        DestinationSecurityGroupId: groupId(securityGroup(template, 'Tenant databases')),
      }),
      expect.objectContaining({
        FromPort: 443,
        ToPort: 443,
        DestinationSecurityGroupId: groupId(securityGroup(template, 'Interface VPC endpoints')),
      }),
    ]);
    // Without an inline rule EC2's default allow-all egress would stay next to the two rules above.
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Migration Lambda'),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
    });
  });

  it('admits HTTPS on the endpoints only from the migration Lambda', () => {
    // Prepare
    const { template } = defaults;
    const endpoints = securityGroup(template, 'Interface VPC endpoints');

    // Act
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(
      (rule) => JSON.stringify(rule.Properties.GroupId) === JSON.stringify(groupId(endpoints)),
    );

    // Assess
    expect(ingress.map((rule) => rule.Properties)).toEqual([
      expect.objectContaining({
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: groupId(securityGroup(template, 'Migration Lambda')),
      }),
    ]);
  });

  it.each([
    ['default', defaults, ['postgres17']],
    ['a tier on PostgreSQL 16', customized, ['postgres16', 'postgres17']],
  ] as const)('%s: one parameter group per major version, forcing TLS', (_name, { template, stack }, families) => {
    // Act
    const groups = Object.values(template.findResources('AWS::RDS::DBParameterGroup'));

    // Assess
    expect(groups.map((g) => g.Properties)).toEqual(
      families.map((family) =>
        expect.objectContaining({
          Family: family,
          DBParameterGroupName: `tenant-db-${family}`,
          Parameters: { 'rds.force_ssl': '1' },
        }),
      ),
    );
    expect(Object.keys(stack.parameterGroups)).toEqual(families);
  });

  it('gives RDS Enhanced Monitoring a role only tenant instances of this account can use', () => {
    // Assess
    defaults.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'monitoring.rds.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', Match.arrayWith([':db:tenant-*'])] } },
            },
          }),
        ],
      },
      ManagedPolicyArns: [
        { 'Fn::Join': ['', Match.arrayWith([':iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole'])] },
      ],
    });
  });
});

describe('alerting', () => {
  it('encrypts the alert topic with the platform key and refuses publishing without TLS', () => {
    // Prepare
    const { template } = defaults;

    // Assess
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn(template) });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets CloudWatch alarms of this account publish, since the TLS policy replaces the default topic policy', () => {
    // Assess
    defaults.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudWatchAlarmsPublish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: Match.anyValue() },
          }),
        ]),
      },
    });
  });

  it.each([
    ['without alertEmail', [], defaults],
    ['with alertEmail', [{ Protocol: 'email', Endpoint: 'oncall@example.com' }], customized],
  ] as const)('%s: subscribes %j', (_name, subscriptions, { template }) => {
    // Act
    const found = Object.values(template.findResources('AWS::SNS::Subscription')).map((s) => s.Properties);

    // Assess
    expect(found).toEqual(subscriptions.map((s) => expect.objectContaining(s)));
  });
});

describe('backup Region guard', () => {
  it.each([
    ['a tier replicates backups', 1, defaults],
    ['no tier replicates backups', 0, customized],
  ] as const)(
    'when %s, %d deploy-time rule(s) keep the backup Region away from the stack Region',
    (_n, count, { template }) => {
      // Act
      const rules = Object.keys(template.toJSON().Rules ?? {}).filter(
        (id) => id === 'BackupRegionDiffersFromStackRegion',
      );

      // Assess
      expect(rules).toHaveLength(count);
    },
  );
});

describe('outputs', () => {
  it.each([
    'VpcId',
    'PlatformKeyArn',
    'AlertTopicArn',
    'DbSubnetGroupName',
    'DatabaseSecurityGroupId',
    'MigrationSecurityGroupId',
    'MonitoringRoleArn',
    'ParameterGroupPostgres17',
  ])('outputs %s without a cross-stack export', (id) => {
    // Assess
    defaults.template.hasOutput(id, { Value: Match.anyValue(), Export: Match.absent() });
  });
});

describe('with an existing VPC', () => {
  it('creates no VPC, subnets or flow logs, and builds the database network in the looked-up VPC', () => {
    // Prepare
    const { template, stack } = existingVpc;

    // Assess
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::FlowLog']) template.resourceCountIs(type, 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Tenant databases'),
      VpcId: stack.vpc.vpcId,
    });
    template.resourceCountIs('AWS::RDS::DBSubnetGroup', 1);
  });
});
