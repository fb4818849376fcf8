/**
 * Validation of the workflow input: the first step, so bad input stops before any AWS resource exists. Every rule
 * names the field it checks; the first broken rule is thrown as a {@link ValidationError}.
 *
 * @module
 */
import type { ProvisioningRequest, ValidatedRequest, ValidateEvent } from '../shared/contracts';
import { ValidationError } from '../shared/errors';
import { appSecretName } from '../shared/naming';
import { assertTenantId } from '../shared/tenant-id';
import { type TierCatalog, tierFromCatalog } from '../shared/tiers';
import { isPrototypeKey, nullPrototypeRecord, quoteRejected } from '../shared/untrusted';

/** Top-level fields a provisioning request may carry; anything else is rejected rather than silently dropped. */
const REQUEST_FIELDS = [
  'tenantId',
  'tier',
  'requestedBy',
  'requestId',
  'metadata',
] as const satisfies readonly (keyof ProvisioningRequest)[];

const DEFAULT_REQUESTED_BY = 'unknown';
const REQUESTED_BY_MAX_LENGTH = 128;
/** Same alphabet and length as a Step Functions execution name, so the default (the execution name) always fits. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;
const METADATA_MAX_ENTRIES = 10;
const METADATA_KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const METADATA_VALUE_MAX_LENGTH = 256;

// \p{C} covers control, format, surrogate, private-use and unassigned code points: nothing an operator can read.
const PRINTABLE = /^\P{C}*$/u;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Length in code points, so an emoji counts as one character like a person would count it. */
const codePoints = (value: string): number => [...value].length;

function checkKnownFields(input: Record<string, unknown>): void {
  const unknown = Object.keys(input).find((key) => !(REQUEST_FIELDS as readonly string[]).includes(key));
  if (unknown !== undefined) {
    // The key itself is untrusted: quoted, never used as the field name.
    throw new ValidationError(
      'input',
      `has no field ${quoteRejected(unknown)} (allowed: ${REQUEST_FIELDS.join(', ')})`,
    );
  }
}

function requestedByOf(value: unknown): string {
  if (value === undefined) return DEFAULT_REQUESTED_BY;
  const rule = `must be a string of 1-${REQUESTED_BY_MAX_LENGTH} printable characters`;
  if (typeof value !== 'string') throw new ValidationError('requestedBy', rule, value);
  const length = codePoints(value);
  if (length < 1 || length > REQUESTED_BY_MAX_LENGTH || !PRINTABLE.test(value)) {
    throw new ValidationError('requestedBy', rule, value);
  }
  return value;
}

function requestIdOf(value: unknown, executionName: string): string {
  const requestId = value === undefined ? executionName : value;
  if (typeof requestId !== 'string' || !REQUEST_ID_PATTERN.test(requestId)) {
    const source = value === undefined ? ' (it defaults to the execution name)' : '';
    throw new ValidationError('requestId', `must be 1-80 characters of A-Z a-z 0-9 _ -${source}`, requestId);
  }
  return requestId;
}

function metadataOf(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new ValidationError('metadata', 'must be an object of string labels', value);
  const entries = Object.entries(value);
  if (entries.length > METADATA_MAX_ENTRIES) {
    throw new ValidationError('metadata', `must have at most ${METADATA_MAX_ENTRIES} entries`, entries.length);
  }
  for (const [key, entry] of entries) {
    if (!METADATA_KEY_PATTERN.test(key)) {
      throw new ValidationError('metadata', 'keys must be 1-64 characters of A-Z a-z 0-9 _ . : -', key);
    }
    if (isPrototypeKey(key)) {
      throw new ValidationError(
        'metadata',
        'keys must not name Object.prototype members (__proto__, constructor...)',
        key,
      );
    }
    if (typeof entry !== 'string' || codePoints(entry) > METADATA_VALUE_MAX_LENGTH) {
      throw new ValidationError(
        `metadata.${key}`,
        `must be a string of at most ${METADATA_VALUE_MAX_LENGTH} characters`,
        entry,
      );
    }
  }
  return nullPrototypeRecord(entries as [string, string][]);
}

/**
 * Checks the raw workflow input against every documented rule, fills in the defaults and resolves the tier.
 *
 * The tier definition is copied into the result: later steps read it from the workflow state, so an execution keeps
 * the tier it started with even if a deployment changes the catalog while it runs.
 *
 * @example
 * ```ts
 * validateRequest({ input: { tenantId: 'acme', tier: 'pro' }, executionArn, executionName: 'acme-pro-1' }, catalog);
 * // { tenantId: 'acme', tier: 'pro', tierDefinition: {...}, requestedBy: 'unknown', requestId: 'acme-pro-1', ... }
 * ```
 */
export function validateRequest(
  event: ValidateEvent,
  catalog: TierCatalog,
  secretNamePattern?: string,
): ValidatedRequest {
  const { input } = event;
  if (!isPlainObject(input)) throw new ValidationError('input', 'must be a JSON object', input);
  checkKnownFields(input);
  const tenantId = assertTenantId(input.tenantId);
  const tierDefinition = tierFromCatalog(catalog, input.tier);
  return {
    tenantId,
    tier: input.tier as string,
    tierDefinition,
    secretName: appSecretName(tenantId, secretNamePattern),
    requestedBy: requestedByOf(input.requestedBy),
    requestId: requestIdOf(input.requestId, event.executionName),
    metadata: metadataOf(input.metadata),
    executionArn: event.executionArn,
    executionName: event.executionName,
  };
}
