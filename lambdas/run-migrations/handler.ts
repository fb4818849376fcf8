import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { nowIso } from '../shared/clock';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import { type MigrationsResult, STEPS, type WorkflowState } from '../shared/contracts';
import { loginFromSecret } from '../shared/database/login';
import { rdsTls } from '../shared/database/tls';
import { DATABASE_NAME } from '../shared/naming';
import { recordSchemaVersion } from '../shared/registry';
import { registryClient } from '../shared/registry-client';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { runTenantMigrations } from '../shared/schema/runner';
import { appLoginFromSecret, migrationInputsOf } from './inputs';

const secretsManager = traced(new SecretsManagerClient(CLIENT_CONFIG));
const registry = registryClient();

async function secretString(secretArn: string): Promise<string | undefined> {
  const { SecretString } = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn }));
  return SecretString;
}

/**
 * RunMigrations: connects to the tenant database as the master user, over TLS verified against the RDS CA, applies
 * the init migrations and lets the application role log in with the password from the tenant's credentials secret,
 * then records the schema version (and the master secret's ARN, which schema rollouts read) on the tenant's
 * registry record. Only migration names and a duration leave the function.
 */
export const handler = stepHandler(STEPS.runMigrations, async (state: WorkflowState): Promise<MigrationsResult> => {
  const inputs = migrationInputsOf(state);
  const table = readEnv(RUNTIME_ENV.registryTable);
  const tls = rdsTls();
  const [master, app] = await Promise.all([
    secretString(inputs.masterSecretArn).then((s) => loginFromSecret(s, inputs.masterSecretArn)),
    secretString(inputs.appSecretArn).then((s) => appLoginFromSecret(s, inputs.appSecretArn)),
  ]);
  const result = await runTenantMigrations({
    target: {
      host: inputs.host,
      port: inputs.port,
      database: DATABASE_NAME,
      user: master.username,
      password: master.password,
      tls,
    },
    appPassword: app.password,
  });
  if (result.version) {
    // Only while this execution still provisions the tenant; a retry that finds the version recorded skips it.
    await recordSchemaVersion(registry, table, {
      tenantId: state.request.tenantId,
      version: result.version,
      at: nowIso(),
      from: ['PROVISIONING'],
      executionArn: state.request.executionArn,
      masterSecretArn: inputs.masterSecretArn,
    });
  }
  return result;
});
