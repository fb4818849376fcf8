import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { REGISTRY_STATUS_INDEX } from '../../lambdas/shared/contracts';

export interface TenantRegistryProps {
  /** Customer-managed key that encrypts the table. */
  readonly encryptionKey: kms.IKey;
}

/**
 * The tenant registry: one item per tenant (partition key `tenantId`), on-demand, encrypted with the platform key,
 * point-in-time recovery on, retained when the stack is deleted (it is the record of every tenant database).
 */
export class TenantRegistry extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: TenantRegistryProps) {
    super(scope, id);
    // Table (not TableV2): TableV2 cannot render a customer-managed key in a Region-agnostic stack.
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'tenantId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      Validations.of(this.table).acknowledge({
        id: `${pack}-DynamoDBInBackupPlan`,
        reason:
          'Point-in-time recovery keeps continuous backups for 35 days and the table is retained on stack deletion; the registry can also be rebuilt from resource tags. An AWS Backup plan would duplicate PITR at extra cost.',
      });
    }
    this.table.addGlobalSecondaryIndex({
      indexName: REGISTRY_STATUS_INDEX,
      partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'updatedAt', type: dynamodb.AttributeType.STRING },
    });
  }
}
