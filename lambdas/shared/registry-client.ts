import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CLIENT_CONFIG, traced } from './runtime';
import { retryingThrottles } from './throttle-retry';

/**
 * The registry's DocumentClient as every handler uses it: traced, and with throttled calls retried (the
 * DocumentClient runs the low-level command's middleware itself, so it needs its own retrying `send`).
 *
 * @param options.retryThrottles - false for reads that are only hints, repeated every few seconds anyway (the
 *   waiter's signal checks): a throttled hint is skipped rather than retried. @default true
 */
export function registryClient(options: { retryThrottles?: boolean } = {}): DynamoDBDocumentClient {
  const client = DynamoDBDocumentClient.from(traced(new DynamoDBClient(CLIENT_CONFIG)));
  return options.retryThrottles === false ? client : retryingThrottles(client);
}
