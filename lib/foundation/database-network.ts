import { Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { POSTGRES_PORT } from '../../lambdas/shared/naming';

export interface DatabaseNetworkProps {
  /** Prefix of the DB subnet group name. */
  readonly platformName: string;
  readonly vpc: ec2.IVpc;
  /** Subnets of tenant databases and of the functions that connect to them. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Security group of the interface endpoints the migration and rotation functions call.
   * @default - no endpoints: those functions get no HTTPS egress
   */
  readonly endpointSecurityGroup?: ec2.ISecurityGroup;
  /**
   * Security group of the SaaS application, admitted on PostgreSQL.
   * @default - only the migration security group is admitted
   */
  readonly applicationSecurityGroupId?: string;
}

/**
 * The network side of every tenant database: the DB subnet group the workflow names in CreateDBInstance, the
 * security group attached to each instance, and the migration security group of the platform's only clients (the
 * migration Lambda and the rotation function of the application secrets).
 */
export class DatabaseNetwork extends Construct {
  public readonly subnetGroup: rds.SubnetGroup;
  /** Attached to every tenant instance: PostgreSQL from the migration security group (and the application), nothing out. */
  public readonly databaseSecurityGroup: ec2.SecurityGroup;
  /**
   * Attached to the migration Lambda and the rotation function: PostgreSQL to tenant databases and HTTPS to the
   * endpoints, nothing else. Its name and descriptions stay those of its first deployment (a new group description
   * would replace the group).
   */
  public readonly migrationSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: DatabaseNetworkProps) {
    super(scope, id);

    this.subnetGroup = new rds.SubnetGroup(this, 'SubnetGroup', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      // Deterministic so the workflow and operators can name it; it holds no data, so it goes with the stack.
      subnetGroupName: `${props.platformName}-tenant-databases`,
      description: `${props.platformName}: isolated subnets of tenant databases`,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: props.vpc,
      description: 'Tenant databases: PostgreSQL from the migration Lambda and the application only',
      allowAllOutbound: false,
    });
    this.migrationSecurityGroup = new ec2.SecurityGroup(this, 'MigrationSecurityGroup', {
      vpc: props.vpc,
      description: 'Migration Lambda: PostgreSQL to tenant databases, HTTPS to interface endpoints',
      allowAllOutbound: false,
    });

    const postgres = ec2.Port.tcp(POSTGRES_PORT);
    this.migrationSecurityGroup.connections.allowTo(
      this.databaseSecurityGroup,
      postgres,
      'Migration Lambda to tenant databases',
    );
    if (props.endpointSecurityGroup) {
      this.migrationSecurityGroup.connections.allowTo(
        props.endpointSecurityGroup,
        ec2.Port.tcp(443),
        'Migration Lambda to AWS APIs through interface endpoints',
      );
    }
    keepDefaultEgressRevoked(this.migrationSecurityGroup);
    if (props.applicationSecurityGroupId) {
      const application = ec2.SecurityGroup.fromSecurityGroupId(
        this,
        'ApplicationSecurityGroup',
        props.applicationSecurityGroupId,
        { mutable: false },
      );
      this.databaseSecurityGroup.addIngressRule(application, postgres, 'SaaS application to tenant databases');
    }
  }
}

/** CDK's placeholder rule that matches no traffic (255.255.255.255/32, ICMP type 252 code 86). */
const NO_TRAFFIC_EGRESS = {
  cidrIp: '255.255.255.255/32',
  description: 'Disallow all traffic',
  ipProtocol: 'icmp',
  fromPort: 252,
  toPort: 86,
};

/**
 * EC2 gives every security group an allow-all egress rule, which CloudFormation revokes only when the group's own
 * `SecurityGroupEgress` lists a rule. CDK drops its no-traffic placeholder from that list as soon as an egress rule
 * is added, even one it renders as a separate `AWS::EC2::SecurityGroupEgress` (every rule to another security group
 * is), which would leave the default allow-all rule in place. Keep the placeholder whenever the list is empty.
 */
function keepDefaultEgressRevoked(group: ec2.SecurityGroup): void {
  const cfn = group.node.defaultChild as ec2.CfnSecurityGroup;
  const rendered = cfn.securityGroupEgress;
  cfn.securityGroupEgress = Lazy.any({
    produce: () => {
      const rules = Stack.of(group).resolve(rendered) as unknown[] | undefined;
      return rules && rules.length > 0 ? rules : [NO_TRAFFIC_EGRESS];
    },
  });
}
