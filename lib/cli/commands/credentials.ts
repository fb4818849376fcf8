/**
 * `tenantctl credentials <tenant>`: where an ACTIVE tenant's database is and how to connect, from the registry.
 * Never the password: it stays in Secrets Manager, and the output gives the AWS CLI command that fetches it for
 * someone allowed to read the secret.
 *
 * @module
 */
import { TenantConflictError, ValidationError } from '../../../lambdas/shared/errors';
import { APP_USERNAME, DATABASE_NAME, POSTGRES_PORT } from '../../../lambdas/shared/naming';
import { getTenant } from '../../../lambdas/shared/registry';
import { assertTenantId } from '../../../lambdas/shared/tenant-id';
import { type AwsOptions, awsClients, type CliContext, targetsFor, writeJson } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { localConnection } from '../local-credentials';

export interface Connection {
  readonly tenantId: string;
  readonly endpoint: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly secretArn: string;
  /** Fetches the password; run by a person allowed secretsmanager:GetSecretValue on the secret. */
  readonly passwordCommand: string;
}

/** The Region of an ARN (its fourth field). */
const regionOf = (arn: string): string | undefined => arn.split(':')[3] || undefined;

/** The AWS CLI command that prints the password in `secretArn` (the secret's JSON has `username` and `password`). */
export function passwordCommand(secretArn: string): string {
  const region = regionOf(secretArn);
  return `aws secretsmanager get-secret-value --secret-id '${secretArn}'${region ? ` --region ${region}` : ''} --query SecretString --output text | jq -r .password`;
}

export async function credentialsCommand(tenantId: string, options: AwsOptions, ctx: CliContext): Promise<ExitCode> {
  const id = assertTenantId(tenantId, 'tenant');
  const clients = await awsClients(options, ctx);
  const { registryTable } = await targetsFor(['registryTable'], options, ctx, clients);
  const record = await getTenant(clients.registry, registryTable, id);
  if (!record) throw new ValidationError('tenant', `is not in the registry table ${registryTable}`, id);
  if (record.status !== 'ACTIVE' || !record.endpointAddress || !record.secretArn) {
    throw new TenantConflictError(
      `tenant ${id} is ${record.status}: it has credentials once it is ACTIVE (follow it with: tenantctl watch ${id})`,
    );
  }
  const connection: Connection = {
    tenantId: id,
    endpoint: record.endpointAddress,
    port: record.endpointPort ?? POSTGRES_PORT,
    database: DATABASE_NAME,
    user: APP_USERNAME,
    secretArn: record.secretArn,
    passwordCommand: passwordCommand(record.secretArn),
  };
  if (ctx.local) return localConnection(connection, { ...options, stateDir: ctx.local.stateDir }, ctx);
  if (options.json) {
    writeJson(ctx, connection);
    return EXIT.ok;
  }
  ctx.out(
    [
      `Tenant ${id} (ACTIVE, tier ${record.tier})`,
      `  endpoint  ${connection.endpoint}`,
      `  port      ${connection.port}`,
      `  database  ${connection.database}`,
      `  user      ${connection.user}`,
      `  secret    ${connection.secretArn}`,
      '',
      'The password is in the secret, never printed here. To fetch it (needs secretsmanager:GetSecretValue on the',
      'secret and kms:Decrypt on the platform key):',
      `  ${connection.passwordCommand}`,
      'Connect with TLS (sslmode=verify-full and the RDS CA bundle); the database refuses connections without it.',
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
