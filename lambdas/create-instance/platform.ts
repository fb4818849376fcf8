import { ENV, parameterGroupFor, requireEnv } from '../shared/config';
import type { TierDefinition } from '../shared/tiers';
import { type PlatformSettings, parameterGroupFamily } from './request';

/** The platform settings the stack passes as environment variables, with the parameter group of `tier`'s engine. */
export function platformFromEnv(tier: TierDefinition): PlatformSettings {
  return {
    kmsKeyArn: requireEnv(ENV.kmsKeyArn),
    subnetGroupName: requireEnv(ENV.dbSubnetGroup),
    securityGroupId: requireEnv(ENV.dbSecurityGroupId),
    parameterGroupName: parameterGroupFor(parameterGroupFamily(tier.engineVersion)),
    monitoringRoleArn: requireEnv(ENV.monitoringRoleArn),
  };
}
