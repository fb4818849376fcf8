import type { WorkflowState } from '../shared/contracts';
import { DATABASE_NAME } from '../shared/naming';

/**
 * The rest of where the tenant's database is, recorded with the endpoint so applications read the whole location
 * from the registry: the database name, and the Region (from the instance ARN, `arn:<partition>:rds:<region>:...`).
 */
export function registryLocation(state: WorkflowState): { databaseName: string; region?: string } {
  const region = state.instance?.instanceArn.split(':')[3];
  return { databaseName: DATABASE_NAME, ...(region ? { region } : {}) };
}
