import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StackOutput } from './targets';

/**
 * AWS clients of tenantctl. Credentials and Region come from the standard provider chain (profile, environment,
 * SSO); `--region` overrides the Region. Adaptive retry backs off on throttling before a call is reported as failed.
 */
export interface AwsClients {
  readonly sfn: SFNClient;
  readonly registry: DynamoDBDocumentClient;
  readonly cloudFormation: CloudFormationClient;
}

const CLIENT_CONFIG = { maxAttempts: 6, retryMode: 'adaptive' } as const;

export function createClients(region: string | undefined): AwsClients {
  const config = region === undefined ? CLIENT_CONFIG : { ...CLIENT_CONFIG, region };
  return {
    sfn: new SFNClient(config),
    registry: DynamoDBDocumentClient.from(new DynamoDBClient(config)),
    cloudFormation: new CloudFormationClient(config),
  };
}

/** Outputs of a CloudFormation stack, or undefined when it does not exist. */
export async function describeStackOutputs(
  client: CloudFormationClient,
  stackName: string,
): Promise<readonly StackOutput[] | undefined> {
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    return Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id ... does not exist".
    const e = error as { name?: string; message?: string };
    if (e.name === 'ValidationError' && e.message?.includes('does not exist')) return undefined;
    throw error;
  }
}
