import { RUNTIME_ENV, readEnv } from '../shared/config';
import { ConfigurationError } from '../shared/errors';
import type { OffboardingState } from '../shared/lifecycle/offboarding';
import { rdsClientIn } from '../shared/lifecycle/power';
import { CLIENT_CONFIG, stepHandler, traced } from '../shared/runtime';
import { copyFinalSnapshot, createFinalSnapshot, type SnapshotDeps } from './snapshot';

/** The Task's payload: the workflow state and which snapshot to make. */
interface SnapshotEvent {
  state: OffboardingState;
  action: 'create' | 'copy';
}

/** CreateFinalSnapshot / CopyFinalSnapshot. */
export const handler = stepHandler('FinalSnapshot', async (event: SnapshotEvent) => {
  const backupKmsKeyArn = readEnv(RUNTIME_ENV.backupKmsKeyArn);
  const deps: SnapshotDeps = {
    rdsIn: (region) => rdsClientIn(region, traced, CLIENT_CONFIG),
    defaultRegion: process.env.AWS_REGION ?? '',
    ...(backupKmsKeyArn ? { backupKmsKeyArn } : {}),
  };
  if (event.action === 'create') return createFinalSnapshot(deps, event.state);
  if (event.action === 'copy') return copyFinalSnapshot(deps, event.state);
  throw new ConfigurationError(`FinalSnapshot: action must be create or copy (got ${String(event.action)})`);
});
