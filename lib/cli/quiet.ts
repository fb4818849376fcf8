/**
 * tenantctl's output is for people and scripts: no warnings from Node or the AWS SDK above it.
 *
 * The AWS SDK warns once per process, through `process.emitWarning`, that its releases after early January 2027
 * require Node 22 (it names the warning NodeVersionSupportWarning). The SDK's own opt-out is the variable
 * `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true`, read when a client is created; tenantctl sets it for its
 * own process only. The README states the supported Node versions instead.
 */
export const SDK_NODE_WARNING_OPT_OUT = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** Warnings tenantctl drops, by the name the emitter gives them (or the start of their message). */
const SILENCED_WARNINGS: readonly string[] = ['NodeVersionSupportWarning'];

interface WarningProcess {
  env: Record<string, string | undefined>;
  emitWarning: (warning: string | Error, ...rest: never[]) => void;
}

/** Whether `warning` (a message or an Error) is one tenantctl drops. */
export function isSilenced(warning: string | Error): boolean {
  const text = typeof warning === 'string' ? warning : `${warning.name}: ${warning.message}`;
  return SILENCED_WARNINGS.some((name) => text.startsWith(name) || text.startsWith(`Warning: ${name}`));
}

/** Opts out of the SDK's Node version warning and filters it should it arrive anyway; other warnings pass. */
export function quietWarnings(target: WarningProcess): void {
  target.env[SDK_NODE_WARNING_OPT_OUT] ??= 'true';
  const emit = target.emitWarning.bind(target);
  target.emitWarning = (warning, ...rest) => {
    if (!isSilenced(warning)) emit(warning, ...rest);
  };
}
