import { parameterGroupFor, RUNTIME_ENV, readEnv } from '../shared/config';
import type { TierDefinition } from '../shared/tiers';
import { type PlatformSettings, parameterGroupFamily } from './request';

/** The platform settings the stack passes as environment variables, with the parameter group of `tier`'s engine. */
export function platformFromEnv(tier: TierDefinition): PlatformSettings {
  return {
    kmsKeyArn: readEnv(RUNTIME_ENV.kmsKeyArn),
    subnetGroupName: readEnv(RUNTIME_ENV.dbSubnetGroup),
    securityGroupId: readEnv(RUNTIME_ENV.dbSecurityGroupId),
    parameterGroupName: parameterGroupFor(parameterGroupFamily(tier.engineVersion)),
    monitoringRoleArn: readEnv(RUNTIME_ENV.monitoringRoleArn),
  };
}
