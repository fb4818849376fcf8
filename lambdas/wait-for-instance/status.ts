/**
 * What a DB instance status means for a tenant instance we just created.
 *
 * Statuses from the RDS User Guide, "Viewing Amazon RDS DB instance status"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/accessing-monitoring.html#Overview.DBInstance.Status).
 * Transitional statuses are pending: RDS leaves them on its own. The rest need an operator (or mean someone else is
 * stopping or deleting the instance), so waiting longer cannot help and the onboarding fails at once.
 */
export type StatusClass = 'available' | 'pending' | 'failed';

const PENDING = [
  'creating',
  'backing-up',
  'modifying',
  'configuring-enhanced-monitoring',
  'configuring-log-exports',
  'configuring-iam-database-auth',
  'rebooting',
  'resetting-master-credentials',
  'storage-optimization',
  'storage-initialization',
  'storage-config-upgrade',
  'upgrading',
  'maintenance',
  'renaming',
  'starting',
  'converting-to-vpc',
  'moving-to-vpc',
] as const;

const FAILED = [
  'failed',
  'incompatible-network',
  'incompatible-option-group',
  'incompatible-parameters',
  'incompatible-restore',
  'incompatible-credentials',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'restore-error',
  'storage-full',
  'insufficient-capacity',
  // Someone is stopping or deleting the instance: it will not become available for this onboarding.
  'stopping',
  'stopped',
  'delete-precheck',
  'deleting',
  'deleted',
] as const;

const CLASSES: ReadonlyMap<string, StatusClass> = new Map<string, StatusClass>([
  ['available', 'available'],
  ...PENDING.map((s): [string, StatusClass] => [s, 'pending']),
  ...FAILED.map((s): [string, StatusClass] => [s, 'failed']),
]);

/** True for the statuses the User Guide documents; the poller logs the others before treating them as pending. */
export function isDocumentedStatus(status: string): boolean {
  return CLASSES.has(status);
}

/**
 * `available`, `pending` or `failed`. An undocumented status counts as pending: RDS adds statuses over time, and
 * failing an onboarding on a new transitional status would be worse than waiting until the deadline.
 */
export function classifyInstanceStatus(status: string): StatusClass {
  return CLASSES.get(status) ?? 'pending';
}
