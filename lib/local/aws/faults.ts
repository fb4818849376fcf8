/**
 * Fault injection: make a given call fail the way AWS or Lambda can make it fail, a given number of times.
 *
 * - `throttle`: the call is refused with a throttling error before it happens (the SDK's retries exhausted).
 * - `error`: the call is refused with the given error before it happens (a permanent refusal, say).
 * - `crashAfter`: the call happens, then the Lambda process dies: the double sets `crashPending` and throws
 *   `Runtime.ExitError`, and the workflow harness reports the Task as crashed (`double.takeCrash()`).
 *
 * @example
 * ```ts
 * double.faults.add({ service: 'rds', command: 'CreateDBInstance', kind: 'crashAfter' });
 * double.faults.add({ service: 'secretsmanager', command: 'CreateSecret', kind: 'throttle', times: 3 });
 * double.faults.chaos({ throttleEvery: 7 });   // soak runs: every 7th call is throttled
 * ```
 *
 * @module
 */
import type { ServiceName } from './environment';

export type FaultKind = 'throttle' | 'error' | 'crashAfter';

export interface FaultSpec {
  service: ServiceName;
  /** The API operation name, e.g. `CreateDBInstance` (DocumentClient calls use the low-level names: `PutItem`). */
  command: string;
  kind: FaultKind;
  /** How many matching calls it affects (default 1). */
  times?: number;
  /** The error of an `error` fault. */
  error?: Error;
  /** Only calls whose input this selects are affected. */
  match?: (input: unknown) => boolean;
}

/** An injected fault and how much of it is left. */
export interface Fault {
  readonly spec: Readonly<FaultSpec>;
  remaining: number;
  fired: number;
}

export interface ChaosSpec {
  /** Every Nth matching call is throttled. */
  throttleEvery: number;
  services?: readonly ServiceName[];
  commands?: readonly string[];
}

/** What happens to a call before it reaches the service. */
export type PreCallFault = { kind: 'throttle' } | { kind: 'error'; error: Error };

export class Faults {
  private readonly faults: Fault[] = [];
  private chaosSpec: ChaosSpec | undefined;
  private chaosCalls = 0;

  add(spec: FaultSpec): Fault {
    if (spec.kind === 'error' && !spec.error) throw new Error('an error fault needs the error to throw');
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`fault times must be a positive integer (got ${times})`);
    const fault: Fault = { spec: { ...spec }, remaining: times, fired: 0 };
    this.faults.push(fault);
    return fault;
  }

  /** Throttles every Nth matching call until turned off with `chaos(undefined)`. */
  chaos(spec: ChaosSpec | undefined): void {
    if (spec && (!Number.isInteger(spec.throttleEvery) || spec.throttleEvery < 1)) {
      throw new Error('throttleEvery must be a positive integer');
    }
    this.chaosSpec = spec && { ...spec };
    this.chaosCalls = 0;
  }

  /** Faults that have not fired as often as asked: a test that injected them expects them all to fire. */
  pending(): Fault[] {
    return this.faults.filter((f) => f.remaining > 0);
  }

  clear(): void {
    this.faults.splice(0);
    this.chaos(undefined);
  }

  /** The fault, if any, that refuses this call before it happens; consumes it. */
  before(service: ServiceName, command: string, input: unknown): PreCallFault | undefined {
    const fault = this.take(service, command, input, (kind) => kind !== 'crashAfter');
    if (fault)
      return fault.spec.kind === 'error' ? { kind: 'error', error: fault.spec.error as Error } : { kind: 'throttle' };
    const chaos = this.chaosSpec;
    if (
      chaos &&
      (!chaos.services || chaos.services.includes(service)) &&
      (!chaos.commands || chaos.commands.includes(command))
    ) {
      this.chaosCalls += 1;
      if (this.chaosCalls % chaos.throttleEvery === 0) return { kind: 'throttle' };
    }
    return undefined;
  }

  /** Whether the process dies after this call's effect; consumes the fault. */
  crashAfter(service: ServiceName, command: string, input: unknown): boolean {
    return this.take(service, command, input, (kind) => kind === 'crashAfter') !== undefined;
  }

  private take(
    service: ServiceName,
    command: string,
    input: unknown,
    kinds: (kind: FaultKind) => boolean,
  ): Fault | undefined {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        kinds(f.spec.kind) &&
        f.spec.service === service &&
        f.spec.command === command &&
        (!f.spec.match || f.spec.match(input)),
    );
    if (fault) {
      fault.remaining -= 1;
      fault.fired += 1;
    }
    return fault;
  }
}
