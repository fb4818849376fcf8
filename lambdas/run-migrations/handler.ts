import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type MigrationsResult, STEPS, type WorkflowState } from '../shared/contracts';
import { loginFromSecret } from '../shared/database/login';
import { rdsTls } from '../shared/database/tls';
import { DATABASE_NAME } from '../shared/naming';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { appLoginFromSecret, migrationInputsOf } from './inputs';
import { runTenantMigrations } from './runner';

const secretsManager = traced(new SecretsManagerClient(CLIENT_CONFIG));

async function secretString(secretArn: string): Promise<string | undefined> {
  const { SecretString } = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn }));
  return SecretString;
}

/**
 * RunMigrations: connects to the tenant database as the master user, over TLS verified against the RDS CA, applies
 * the init migrations and lets the application role log in with the password from the tenant's credentials secret.
 * Only migration names and a duration leave the function.
 */
export const handler = stepHandler(STEPS.runMigrations, async (state: WorkflowState): Promise<MigrationsResult> => {
  const inputs = migrationInputsOf(state);
  const tls = rdsTls();
  const [master, app] = await Promise.all([
    secretString(inputs.masterSecretArn).then((s) => loginFromSecret(s, inputs.masterSecretArn)),
    secretString(inputs.appSecretArn).then((s) => appLoginFromSecret(s, inputs.appSecretArn)),
  ]);
  return runTenantMigrations({
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
});
