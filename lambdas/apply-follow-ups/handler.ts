import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { backupClientsFromEnvironment } from '../shared/backups/backup-clients';
import { loadTierCatalog, RUNTIME_ENV, readEnv } from '../shared/config';
import { instanceOf } from '../shared/lifecycle/instance';
import { rdsClientIn } from '../shared/lifecycle/power';
import { TIER_CHANGE_STATES, type TierChangeState } from '../shared/lifecycle/tier-change';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { APP_SECRET_ROTATION_FUNCTION } from '../shared/secret-rotation';
import { applyFollowUps } from './follow-ups';

const cloudwatch = traced(new CloudWatchClient(CLIENT_CONFIG));
const secrets = traced(new SecretsManagerClient(CLIENT_CONFIG));
const backup = backupClientsFromEnvironment();

/** ApplyFollowUps: alarms, tags, backup replication and the rotation schedule of the new tier. */
export const handler = stepHandler(TIER_CHANGE_STATES.followUps, async (event: { state: TierChangeState }) => {
  const { region } = instanceOf(event.state.lock);
  return applyFollowUps(
    {
      rds: rdsClientIn(region, traced, CLIENT_CONFIG),
      cloudwatch,
      secrets,
      backup,
      catalog: loadTierCatalog(),
      alertTopicArn: readEnv(RUNTIME_ENV.alertTopicArn),
      rotationFunctionArn: readEnv(APP_SECRET_ROTATION_FUNCTION),
    },
    event.state,
  );
});
