import { type AwsClients, describeStackOutputs } from './aws';
import { resolveTargets, type TargetName, type Targets } from './targets';

/**
 * What every command receives: where to write, the environment, and factories for what touches the outside world,
 * so tests can run commands against mocks and a fake clock.
 */
export interface CliContext {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clients: (region: string | undefined) => AwsClients;
  readonly sleep: (ms: number) => Promise<void>;
  /** The operator's login, the default of `--requested-by`. */
  readonly username: () => string;
}

/** Options shared by the commands that call AWS. */
export interface AwsOptions {
  readonly region?: string;
  readonly stack: string;
  readonly stateMachineArn?: string;
  readonly registryTable?: string;
  readonly json?: boolean;
}

/** The targets `names` for `options`, looked up in flags, environment and stack outputs. */
export function targetsFor<K extends TargetName>(
  names: readonly K[],
  options: AwsOptions,
  ctx: CliContext,
  clients: AwsClients,
): Promise<Targets<K>> {
  return resolveTargets(names, {
    flags: { stateMachineArn: options.stateMachineArn, registryTable: options.registryTable },
    env: ctx.env,
    stackName: options.stack,
    describeStack: (name) => describeStackOutputs(clients.cloudFormation, name),
  });
}

/** Writes `value` as indented JSON. */
export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.out(`${JSON.stringify(value, null, 2)}\n`);
}
