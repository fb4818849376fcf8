/**
 * What a person sees while tenantctl follows an operation: each completed step as a line, and below it what is
 * happening now (the step, the RDS status, the elapsed time) with a heartbeat. On a terminal the heartbeat is a
 * spinner (nanospinner) redrawn in place; otherwise, for logs and pipes, a plain line whenever the state changes
 * and at least every {@link HEARTBEAT_SECONDS} seconds. Colours only on a terminal, never with NO_COLOR or
 * --no-color.
 *
 * @module
 */
import { createSpinner } from 'nanospinner';
import { createColors } from 'picocolors';
import { clock, type StepOutcome, stepLine } from './progress';

/** The state of the operation at the last poll. */
export interface WaitState {
  readonly step?: string;
  readonly rdsStatus?: string;
  readonly elapsedSeconds: number;
}

export interface WaitView {
  /** A step has completed. */
  step(outcome: StepOutcome): void;
  /** The state after a poll (and, on a terminal, every second for the clock). */
  state(state: WaitState): void;
  /** The operation ended or the command stops: leaves the terminal as it found it. */
  stop(): void;
}

/** A plain status line is printed at least this often while nothing changes. */
const HEARTBEAT_SECONDS = 60;

/** `WaitForInstance · RDS creating · 12:30 elapsed`. */
export function stateText(state: WaitState): string {
  return [
    state.step ?? 'starting',
    state.rdsStatus === undefined ? undefined : `RDS ${state.rdsStatus}`,
    `${clock(state.elapsedSeconds)} elapsed`,
  ]
    .filter((part) => part !== undefined)
    .join(' · ');
}

/** Whether colours are on: a terminal, no NO_COLOR, no --no-color. */
export function colorsEnabled(isTTY: boolean, env: Readonly<Record<string, string | undefined>>, flag: boolean) {
  return isTTY && flag && !env.NO_COLOR;
}

/** Plain lines: a status line on every change of step or RDS status, and a heartbeat while nothing changes. */
export function lineView(out: (text: string) => void): WaitView {
  let last: WaitState | undefined;
  return {
    step: (outcome) => out(`${stepLine(outcome)}\n`),
    state: (state) => {
      const changed = last === undefined || state.step !== last.step || state.rdsStatus !== last.rdsStatus;
      if (!changed && state.elapsedSeconds - (last?.elapsedSeconds ?? 0) < HEARTBEAT_SECONDS) return;
      last = state;
      out(`… ${stateText(state)}\n`);
    },
    stop: () => {},
  };
}

/** A spinner on the terminal `stream`, completed steps printed above it. */
export function spinnerView(stream: NodeJS.WriteStream, colors: boolean): WaitView {
  const c = createColors(colors);
  const spinner = createSpinner('starting', { stream, color: colors ? 'cyan' : undefined });
  let started = false;
  const mark = (outcome: StepOutcome): string => {
    const line = stepLine(outcome);
    return outcome.status === 'succeeded' ? `${c.green(line.slice(0, 1))}${line.slice(1)}` : c.red(line);
  };
  return {
    step: (outcome) => {
      if (started) spinner.clear();
      stream.write(`${mark(outcome)}\n`);
      if (started) spinner.render();
    },
    state: (state) => {
      spinner.update({ text: c.dim(stateText(state)) });
      if (!started) {
        started = true;
        spinner.start();
      }
    },
    stop: () => {
      if (!started) return;
      started = false;
      spinner.clear();
      spinner.reset();
      // Show the cursor again (the spinner hides it while it spins).
      stream.write('\x1b[?25h');
    },
  };
}
