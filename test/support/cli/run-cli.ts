import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CliContext } from '../../../lib/cli/context';
import { runCli } from '../../../lib/cli/main';

/** What an in-process tenantctl run printed and its exit code. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs tenantctl in process with `args`, its output captured, its AWS clients plain SDK clients in `region` (tests
 * stub them with aws-sdk-client-mock), no sleeping and the operator `jane`. `context` adds or replaces context
 * fields (the billing or recovery clients, a clock, the Ctrl-C note).
 *
 * @example
 * ```ts
 * const { code, out } = await runTenantctl(['status', 'acme-corp', '--registry-table', 'registry']);
 * ```
 */
export async function runTenantctl(
  args: readonly string[],
  { region = 'us-east-1', ...context }: Partial<CliContext> & { region?: string } = {},
): Promise<CliRun> {
  let out = '';
  let err = '';
  const ctx: CliContext = {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    env: {},
    clients: () => ({
      sfn: new SFNClient({ region }),
      registry: DynamoDBDocumentClient.from(new DynamoDBClient({ region })),
      cloudFormation: new CloudFormationClient({ region }),
      rds: new RDSClient({ region }),
    }),
    sleep: () => Promise.resolve(),
    username: () => 'jane',
    ...context,
  };
  const code = await runCli(['node', 'tenantctl', ...args], ctx);
  return { code, out, err };
}
