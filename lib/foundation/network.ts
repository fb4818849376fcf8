import { Aws, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { InterfaceEndpointName } from '../config';
import { INTERFACE_ENDPOINTS } from './endpoints';

export interface PlatformNetworkProps {
  /**
   * An existing VPC to look up instead of creating one.
   * @default - a VPC with isolated subnets only is created
   */
  readonly vpcId?: string;
  /** Availability Zones of the created VPC, at least 2. */
  readonly maxAzs: number;
  /** Interface endpoints to create, with private DNS. */
  readonly interfaceEndpoints: readonly InterfaceEndpointName[];
  /** Encrypts the flow log group. */
  readonly key: kms.IKey;
  /** Retention of the flow log group. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * Size of each isolated subnet. A tenant instance takes one address (two with Multi-AZ, one per AZ), so /20
 * (4091 usable addresses per AZ) leaves room for thousands of tenants plus Lambda and endpoint interfaces.
 */
const SUBNET_CIDR_MASK = 20;

/**
 * Where tenant databases and the functions that connect to them live: a VPC whose subnets have no route to the internet (no
 * internet gateway, no NAT gateway), with flow logs, and interface endpoints for the AWS APIs the in-VPC code calls.
 */
export class PlatformNetwork extends Construct {
  public readonly vpc: ec2.IVpc;
  /** Subnets of tenant databases and of the functions that connect to them. */
  public readonly databaseSubnets: ec2.SubnetSelection;
  /**
   * Attached to the interface endpoints; admits nothing until a consumer is allowed in.
   * @default - undefined when no interface endpoint is configured
   */
  public readonly endpointSecurityGroup?: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: PlatformNetworkProps) {
    super(scope, id);

    if (props.vpcId) {
      this.vpc = ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: props.vpcId });
      // Prefer subnets without any route out; a VPC without isolated subnets still has private ones.
      const subnetType =
        this.vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS;
      this.databaseSubnets = { subnetType };
    } else {
      const vpc = new ec2.Vpc(this, 'Vpc', {
        // Environment-agnostic stacks only know the Region's AZs at deploy time: pick the first maxAzs of them.
        availabilityZones: Array.from({ length: props.maxAzs }, (_, i) => Fn.select(i, Fn.getAzs())),
        natGateways: 0,
        createInternetGateway: false,
        subnetConfiguration: [
          { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: SUBNET_CIDR_MASK },
        ],
        // Nothing uses the default security group; strip its rules so nothing can by accident.
        restrictDefaultSecurityGroup: true,
      });
      const flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
        encryptionKey: props.key,
        retention: props.logRetention,
        // Flow logs are audit records: they outlive the stack.
        removalPolicy: RemovalPolicy.RETAIN,
      });
      vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup, this.flowLogRole(flowLogGroup)),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
      this.vpc = vpc;
      this.databaseSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    }

    if (props.interfaceEndpoints.length === 0) return;
    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface VPC endpoints: HTTPS from in-VPC platform functions only',
      allowAllOutbound: false,
    });
    for (const name of props.interfaceEndpoints) {
      this.vpc.addInterfaceEndpoint(`${name}Endpoint`, {
        service: INTERFACE_ENDPOINTS[name],
        privateDnsEnabled: true,
        subnets: this.databaseSubnets,
        securityGroups: [endpointSecurityGroup],
        // `open` would admit the whole VPC CIDR; only the migration security group is allowed in (DatabaseNetwork).
        open: false,
      });
    }
    this.endpointSecurityGroup = endpointSecurityGroup;
  }

  /**
   * The role VPC Flow Logs assumes to write to `logGroup`. Its permissions are a customer managed policy rather than
   * the inline policy CDK would add (NIST 800-53 / HIPAA `IAMNoInlinePolicy`), so the role is handed to the flow
   * log without policy updates.
   */
  private flowLogRole(logGroup: logs.ILogGroup): iam.IRole {
    const { ACCOUNT_ID: account, PARTITION: partition, REGION: region } = Aws;
    const role = new iam.Role(this, 'FlowLogRole', {
      description: 'VPC Flow Logs delivery to the encrypted flow log group',
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        // Confused-deputy protection: only flow logs of this account may assume the role.
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:ec2:${region}:${account}:vpc-flow-log/*` },
        },
      }),
    });
    new iam.ManagedPolicy(this, 'FlowLogPolicy', {
      description: 'Write VPC flow log records to the platform flow log group',
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [logGroup.logGroupArn],
        }),
      ],
    });
    return role.withoutPolicyUpdates();
  }
}
