/**
 * The client library on the local platform (`tenantctl local up`): the registry, the application secrets and the CA
 * of the local tenant databases all come from the daemon of a state directory, through the same SDK clients the
 * library uses against AWS.
 *
 * @module
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_STACK_NAME, TARGETS } from '../cli/targets';
import { forwardToLocalPlatform, requireEndpoint } from '../local/remote/client';
import { type DaemonEndpoint, defaultStateDir, localCaFile } from '../local/state-dir';
import { TenantClientConfigError, TenantLookupError } from './errors';

/** Where the local platform is. */
export interface LocalPlatformOptions {
  /** Its state directory. @default $TENANT_DB_LOCAL_DIR, else the default of `tenantctl local up` */
  stateDir?: string;
  /** The workflow stack whose `RegistryTableName` output names the registry. @default tenant-db-workflow */
  stackName?: string;
}

/** What the local platform gives the client in place of AWS. */
export interface LocalPlatformAccess {
  readonly stateDir: string;
  readonly region: string | undefined;
  readonly registryClient: DynamoDBDocumentClient;
  readonly secretsClientFor: (region: string) => SecretsManagerClient;
  readonly caFile: string;
  /** The registry table, read once from the stack's outputs (read again after a failure). */
  readonly tableName: () => Promise<string>;
}

/**
 * Connects to the daemon of the state directory.
 *
 * @throws {TenantClientConfigError} when the local platform is not running
 */
export function localPlatformAccess(local: true | LocalPlatformOptions): LocalPlatformAccess {
  const options = local === true ? {} : local;
  const stateDir = options.stateDir ?? defaultStateDir();
  let endpoint: DaemonEndpoint;
  try {
    endpoint = requireEndpoint(stateDir);
  } catch (error) {
    throw new TenantClientConfigError((error as Error).message);
  }
  const region = endpoint.region;
  const config = region ? { region } : {};
  const secrets = new Map<string, SecretsManagerClient>();
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  let tableName: Promise<string> | undefined;
  const readTableName = async (): Promise<string> => {
    const cloudFormation = forwardToLocalPlatform(new CloudFormationClient(config), endpoint);
    let outputs: { OutputKey?: string; OutputValue?: string }[] | undefined;
    try {
      outputs = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0]?.Outputs;
    } catch (error) {
      throw new TenantLookupError(
        `cannot find the registry of the local platform (state dir ${stateDir}): stack ${stackName} (${(error as Error).name}: ${(error as Error).message})`,
      );
    }
    const name = outputs?.find((o) => o.OutputKey === TARGETS.registryTable.output)?.OutputValue;
    if (!name) {
      throw new TenantLookupError(
        `the local platform's stack ${stackName} has no output ${TARGETS.registryTable.output}: pass registry.tableName`,
      );
    }
    return name;
  };
  return {
    stateDir,
    region,
    registryClient: DynamoDBDocumentClient.from(forwardToLocalPlatform(new DynamoDBClient(config), endpoint)),
    secretsClientFor: (secretRegion) => {
      let client = secrets.get(secretRegion);
      if (!client) {
        client = forwardToLocalPlatform(new SecretsManagerClient({ region: secretRegion }), endpoint);
        secrets.set(secretRegion, client);
      }
      return client;
    },
    caFile: localCaFile(stateDir),
    tableName: () => {
      tableName ??= readTableName().catch((error: unknown) => {
        tableName = undefined;
        throw error;
      });
      return tableName;
    },
  };
}
