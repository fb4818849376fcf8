import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsDouble } from './double';
import type { ServiceName } from './environment';

/**
 * The clients the double answers. The DocumentClient needs its own stub: its `send` runs the low-level command's
 * middleware directly and never goes through `DynamoDBClient.prototype.send`.
 */
const CLIENTS: readonly (readonly [ServiceName, unknown])[] = [
  ['rds', RDSClient],
  ['secretsmanager', SecretsManagerClient],
  ['cloudwatch', CloudWatchClient],
  ['dynamodb', DynamoDBClient],
  ['dynamodb', DynamoDBDocumentClient],
  ['eventbridge', EventBridgeClient],
  ['sns', SNSClient],
  ['kms', KMSClient],
  ['logs', CloudWatchLogsClient],
  ['s3', S3Client],
  ['scheduler', SchedulerClient],
];

interface ConfiguredClient {
  config: Readonly<Record<string, unknown>>;
}

/**
 * Routes every command sent by any instance of the SDK clients (including those the handlers created at module
 * load) to `double`, through aws-sdk-client-mock. Commands the double does not implement fail with an error
 * naming them. Returns the function that restores the real clients.
 *
 * @example
 * ```ts
 * let restore: () => void;
 * beforeEach(() => { restore = installAwsDouble(double); });
 * afterEach(() => restore());
 * ```
 */
export function installAwsDouble(double: AwsDouble): () => void {
  const stubs = CLIENTS.map(([service, client]) => {
    const stub = mockClient(client as never);
    // The sinon stub itself (not `on(Command)`): one fake sees the command object and the calling client.
    const fake = function (this: ConfiguredClient, command: object) {
      return double.invoke(service, command, this.config);
    };
    stub.send.callsFake(fake as unknown as Parameters<typeof stub.send.callsFake>[0]);
    return stub;
  });
  return () => {
    for (const stub of stubs) stub.restore();
  };
}
