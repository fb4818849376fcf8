/**
 * Schema drift: a tenant database whose applied migrations disagree with its registry record or with the migrations
 * the platform ships. Drift is reported (the tenant's rollout fails with the finding), never "fixed" by running more
 * migrations over a schema nobody can vouch for.
 *
 * @module
 */

/** What the database and the registry say, and what the platform ships. */
export interface DriftInputs {
  /** The registry's `schemaVersion`: absent for a tenant onboarded before versions were recorded. */
  recorded?: string;
  /** The database's applied migrations (`pgmigrations`), oldest first. */
  applied: readonly string[];
  /** The migrations the platform ships, in order. */
  known: readonly string[];
}

/** The finding, when there is drift. */
export type SchemaDrift =
  | {
      /** The database lacks migrations its record says it has (restored from an older snapshot, or rolled back). */
      kind: 'behind-record';
      recorded: string;
      database?: string;
    }
  | {
      /** The database holds migrations the platform does not ship (a hand-made change). */
      kind: 'unknown-migrations';
      names: string[];
    }
  | {
      /** Applied migrations are not a prefix of the shipped ones: one in the middle is missing. */
      kind: 'gap';
      missing: string[];
    };

/**
 * Compares a database with its record. Shipped migrations applied beyond the record are no drift: they are what a
 * run that migrated and then crashed before recording leaves behind, and the re-run records them.
 *
 * @returns the drift, or undefined when the database can be migrated
 */
export function detectDrift(inputs: DriftInputs): SchemaDrift | undefined {
  const known = new Set(inputs.known);
  const unknown = inputs.applied.filter((name) => !known.has(name));
  if (unknown.length > 0) return { kind: 'unknown-migrations', names: unknown };
  const applied = new Set(inputs.applied);
  const latest = [...inputs.applied].sort().at(-1);
  const missing = latest === undefined ? [] : inputs.known.filter((name) => name < latest && !applied.has(name));
  if (missing.length > 0) return { kind: 'gap', missing };
  if (inputs.recorded !== undefined && (latest === undefined || latest < inputs.recorded)) {
    return { kind: 'behind-record', recorded: inputs.recorded, ...(latest ? { database: latest } : {}) };
  }
  return undefined;
}

/** One line for the registry and tenantctl. */
export function describeDrift(drift: SchemaDrift): string {
  switch (drift.kind) {
    case 'behind-record':
      return `schema drift: the registry records ${drift.recorded} but the database's last migration is ${drift.database ?? '(none)'}`;
    case 'unknown-migrations':
      return `schema drift: the database records migrations the platform does not ship: ${drift.names.join(', ')}`;
    case 'gap':
      return `schema drift: the database skipped migrations: ${drift.missing.join(', ')}`;
  }
}
