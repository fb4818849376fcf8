import { RemovalPolicy } from 'aws-cdk-lib';
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
  public readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: TenantRegistryProps) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'tenantId', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.encryptionKey),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: REGISTRY_STATUS_INDEX,
          partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'updatedAt', type: dynamodb.AttributeType.STRING },
        },
      ],
    });
  }
}
