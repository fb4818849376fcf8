/**
 * The secret scan: everything a run exposes (state inputs and outputs, the execution's event history, its result,
 * the EventBridge events and SNS messages it published, every log line) searched for known secret values.
 *
 * @module
 */
import type { WorkflowRun } from './run';

/** One place a secret was found. The secret itself is never repeated: a failing test must not print it. */
export interface Leak {
  execution: string;
  /** e.g. `log line 12`, `state data 4`, `published event 0`. */
  where: string;
  /** Index of the secret in the list searched for. */
  secretIndex: number;
}

/** The texts of a run, each with where it comes from. */
function exposedTexts(run: WorkflowRun): { where: string; text: string }[] {
  const json = (value: unknown) => JSON.stringify(value) ?? '';
  return [
    ...run.stateData.map((data, i) => ({ where: `state data ${i}`, text: json(data) })),
    ...run.events.map((event, i) => ({ where: `execution event ${i} (${event.type})`, text: json(event) })),
    { where: 'execution output', text: json(run.output) },
    { where: 'execution error', text: json(run.error) },
    ...run.publishedEvents.map((event, i) => ({ where: `published event ${i}`, text: json(event) })),
    ...run.snsMessages.map((message, i) => ({ where: `SNS message ${i}`, text: json(message) })),
    ...run.logLines.map((line, i) => ({ where: `log line ${i}`, text: line })),
  ];
}

/**
 * Every place in `runs` where one of `secrets` appears.
 *
 * @example
 * ```ts
 * expect(findLeaks(runs, [...double.allSecretValues(), ...database.passwords])).toEqual([]);
 * ```
 */
export function findLeaks(runs: readonly WorkflowRun[], secrets: readonly string[]): Leak[] {
  const searched = secrets.map((secret, index) => ({ secret, index })).filter(({ secret }) => secret.length > 0);
  return runs.flatMap((run) =>
    exposedTexts(run).flatMap(({ where, text }) =>
      searched
        .filter(({ secret }) => text.includes(secret))
        .map(({ index }) => ({ execution: run.executionName, where, secretIndex: index })),
    ),
  );
}
