import type { InstanceSummary } from '../aws';
import type { InstanceDescription } from '../host';

/**
 * RDS statuses of an instance whose server runs. `stopping` counts: the daemon stopped during the transition, which
 * the double finishes on the next start, and finishing it stops the server again.
 */
const SERVER_RUNS = new Set([
  'available',
  'backing-up',
  'modifying',
  'storage-optimization',
  'configuring-enhanced-monitoring',
  'configuring-log-exports',
  'stopping',
  'starting',
]);

/**
 * The instances whose server `local down` stopped but which RDS still counts as running: their servers start again
 * when the daemon does. An instance RDS holds stopped (a suspended tenant) stays stopped.
 */
export function instancesToResume(
  rds: readonly Pick<InstanceSummary, 'identifier' | 'status'>[],
  servers: readonly Pick<InstanceDescription, 'instanceId' | 'status'>[],
): string[] {
  const running = new Set(rds.filter((i) => SERVER_RUNS.has(i.status)).map((i) => i.identifier));
  return servers.filter((s) => s.status === 'stopped' && running.has(s.instanceId)).map((s) => s.instanceId);
}
