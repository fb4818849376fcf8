import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { InterfaceEndpointName } from '../config';

/**
 * The interface endpoints the `vpcInterfaceEndpoints` context key can ask for.
 *
 * Each costs about $7.30 a month per AZ plus $0.01/GB (us-east-1). The VPC has no NAT gateway, so a function in it
 * reaches an AWS API only through an endpoint; only the migration Lambda and the rotation function of the application
 * secrets run in the VPC, and they call Secrets Manager and speak PostgreSQL. Secrets Manager is therefore the one
 * endpoint created by default. The others are here for in-VPC code that calls those APIs itself; neither function
 * does:
 * - KMS: Secrets Manager decrypts what `GetSecretValue` reads and encrypts what `PutSecretValue` writes, calling KMS
 *   on the caller's behalf (`kms:ViaService`); the functions never connect to KMS.
 * - CloudWatch Logs, X-Ray: Lambda delivers function logs and the X-Ray daemon's segments through the Lambda
 *   service, not through the function's network interfaces; Powertools metrics are EMF log lines.
 * - STS: Lambda hands the function its role credentials; nothing assumes another role.
 * - RDS, CloudWatch, Step Functions, EventBridge, SNS: called by the steps that run outside the VPC.
 *
 * There is no DynamoDB gateway endpoint either: nothing in the VPC reads the registry, and the migration security
 * group could not reach it anyway (its egress is limited to PostgreSQL and the interface endpoints).
 */
export const INTERFACE_ENDPOINTS: Readonly<Record<InterfaceEndpointName, ec2.InterfaceVpcEndpointAwsService>> = {
  secretsmanager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  kms: ec2.InterfaceVpcEndpointAwsService.KMS,
  rds: ec2.InterfaceVpcEndpointAwsService.RDS,
  monitoring: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
  logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  sts: ec2.InterfaceVpcEndpointAwsService.STS,
  states: ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS,
  events: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
  sns: ec2.InterfaceVpcEndpointAwsService.SNS,
  xray: ec2.InterfaceVpcEndpointAwsService.XRAY,
};
