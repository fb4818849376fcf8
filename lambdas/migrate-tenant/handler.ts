import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { nowIso } from '../shared/clock';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { loginFromSecret } from '../shared/database/login';
import { rdsTls } from '../shared/database/tls';
import { ConfigurationError } from '../shared/errors';
import { registryClient } from '../shared/registry-client';
import { type MigrateTenantEvent, ROLLOUT_STEPS, type TenantMigrationResult } from '../shared/rollout/contracts';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { runTenantMigrations } from '../shared/schema/runner';
import { migrateTenant } from './migrate';

const doc = registryClient();
const secretsManager = traced(new SecretsManagerClient(CLIENT_CONFIG));
const rds = traced(new RDSClient(CLIENT_CONFIG));

/**
 * MigrateTenant: one item of a wave's Distributed Map. Runs in the VPC, connects over TLS verified against the RDS
 * CA as the master user (from the RDS-managed secret), and brings the tenant to the rollout's target. Only names,
 * counts and durations leave the function.
 */
export const handler = stepHandler(
  ROLLOUT_STEPS.migrateTenant,
  async (event: MigrateTenantEvent): Promise<TenantMigrationResult> =>
    migrateTenant(
      {
        doc,
        registryTable: readEnv(RUNTIME_ENV.registryTable),
        tls: rdsTls(),
        masterSecretArnOf: async (record) => {
          const { DBInstances } = await rds.send(
            new DescribeDBInstancesCommand({ DBInstanceIdentifier: record.instanceId }),
          );
          const arn = DBInstances?.[0]?.MasterUserSecret?.SecretArn;
          if (!arn) throw new ConfigurationError(`instance ${record.instanceId} has no RDS-managed master secret`);
          return arn;
        },
        masterLogin: async (secretArn) => {
          const { SecretString } = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn }));
          return loginFromSecret(SecretString, secretArn);
        },
        migrate: runTenantMigrations,
        nowIso,
      },
      event,
    ),
);
