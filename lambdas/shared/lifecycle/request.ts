/**
 * The input of a lifecycle workflow (suspend, resume), checked before the registry or any AWS resource is touched:
 * every rule names the field it checks.
 *
 * @module
 */
import { ValidationError } from '../errors';
import { assertTenantId } from '../tenant-id';
import { quoteRejected } from '../untrusted';
import type { OperationName } from './operations';

/** What starts a lifecycle execution (tenantctl, billing events). */
export interface LifecycleRequest {
  readonly tenantId: string;
  readonly operation: OperationName;
  /** Who asked: an e-mail, a user name or `billing`. */
  readonly requestedBy: string;
  /** Idempotency key: billing's event id. @default none: every execution is a new request */
  readonly requestId?: string;
}

const FIELDS = ['tenantId', 'operation', 'requestedBy', 'requestId'] as const;
const REQUESTED_BY_MAX_LENGTH = 128;
// Same alphabet and length as a Step Functions execution name.
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;
// \p{C} covers control, format, surrogate, private-use and unassigned code points: nothing an operator can read.
const PRINTABLE = /^\P{C}*$/u;

/**
 * Checks the raw input of an execution that runs one of `operations`; `requestedBy` defaults to `unknown`.
 *
 * @example
 * ```ts
 * lifecycleRequestOf({ tenantId: 'acme', operation: 'suspend' }, ['suspend', 'resume']);
 * // { tenantId: 'acme', operation: 'suspend', requestedBy: 'unknown' }
 * ```
 */
export function lifecycleRequestOf(input: unknown, operations: readonly OperationName[]): LifecycleRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('input', 'must be a JSON object', input);
  }
  const raw = input as Record<string, unknown>;
  const unknown = Object.keys(raw).find((key) => !(FIELDS as readonly string[]).includes(key));
  if (unknown !== undefined) {
    throw new ValidationError('input', `has no field ${quoteRejected(unknown)} (allowed: ${FIELDS.join(', ')})`);
  }
  const tenantId = assertTenantId(raw.tenantId);
  if (typeof raw.operation !== 'string' || !(operations as readonly string[]).includes(raw.operation)) {
    throw new ValidationError('operation', `must be one of ${operations.join(', ')}`, raw.operation);
  }
  const requestedBy = raw.requestedBy ?? 'unknown';
  const byRule = `must be a string of 1-${REQUESTED_BY_MAX_LENGTH} printable characters`;
  if (
    typeof requestedBy !== 'string' ||
    [...requestedBy].length < 1 ||
    [...requestedBy].length > REQUESTED_BY_MAX_LENGTH ||
    !PRINTABLE.test(requestedBy)
  ) {
    throw new ValidationError('requestedBy', byRule, requestedBy);
  }
  if (raw.requestId !== undefined && (typeof raw.requestId !== 'string' || !REQUEST_ID_PATTERN.test(raw.requestId))) {
    throw new ValidationError('requestId', 'must be 1-80 characters of A-Z a-z 0-9 _ -', raw.requestId);
  }
  return {
    tenantId,
    operation: raw.operation as OperationName,
    requestedBy,
    ...(raw.requestId === undefined ? {} : { requestId: raw.requestId as string }),
  };
}
