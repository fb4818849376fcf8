import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { ENV, requireEnv } from '../shared/config';
import { REGISTRY_STATUS_INDEX, type TenantStatus } from '../shared/contracts';
import { CLIENT_CONFIG, logger, MetricUnit, metrics, traced } from '../shared/runtime';
import { COUNTED_STATUSES, REGISTRY_STATUS_METRIC } from './metrics';

const doc = DynamoDBDocumentClient.from(traced(new DynamoDBClient(CLIENT_CONFIG)));

/** Counts the tenants in one status through the status index (COUNT queries read keys only). */
export async function countTenants(client: DynamoDBDocumentClient, table: string, status: TenantStatus) {
  let count = 0;
  const pages = paginateQuery(
    { client },
    {
      TableName: table,
      IndexName: REGISTRY_STATUS_INDEX,
      KeyConditionExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status },
      Select: 'COUNT',
    },
  );
  for await (const page of pages) count += page.Count ?? 0;
  return count;
}

/** Scheduled every five minutes: publishes the number of tenants per registry status for the dashboard. */
export const handler = async (): Promise<Record<string, number>> => {
  const table = requireEnv(ENV.registryTable);
  const counts: Record<string, number> = {};
  for (const status of COUNTED_STATUSES) {
    counts[status] = await countTenants(doc, table, status);
    metrics
      .singleMetric()
      .addDimension('status', status)
      .addMetric(REGISTRY_STATUS_METRIC, MetricUnit.Count, counts[status]);
  }
  logger.info('registry counted', { counts });
  return counts;
};
