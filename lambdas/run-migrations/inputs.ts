import type { WorkflowState } from '../shared/contracts';
import { type Login, loginFromSecret } from '../shared/database/login';
import { ConfigurationError } from '../shared/errors';
import { APP_USERNAME } from '../shared/naming';

/** What the migration step needs from the workflow state: where the database is and which secrets to read. */
export interface MigrationInputs {
  host: string;
  port: number;
  masterSecretArn: string;
  appSecretArn: string;
}

/**
 * Picks the step's inputs from the state the earlier steps built. A missing field means the workflow is wired
 * wrongly, so it fails as a {@link ConfigurationError} naming the field.
 */
export function migrationInputsOf(state: WorkflowState): MigrationInputs {
  const { readiness, credentials } = state;
  const fields = {
    'readiness.endpointAddress': readiness?.endpointAddress,
    'readiness.endpointPort': readiness?.endpointPort,
    'readiness.masterSecretArn': readiness?.masterSecretArn,
    'credentials.secretArn': credentials?.secretArn,
  };
  const missing = Object.entries(fields).find(([, value]) => value === undefined || value === '');
  if (missing) {
    throw new ConfigurationError(
      `${missing[0]} is missing from the workflow state; run it after the instance is available and the credentials are stored`,
    );
  }
  return {
    host: fields['readiness.endpointAddress'] as string,
    port: fields['readiness.endpointPort'] as number,
    masterSecretArn: fields['readiness.masterSecretArn'] as string,
    appSecretArn: fields['credentials.secretArn'] as string,
  };
}

/** The application login, which must be the role the migrations create. */
export function appLoginFromSecret(secretString: string | undefined, secretArn: string): Login {
  const login = loginFromSecret(secretString, secretArn);
  if (login.username !== APP_USERNAME) {
    throw new ConfigurationError(
      `secret ${secretArn} names user ${login.username}; the application role is ${APP_USERNAME}`,
    );
  }
  return login;
}
