import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallRecord } from '../../../lib/local/aws';

/**
 * What belongs to one workflow execution while several run at once in this process: the pending-crash flag of its
 * Lambda invocations, the extra environment it runs with, and the AWS calls it made. The harness runs every
 * execution inside its scope (an AsyncLocalStorage), so handlers, the AWS double's calls and the callbacks those
 * calls schedule (an instance's lifecycle, the RDS event) all find the scope of the execution they belong to.
 */
export interface ExecutionScope {
  readonly executionName: string;
  /** Set when a `crashAfter` fault fired during this execution (see AwsDouble.takeCrash). */
  crashPending: boolean;
  /** Variables this execution sees in `process.env`, over the process's own. */
  readonly environment: Readonly<Record<string, string>>;
  /** The AWS calls this execution made, as the double logs them (outcome included). */
  readonly calls: CallRecord[];
}

const scopes = new AsyncLocalStorage<ExecutionScope>();

/** The scope of the execution the calling code belongs to, if any. */
export function currentExecution(): ExecutionScope | undefined {
  return scopes.getStore();
}

/** Runs `work` (and everything it starts) in `scope`. */
export function runInExecution<T>(scope: ExecutionScope, work: () => T): T {
  return scopes.run(scope, work);
}

let environmentUsers = 0;
let processEnvironment: NodeJS.ProcessEnv | undefined;

/** `process.env` as each execution sees it: its own variables first, then the process's. */
const scopedEnvironment: ProxyHandler<NodeJS.ProcessEnv> = {
  get(target, name, receiver) {
    const own = typeof name === 'string' ? scopes.getStore()?.environment : undefined;
    return own && Object.hasOwn(own, name) ? own[name as string] : Reflect.get(target, name, receiver);
  },
  has(target, name) {
    const own = typeof name === 'string' ? scopes.getStore()?.environment : undefined;
    return (own !== undefined && Object.hasOwn(own, name)) || Reflect.has(target, name);
  },
  ownKeys(target) {
    const own = Object.keys(scopes.getStore()?.environment ?? {});
    return [...new Set([...Reflect.ownKeys(target), ...own])];
  },
  getOwnPropertyDescriptor(target, name) {
    const own = typeof name === 'string' ? scopes.getStore()?.environment : undefined;
    if (own && Object.hasOwn(own, name)) {
      return { value: own[name as string], writable: true, enumerable: true, configurable: true };
    }
    return Reflect.getOwnPropertyDescriptor(target, name);
  },
};

/**
 * Makes `process.env` answer each execution with its scope's `environment` first, until the returned function has
 * been called as often as this one. Writes still go to the process's environment.
 */
export function useScopedEnvironment(): () => void {
  if (environmentUsers === 0) {
    processEnvironment = process.env;
    process.env = new Proxy(processEnvironment, scopedEnvironment);
  }
  environmentUsers += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    environmentUsers -= 1;
    if (environmentUsers === 0 && processEnvironment) {
      process.env = processEnvironment;
      processEnvironment = undefined;
    }
  };
}
