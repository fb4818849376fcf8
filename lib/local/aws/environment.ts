import { PlatformExpectationError } from './errors';
import type { Ids } from './ids';
import type { VirtualClock } from './virtual-clock';

/** The services the double answers, as named in fault specs and the call log. */
export type ServiceName =
  | 'rds'
  | 'secretsmanager'
  | 'cloudwatch'
  | 'dynamodb'
  | 'eventbridge'
  | 'sns'
  | 'kms'
  | 'logs'
  | 's3'
  | 'scheduler';

/** Where a call was made: the Region comes from the calling client's configuration. */
export interface CallContext {
  readonly service: ServiceName;
  readonly command: string;
  readonly region: string;
  /** The calling client's resolved configuration (the DocumentClient's `translateConfig` lives there). */
  readonly clientConfig: Readonly<Record<string, unknown>>;
}

/** What every service double shares: time, identity, id source, and the record of secret values and violations. */
export interface DoubleEnvironment {
  readonly clock: VirtualClock;
  readonly account: string;
  /** Region of clients created without one (AWS_REGION). */
  readonly region: string;
  readonly ids: Ids;
  /** Every secret value generated or stored, for the secret-scan tests. */
  readonly secretValues: Set<string>;
  /** Messages of the platform expectations requests broke. */
  readonly violations: string[];
}

/** Records a broken platform expectation and throws it. */
export function breakExpectation(env: DoubleEnvironment, message: string): never {
  env.violations.push(message);
  throw new PlatformExpectationError(message);
}

/** One command the double answers: the SDK command class it matches by `instanceof`, and its implementation. */
export interface Route {
  readonly command: abstract new (...args: never[]) => object;
  readonly name: string;
  run(input: unknown, context: CallContext): unknown;
}

/**
 * Binds an SDK command class to its implementation; the input type comes from the command class.
 *
 * @example
 * ```ts
 * route(DescribeDBInstancesCommand, (input, ctx) => this.describeDBInstances(input, ctx))
 * ```
 */
export function route<I>(
  command: abstract new (...args: never[]) => { readonly input: I },
  run: (input: I, context: CallContext) => unknown,
  name = command.name.replace(/Command$/, ''),
): Route {
  return {
    command,
    name,
    run: (input, context) => run((input ?? {}) as I, context),
  };
}

/** SDK outputs without the `$metadata` the dispatcher adds. */
export type Out<T> = Omit<T, '$metadata'>;
