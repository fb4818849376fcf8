import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CLIENT_CONFIG, traced } from './runtime';
import { retryingThrottles } from './throttle-retry';

/**
 * The registry's DocumentClient as every handler uses it: traced, and with throttled calls retried (the
 * DocumentClient runs the low-level command's middleware itself, so it needs its own retrying `send`).
 */
export function registryClient(): DynamoDBDocumentClient {
  return retryingThrottles(DynamoDBDocumentClient.from(traced(new DynamoDBClient(CLIENT_CONFIG))));
}
