import {
  type AwsClients,
  type AwsSettings,
  type BillingClients,
  describeStackOutputs,
  type RecoveryClients,
  type RotationClients,
} from './aws';
import { assertFunctionArn, assertRegion, assertStateMachineArn, assertTableName } from './options';
import { resolveTargets, TARGETS, type TargetName, type Targets } from './targets';

/**
 * What every command receives: where to write, the environment, and factories for what touches the outside world,
 * so tests can run commands against mocks and a fake clock.
 */
export interface CliContext {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clients: (settings: AwsSettings) => AwsClients | Promise<AwsClients>;
  /** Clients of the billing commands (default: none; the entry point provides them). */
  readonly billingClients?: (settings: AwsSettings) => BillingClients | Promise<BillingClients>;
  /** Clients of `reset` (default: none; the entry point provides them). */
  readonly recoveryClients?: (settings: AwsSettings) => RecoveryClients | Promise<RecoveryClients>;
  /** Clients of `rotation enable` (default: none; the entry point provides them). */
  readonly rotationClients?: (settings: AwsSettings) => RotationClients | Promise<RotationClients>;
  readonly sleep: (ms: number) => Promise<void>;
  /** The operator's login, the default of `--requested-by`. */
  readonly username: () => string;
  /** The current time (default: the system clock). */
  readonly now?: () => Date;
  /** Whether standard output is a terminal (spinners, colours). */
  readonly isTTY?: boolean;
  /**
   * Asks the operator a question on the terminal and returns the line typed; absent when standard input is no
   * terminal (a script, a pipe), where nothing can be confirmed interactively.
   */
  readonly ask?: (question: string) => Promise<string>;
  /** Starts the command's deadline again after an answer from AWS (set by runCli). */
  readonly restartDeadline?: () => void;
  /** Calls in flight, for the deadline's message (set by runCli). */
  readonly inFlight?: AwsSettings['inFlight'];
  /** What Ctrl-C should say, set by a command once it has something running in AWS (read by the entry point). */
  readonly interrupt?: { note?: string; cleanup?: () => void };
  /** `--no-color` (default true). */
  readonly color?: boolean;
  /** `--local` (or TENANT_DB_LOCAL=1): AWS calls go to the local platform of this state directory (set by runCli). */
  readonly local?: { readonly stateDir: string };
}

/** Options shared by the commands that call AWS. */
export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly stack: string;
  readonly stateMachineArn?: string;
  readonly registryTable?: string;
  readonly rotationFunctionArn?: string;
  readonly rolloutStateMachineArn?: string;
  readonly rolloutTable?: string;
  readonly suspensionStateMachineArn?: string;
  readonly tierChangeStateMachineArn?: string;
  readonly offboardingStateMachineArn?: string;
  readonly json?: boolean;
}

/** What the clients of a command are configured from, after checking `--region` locally. */
export function awsSettings(options: Pick<AwsOptions, 'region' | 'profile'>, ctx: CliContext): AwsSettings {
  const region = options.region === undefined ? undefined : assertRegion(options.region);
  return { region, profile: options.profile, inFlight: ctx.inFlight, ...(ctx.local ? { local: ctx.local } : {}) };
}

/** The AWS clients for `options`, after checking `--region` locally. */
export async function awsClients(options: AwsOptions, ctx: CliContext): Promise<AwsClients> {
  return ctx.clients(awsSettings(options, ctx));
}

/**
 * The targets `names` for `options`, looked up in flags, environment and stack outputs. A value given by flag or
 * environment is checked before any call, naming where it came from.
 */
export function targetsFor<K extends TargetName>(
  names: readonly K[],
  options: AwsOptions,
  ctx: CliContext,
  clients: AwsClients,
): Promise<Targets<K>> {
  const given = (name: TargetName, flag: string | undefined): [string, string] | undefined =>
    flag !== undefined
      ? [flag, TARGETS[name].flag]
      : ctx.env[TARGETS[name].env]
        ? [ctx.env[TARGETS[name].env] as string, TARGETS[name].env]
        : undefined;
  const arn = given('stateMachineArn', options.stateMachineArn);
  if (arn) assertStateMachineArn(arn[0], options.region, arn[1]);
  const table = given('registryTable', options.registryTable);
  if (table) assertTableName(table[0], table[1]);
  const rotation = given('rotationFunctionArn', options.rotationFunctionArn);
  if (rotation) assertFunctionArn(rotation[0], rotation[1]);
  const rollout = given('rolloutStateMachineArn', options.rolloutStateMachineArn);
  if (rollout) assertStateMachineArn(rollout[0], options.region, rollout[1]);
  const rolloutTable = given('rolloutTable', options.rolloutTable);
  if (rolloutTable) assertTableName(rolloutTable[0], rolloutTable[1]);
  const suspension = given('suspensionStateMachineArn', options.suspensionStateMachineArn);
  if (suspension) assertStateMachineArn(suspension[0], options.region, suspension[1]);
  const tierChange = given('tierChangeStateMachineArn', options.tierChangeStateMachineArn);
  if (tierChange) assertStateMachineArn(tierChange[0], options.region, tierChange[1]);
  const offboarding = given('offboardingStateMachineArn', options.offboardingStateMachineArn);
  if (offboarding) assertStateMachineArn(offboarding[0], options.region, offboarding[1]);
  return resolveTargets(names, {
    flags: {
      stateMachineArn: options.stateMachineArn,
      registryTable: options.registryTable,
      rotationFunctionArn: options.rotationFunctionArn,
      rolloutStateMachineArn: options.rolloutStateMachineArn,
      rolloutTable: options.rolloutTable,
      suspensionStateMachineArn: options.suspensionStateMachineArn,
      tierChangeStateMachineArn: options.tierChangeStateMachineArn,
      offboardingStateMachineArn: options.offboardingStateMachineArn,
    },
    env: ctx.env,
    stackName: options.stack,
    describeStack: (name) => describeStackOutputs(clients.cloudFormation, name),
  });
}

export { writeJson } from './output';
