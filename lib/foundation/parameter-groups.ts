import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { majorVersionOf, type TierCatalog } from '../../lambdas/shared/tiers';

/** The DB parameter group family of each PostgreSQL major the catalog uses (`postgres17`, ...), sorted. */
function postgresFamilies(catalog: TierCatalog): string[] {
  const majors = new Set(Object.values(catalog).map((tier) => majorVersionOf(tier.engineVersion)));
  return [...majors].sort((a, b) => a - b).map((major) => `postgres${major}`);
}

/**
 * Parameters every tenant database gets. Deliberately minimal:
 * - `rds.force_ssl=1`: the server refuses connections without TLS, whatever the client asks for.
 * - No statement logging (`log_statement`, `log_min_duration_statement`): the migration step sets role passwords
 *   with `CREATE/ALTER ROLE ... PASSWORD`, and logged statements are exported to CloudWatch Logs.
 */
const TENANT_DB_PARAMETERS: Readonly<Record<string, string>> = { 'rds.force_ssl': '1' };

export interface TenantParameterGroupsProps {
  /** Prefix of the parameter group names (`<platformName>-postgres17`). */
  readonly platformName: string;
  readonly catalog: TierCatalog;
}

/** One DB parameter group per PostgreSQL major version in the tier catalog. */
export class TenantParameterGroups extends Construct {
  /** Parameter group by family (`postgres17`). */
  public readonly groups: Readonly<Record<string, rds.IParameterGroup>>;

  constructor(scope: Construct, id: string, props: TenantParameterGroupsProps) {
    super(scope, id);
    this.groups = Object.fromEntries(
      postgresFamilies(props.catalog).map((family) => {
        const major = family.slice('postgres'.length);
        const group = rds.ParameterGroup.forInstance(this, family, {
          engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.of(major, major) }),
          // Deterministic: CreateDBInstance names it, and parameter changes update it in place.
          name: `${props.platformName}-${family}`,
          description: `${props.platformName}: tenant databases on PostgreSQL ${major}`,
          parameters: { ...TENANT_DB_PARAMETERS },
        });
        return [family, group];
      }),
    );
  }
}
