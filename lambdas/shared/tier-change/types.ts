/**
 * The vocabulary of a tier change: when it applies, what it does to the application, what RDS cannot do in place.
 *
 * @module
 */

/** When the ModifyDBInstance changes apply: `now` sends `ApplyImmediately: true`, `maintenance-window` defers them. */
export type ChangeTiming = 'now' | 'maintenance-window';

/**
 * What a change does to the tenant's application:
 * - `none`: connections stay up (storage optimization or a new standby may raise latency for a while);
 * - `brief outage`: the database restarts and connections drop for minutes;
 * - `failover`: Multi-AZ fails over to the standby, connections drop for about a minute and reconnect to the same endpoint;
 * - `reboot at next maintenance window`: the outage or failover happens when the window opens, not now;
 * - `not applicable in place`: RDS cannot make the change to a live instance; the plan says what it keeps instead.
 */
export type Disruption =
  | 'none'
  | 'brief outage'
  | 'failover'
  | 'reboot at next maintenance window'
  | 'not applicable in place';

/** Who applies a change of a tier field to a live tenant. */
export type AppliedBy =
  /** The ModifyDBInstance request of the change. */
  | 'ModifyDBInstance'
  /** A follow-up once RDS has applied the modification: alarms, backup replication, rotation schedule. */
  | 'follow-up'
  /** Nothing: the field only matters while a tenant is onboarded. */
  | 'onboarding only'
  /** Nothing now: the field is read from the tenant's tier when it is offboarded. */
  | 'offboarding only';

/** When a change takes effect on RDS. */
export type TakesEffect = 'immediately' | 'at the next maintenance window' | 'after the modification' | 'never';

/** One difference between the tenant's current tier and its new one, as it would be applied. */
export interface TierChange {
  /** Dotted tier field, e.g. `storage.allocatedGiB`. */
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
  readonly disruption: Disruption;
  /** Why, in a sentence an operator can read to a customer. */
  readonly reason: string;
  readonly appliedBy: AppliedBy;
  /** The ModifyDBInstance parameter that carries the change, when it is one. */
  readonly parameter?: string;
  readonly takesEffect: TakesEffect;
}

/** A part of the new tier RDS cannot apply in place, what the instance keeps instead, and why. */
export interface BlockedChange {
  readonly field: string;
  /** What the new tier asks for. */
  readonly requested: unknown;
  /** What the instance will have instead. */
  readonly applied: unknown;
  readonly disruption: Extract<Disruption, 'not applicable in place'>;
  readonly reason: string;
}
