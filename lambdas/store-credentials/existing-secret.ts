import type { DescribeSecretResponse } from '@aws-sdk/client-secrets-manager';
import { isOwnedBy, MANAGED_BY, type OwnerContext, TAG_KEYS, tagValue } from '../shared/naming';

/**
 * What to do when CreateSecret finds the name taken. Pure, so every ownership case is unit-tested.
 *
 * - The secret belongs to this execution: an earlier attempt of this step created it (and the migration step may
 *   already have set its password on the role), so its ARN is reused and its value left alone.
 * - Anything else is a conflict the workflow must not resolve by itself: overwriting would hijack another
 *   execution's or a live tenant's credentials.
 * - A secret scheduled for deletion is never restored for a new database, even when an earlier attempt of the same
 *   tenant left it: RestoreSecret would bring back an old password the new database role does not have. Rollback
 *   force-deletes (no recovery window), so this only happens when someone deleted the secret by hand.
 * - An undelete (restoring an offboarded tenant) adopts the tenant's own secret, scheduled for deletion or not, and
 *   writes a new password into it; RunMigrations then sets that password on the restored database's role.
 */
export type ExistingSecretDecision =
  | { action: 'reuse'; arn: string }
  | { action: 'conflict'; reason: string }
  /**
   * An undelete finds the offboarded tenant's own secret (kept, or scheduled for deletion with a recovery window by
   * offboarding): it is restored if need be, tagged as this execution's, and given this execution's new password
   * unless the version `versionId` (this execution's) already holds it.
   */
  | { action: 'adopt'; arn: string; scheduledForDeletion: boolean; retag: boolean; writeValue: boolean };

/** True when the secret is the platform's and names this tenant, whichever execution created it. */
function isTenantsOwn(secret: DescribeSecretResponse, owner: OwnerContext): boolean {
  return (
    tagValue(secret.Tags, TAG_KEYS.managedBy) === MANAGED_BY &&
    tagValue(secret.Tags, TAG_KEYS.tenantId) === owner.tenantId
  );
}

function forceDeleteHint(name: string): string {
  return `remove it with "aws secretsmanager delete-secret --secret-id ${name} --force-delete-without-recovery" and retry`;
}

function ownerDescription(secret: DescribeSecretResponse): string {
  const tags = secret.Tags;
  if (tagValue(tags, TAG_KEYS.managedBy) !== MANAGED_BY) return 'was not created by the tenant database platform';
  return `belongs to tenant ${tagValue(tags, TAG_KEYS.tenantId) ?? '(untagged)'}, execution ${tagValue(tags, TAG_KEYS.executionArn) ?? '(untagged)'}`;
}

/**
 * @param restoring - set when this execution restores an offboarded tenant, with the secret version id its new
 *   password is written under: the tenant's own secret from its earlier life is taken back instead of refused (the
 *   claim made this execution the tenant's only owner), and a retry writes the password until that version exists.
 */
export function decideExistingSecret(
  secret: DescribeSecretResponse,
  owner: OwnerContext,
  restoring?: { versionId: string },
): ExistingSecretDecision {
  const name = secret.Name ?? '(unnamed)';
  const ownedByUs = isOwnedBy(secret.Tags, owner);
  if (restoring && secret.ARN && isTenantsOwn(secret, owner)) {
    const adoption = {
      scheduledForDeletion: secret.DeletedDate !== undefined,
      retag: !ownedByUs,
      writeValue: !Object.hasOwn(secret.VersionIdsToStages ?? {}, restoring.versionId),
    };
    if (adoption.scheduledForDeletion || adoption.retag || adoption.writeValue) {
      return { action: 'adopt', arn: secret.ARN, ...adoption };
    }
    return { action: 'reuse', arn: secret.ARN };
  }
  if (secret.DeletedDate !== undefined) {
    const whose = ownedByUs ? 'was created by this execution' : ownerDescription(secret);
    return {
      action: 'conflict',
      reason: `secret ${name} is scheduled for deletion and ${whose}; restoring it would bring back a password the new database does not know: ${forceDeleteHint(name)}`,
    };
  }
  if (ownedByUs && secret.ARN) return { action: 'reuse', arn: secret.ARN };
  return { action: 'conflict', reason: `secret ${name} already exists and ${ownerDescription(secret)}` };
}
