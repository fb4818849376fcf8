/**
 * Changing a live tenant's tier: the plan (every difference with its disruption, what RDS cannot do in place) and
 * the ModifyDBInstance request built from it.
 *
 * @module
 */
export { FIELD_RULES } from './disruption';
export { planTierChange } from './plan';
export { buildModifyDbInstanceRequest, type ModificationPlatform } from './request';
export type * from './types';
