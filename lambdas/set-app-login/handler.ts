import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loginFromSecret } from '../shared/database/login';
import { rdsTls } from '../shared/database/tls';
import { ConfigurationError, RetryableError } from '../shared/errors';
import { instanceOf } from '../shared/lifecycle/instance';
import { rdsClientIn } from '../shared/lifecycle/power';
import type { SuspensionState } from '../shared/lifecycle/suspension';
import { APP_USERNAME, DATABASE_NAME } from '../shared/naming';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { setAppLogin } from './login';

const secrets = new Map<string, SecretsManagerClient>();
const secretsIn = (region?: string) => {
  const key = region ?? '';
  if (!secrets.has(key)) {
    secrets.set(key, traced(new SecretsManagerClient({ ...CLIENT_CONFIG, ...(region ? { region } : {}) })));
  }
  return secrets.get(key) as SecretsManagerClient;
};

/** Statuses in which the database is up and takes connections (a backup or a modification keeps it running). */
const RUNNING = /^(available|backing-up|modifying|storage-optimization|configuring-.+)$/;

/** The Task's payload: the workflow state and the login to set. */
interface LoginEvent {
  state: SuspensionState;
  login: boolean;
}

/**
 * DisableAppLogin / EnableAppLogin: finds the instance's endpoint and RDS-managed master secret (DescribeDBInstances),
 * reads the master login and sets the application role's login. Only a count of ended sessions leaves the function.
 */
export const handler = stepHandler('SetAppLogin', async (event: LoginEvent) => {
  if (typeof event.login !== 'boolean') throw new ConfigurationError('SetAppLogin: login must be true or false');
  const { instanceId, region } = instanceOf(event.state.lock);
  const rds = rdsClientIn(region, traced, CLIENT_CONFIG);
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
  const instance = DBInstances?.[0];
  const endpoint = instance?.Endpoint;
  const secretArn = instance?.MasterUserSecret?.SecretArn;
  if (!instance || !RUNNING.test(instance.DBInstanceStatus ?? '') || !endpoint?.Address || !endpoint.Port) {
    throw new RetryableError(
      `instance ${instanceId} is ${instance?.DBInstanceStatus ?? 'not found'}; its database takes connections only while running`,
    );
  }
  if (!secretArn) throw new ConfigurationError(`instance ${instanceId} has no RDS-managed master user secret`);
  const { SecretString } = await secretsIn(region).send(new GetSecretValueCommand({ SecretId: secretArn }));
  return setAppLogin(
    {
      host: endpoint.Address,
      port: endpoint.Port,
      database: instance.DBName ?? DATABASE_NAME,
      master: loginFromSecret(SecretString, secretArn),
      tls: rdsTls(),
    },
    APP_USERNAME,
    event.login,
  );
});
