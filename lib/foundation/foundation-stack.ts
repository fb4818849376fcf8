import { Aws, CfnOutput, CfnRule, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { INSTANCE_ID_PREFIX } from '../../lambdas/shared/naming';
import type { PlatformConfig } from '../config';
import { Alerting } from './alerting';
import { DatabaseNetwork } from './database-network';
import { PlatformKey } from './encryption';
import { PlatformNetwork } from './network';
import { TenantParameterGroups } from './parameter-groups';

const ENHANCED_MONITORING_POLICY = 'service-role/AmazonRDSEnhancedMonitoringRole';

export interface FoundationStackProps extends StackProps {
  /** Validated platform configuration, from {@link loadPlatformConfig}. */
  readonly config: PlatformConfig;
}

/**
 * What every tenant database shares: the network, the customer managed key, the DB subnet group, security groups
 * and parameter groups, the Enhanced Monitoring role and the alert topic. The provisioning workflow reads these
 * through the public properties; nothing here is per tenant.
 *
 * @example
 * ```ts
 * const app = new App();
 * const config = loadPlatformConfig(app.node);
 * const foundation = new FoundationStack(app, `${config.platformName}-foundation`, { config });
 * foundation.databaseSecurityGroup; // attach to every tenant instance
 * ```
 */
export class FoundationStack extends Stack {
  /** The configuration this stack was built from. */
  public readonly config: PlatformConfig;
  public readonly vpc: ec2.IVpc;
  /** Subnets of tenant databases; the migration and rotation functions run in the same subnets. */
  public readonly databaseSubnets: ec2.SubnetSelection;
  /** Customer managed key for instances, Performance Insights, secrets, queues, topics and log groups. */
  public readonly platformKey: kms.IKey;
  public readonly dbSubnetGroup: rds.ISubnetGroup;
  /** Attach to every tenant instance (`VpcSecurityGroupIds`). */
  public readonly databaseSecurityGroup: ec2.ISecurityGroup;
  /** Attach to the migration and rotation functions: the only platform clients of tenant databases. */
  public readonly migrationSecurityGroup: ec2.ISecurityGroup;
  /** DB parameter group by family (`postgres17`), one per PostgreSQL major in the tier catalog. */
  public readonly parameterGroups: Readonly<Record<string, rds.IParameterGroup>>;
  /** Role RDS assumes to publish Enhanced Monitoring metrics (`MonitoringRoleArn`). */
  public readonly monitoringRole: iam.IRole;
  /** Alarms and rollback failures publish here. */
  public readonly alertTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: FoundationStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, {
      description: 'Tenant database platform foundation: network, encryption key, database networking, alerts',
      ...stackProps,
    });
    this.config = config;

    const encryption = new PlatformKey(this, 'Encryption', { platformName: config.platformName });
    this.platformKey = encryption.key;

    const network = new PlatformNetwork(this, 'Network', {
      vpcId: config.vpcId,
      maxAzs: config.maxAzs,
      interfaceEndpoints: config.vpcInterfaceEndpoints,
      key: encryption.key,
      logRetention: config.logRetention,
    });
    this.vpc = network.vpc;
    this.databaseSubnets = network.databaseSubnets;

    const databaseNetwork = new DatabaseNetwork(this, 'DatabaseNetwork', {
      platformName: config.platformName,
      vpc: network.vpc,
      subnets: network.databaseSubnets,
      endpointSecurityGroup: network.endpointSecurityGroup,
      applicationSecurityGroupId: config.applicationSecurityGroupId,
    });
    this.dbSubnetGroup = databaseNetwork.subnetGroup;
    this.databaseSecurityGroup = databaseNetwork.databaseSecurityGroup;
    this.migrationSecurityGroup = databaseNetwork.migrationSecurityGroup;

    this.parameterGroups = new TenantParameterGroups(this, 'ParameterGroups', {
      platformName: config.platformName,
      catalog: config.tierCatalog,
    }).groups;

    this.monitoringRole = new iam.Role(this, 'EnhancedMonitoringRole', {
      description: 'RDS Enhanced Monitoring of tenant databases publishes OS metrics to CloudWatch Logs',
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com', {
        // Confused-deputy protection: only RDS acting for this account's tenant instances may assume the role.
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:rds:${Aws.REGION}:${Aws.ACCOUNT_ID}:db:${INSTANCE_ID_PREFIX}*`,
          },
        },
      }),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(ENHANCED_MONITORING_POLICY)],
    });
    Validations.of(this.monitoringRole).acknowledge({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${ENHANCED_MONITORING_POLICY}]`,
      reason:
        'AmazonRDSEnhancedMonitoringRole is the AWS-maintained policy RDS documents for Enhanced Monitoring. It only ' +
        'creates and writes the RDSOSMetrics log group (log-group:RDS*), and the trust policy limits the role to RDS ' +
        "acting for this account's tenant instances. A copy would drift from what the service needs.",
    });

    this.alertTopic = new Alerting(this, 'Alerting', {
      platformName: config.platformName,
      key: encryption.key,
      alertEmail: config.alertEmail,
    }).topic;

    if (Object.values(config.tierCatalog).some((tier) => tier.backup.crossRegionReplication)) {
      // Replicating backups into the Region they come from is refused by RDS; fail the deployment up front instead.
      new CfnRule(this, 'BackupRegionDiffersFromStackRegion', {
        assertions: [
          {
            assert: Fn.conditionNot(Fn.conditionEquals(Aws.REGION, config.backupReplicationRegion)),
            assertDescription: `cdk.json context "backupReplicationRegion" (${config.backupReplicationRegion}) must differ from the Region this platform is deployed to`,
          },
        ],
      });
    }

    this.outputs();
  }

  private outputs(): void {
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('VpcId', this.vpc.vpcId, 'VPC of tenant databases');
    output('PlatformKeyArn', this.platformKey.keyArn, 'Customer managed KMS key of the platform');
    output('AlertTopicArn', this.alertTopic.topicArn, 'SNS topic receiving platform and tenant alarms');
    output('DbSubnetGroupName', this.dbSubnetGroup.subnetGroupName, 'DB subnet group of tenant databases');
    output('DatabaseSecurityGroupId', this.databaseSecurityGroup.securityGroupId, 'Security group of tenant databases');
    output(
      'MigrationSecurityGroupId',
      this.migrationSecurityGroup.securityGroupId,
      'Security group of the migration Lambda',
    );
    output('MonitoringRoleArn', this.monitoringRole.roleArn, 'Enhanced Monitoring role of tenant databases');
    for (const [family, group] of Object.entries(this.parameterGroups)) {
      output(
        `ParameterGroup${family.replace(/^postgres/, 'Postgres')}`,
        group.bindToInstance({}).parameterGroupName,
        `DB parameter group of tenant databases on ${family}`,
      );
    }
  }
}
