/**
 * Where the workflow and the registry are. Each is looked up in order: the flag, the environment variable, then
 * the outputs of the workflow stack (one DescribeStacks call, made only when something is still missing).
 *
 * @module
 */
import { ConfigurationError } from '../../lambdas/shared/errors';

export const DEFAULT_STACK_NAME = 'tenant-db-workflow';

interface TargetSpec {
  readonly flag: string;
  readonly env: string;
  readonly output: string;
  readonly what: string;
}

export const TARGETS = {
  stateMachineArn: {
    flag: '--state-machine-arn',
    env: 'TENANTCTL_STATE_MACHINE_ARN',
    output: 'StateMachineArn',
    what: 'the provisioning state machine',
  },
  registryTable: {
    flag: '--registry-table',
    env: 'TENANTCTL_REGISTRY_TABLE',
    output: 'RegistryTableName',
    what: 'the tenant registry table',
  },
  rotationFunctionArn: {
    flag: '--rotation-function-arn',
    env: 'TENANTCTL_ROTATION_FUNCTION_ARN',
    output: 'AppSecretRotationFunctionArn',
    what: 'the application secret rotation function',
  },
  rolloutStateMachineArn: {
    flag: '--rollout-state-machine-arn',
    env: 'TENANTCTL_ROLLOUT_STATE_MACHINE_ARN',
    output: 'RolloutStateMachineArn',
    what: 'the schema rollout state machine',
  },
  rolloutTable: {
    flag: '--rollout-table',
    env: 'TENANTCTL_ROLLOUT_TABLE',
    output: 'RolloutTableName',
    what: 'the schema rollout table',
  },
  suspensionStateMachineArn: {
    flag: '--suspension-state-machine-arn',
    env: 'TENANTCTL_SUSPENSION_STATE_MACHINE_ARN',
    output: 'SuspensionStateMachineArn',
    what: 'the suspend and resume state machine',
  },
  offboardingScheduleFunction: {
    flag: '--offboarding-schedule-function',
    env: 'TENANTCTL_OFFBOARDING_SCHEDULE_FUNCTION',
    output: 'OffboardingScheduleFunctionName',
    what: 'the offboarding scheduling function',
  },
  tierChangeStateMachineArn: {
    flag: '--tier-change-state-machine-arn',
    env: 'TENANTCTL_TIER_CHANGE_STATE_MACHINE_ARN',
    output: 'TierChangeStateMachineArn',
    what: 'the tier change state machine',
  },
  offboardingStateMachineArn: {
    flag: '--offboarding-state-machine-arn',
    env: 'TENANTCTL_OFFBOARDING_STATE_MACHINE_ARN',
    output: 'OffboardingStateMachineArn',
    what: 'the offboarding state machine',
  },
} as const satisfies Record<string, TargetSpec>;

export type TargetName = keyof typeof TARGETS;
export type Targets<K extends TargetName> = Record<K, string>;

export interface StackOutput {
  OutputKey?: string;
  OutputValue?: string;
}

export interface TargetSources {
  /** Values of the flags, by target name. */
  readonly flags: Partial<Record<TargetName, string>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stackName: string;
  /** Outputs of `stackName`, or undefined when the stack does not exist. */
  readonly describeStack: (stackName: string) => Promise<readonly StackOutput[] | undefined>;
}

const present = (value: string | undefined): value is string => value !== undefined && value !== '';

/**
 * Resolves `names` from the flags, the environment and, for what is still missing, the stack outputs.
 *
 * @throws ConfigurationError naming the flag, the environment variable and the stack output when a target cannot
 * be found anywhere.
 */
export async function resolveTargets<K extends TargetName>(
  names: readonly K[],
  sources: TargetSources,
): Promise<Targets<K>> {
  const resolved: Partial<Record<TargetName, string>> = {};
  for (const name of names) {
    const value = sources.flags[name] ?? sources.env[TARGETS[name].env];
    if (present(value)) resolved[name] = value;
  }
  const missing = names.filter((name) => resolved[name] === undefined);
  if (missing.length > 0) {
    const outputs = await sources.describeStack(sources.stackName);
    for (const name of missing) {
      const value = outputs?.find((o) => o.OutputKey === TARGETS[name].output)?.OutputValue;
      if (!present(value)) {
        const spec = TARGETS[name];
        const stack =
          outputs === undefined
            ? `stack ${sources.stackName} was not found`
            : `stack ${sources.stackName} has no output ${spec.output}`;
        throw new ConfigurationError(
          `cannot find ${spec.what}: pass ${spec.flag}, set ${spec.env}, or point --stack at the deployed workflow stack (${stack})`,
        );
      }
      resolved[name] = value;
    }
  }
  return resolved as Targets<K>;
}
