import type { DescribeSecretResponse } from '@aws-sdk/client-secrets-manager';
import { isOwnedBy, MANAGED_BY, type OwnerContext, TAG_KEYS, tagValue } from '../shared/naming';

/**
 * What to do when CreateSecret finds the name taken. Pure, so every ownership case is unit-tested.
 *
 * - The secret belongs to this execution: an earlier attempt of this step created it (and the migration step may
 *   already have set its password on the role), so its ARN is reused and its value left alone.
 * - Anything else is a conflict the workflow must not resolve by itself: overwriting would hijack another
 *   execution's or a live tenant's credentials.
 * - A secret scheduled for deletion is never restored, even when an earlier attempt of the same tenant left it:
 *   RestoreSecret would bring back an old password the new database role does not have. Rollback force-deletes
 *   (no recovery window), so this only happens when someone deleted the secret by hand with a recovery window.
 */
export type ExistingSecretDecision = { action: 'reuse'; arn: string } | { action: 'conflict'; reason: string };

function forceDeleteHint(name: string): string {
  return `remove it with "aws secretsmanager delete-secret --secret-id ${name} --force-delete-without-recovery" and retry`;
}

function ownerDescription(secret: DescribeSecretResponse): string {
  const tags = secret.Tags;
  if (tagValue(tags, TAG_KEYS.managedBy) !== MANAGED_BY) return 'was not created by the tenant database platform';
  return `belongs to tenant ${tagValue(tags, TAG_KEYS.tenantId) ?? '(untagged)'}, execution ${tagValue(tags, TAG_KEYS.executionArn) ?? '(untagged)'}`;
}

export function decideExistingSecret(secret: DescribeSecretResponse, owner: OwnerContext): ExistingSecretDecision {
  const name = secret.Name ?? '(unnamed)';
  const ownedByUs = isOwnedBy(secret.Tags, owner);
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
