/**
 * Records every line the handlers write while a run executes: `console.*` calls (Powertools logs through
 * the global console when POWERTOOLS_DEV is set, as in the tests) and writes to `process.stdout`/`stderr` (its
 * JSON logs and metrics otherwise). Plain monkey-patching with restore, no test framework: the test harness, the benchmark and the local
 * platform use it. Overlapping captures share one tap. A plain capture sees every line written meanwhile; a scoped capture (see
 * {@link captureScopedLogs}) sees only the lines written inside its `run`, so concurrent workflow executions each
 * keep their own lines; with a `sink` the lines go there instead of a list (the local platform's log file). A line
 * no capture receives (the process's own output) goes through.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

export interface LogCapture {
  /** Lines written since the capture started. */
  readonly lines: string[];
  /** Stops recording; the tap is removed when the last capture stops. */
  stop(): void;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** A capture that records only what code inside its `run` writes. */
export interface ScopedLogCapture extends LogCapture {
  /** Runs `work`; the lines it (and everything it starts) writes are recorded by this capture. */
  run<T>(work: () => T): T;
}

interface Subscriber {
  lines: string[];
  sink?: (line: string) => void;
  echo: boolean;
  scoped: boolean;
}

const subscribers = new Set<Subscriber>();
const scopes = new AsyncLocalStorage<Subscriber>();
let removeTap: (() => void) | undefined;

/** The captures a line written now belongs to: every plain capture, and the scoped one whose `run` wrote it. */
function receivers(): Subscriber[] {
  const scope = scopes.getStore();
  return [...subscribers].filter((s) => !s.scoped || s === scope);
}

function installTap(): () => void {
  const originalConsole = CONSOLE_METHODS.map((method) => [method, console[method]] as const);
  const streams = [process.stdout, process.stderr] as const;
  const originalWrites = streams.map((stream) => stream.write);
  let inConsole = false;
  // Nobody's line (no capture receives it) is let through.
  const echoing = () => {
    const current = receivers();
    return current.length === 0 || current.some((s) => s.echo);
  };
  const record = (line: string) => {
    for (const subscriber of receivers()) {
      if (subscriber.sink) subscriber.sink(line);
      else subscriber.lines.push(line);
    }
  };

  for (const [method, original] of originalConsole) {
    console[method] = (...args: unknown[]) => {
      record(format(...args));
      if (!echoing()) return;
      // The original console may write to a patched stream: that line is already recorded.
      inConsole = true;
      try {
        original.apply(console, args);
      } finally {
        inConsole = false;
      }
    };
  }
  streams.forEach((stream, index) => {
    const original = originalWrites[index] as typeof stream.write;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (!inConsole) record(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      if (!echoing() && !inConsole) {
        const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
        callback?.();
        return true;
      }
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  });

  return () => {
    for (const [method, original] of originalConsole) console[method] = original;
    streams.forEach((stream, index) => {
      stream.write = originalWrites[index] as typeof stream.write;
    });
  };
}

/**
 * Starts recording output.
 *
 * @param echo - also let the lines through (debugging); by default they are recorded only, which keeps test and
 *   benchmark output readable.
 *
 * @example
 * ```ts
 * const capture = captureLogs();
 * try { await handler(event); } finally { capture.stop(); }
 * capture.lines.some((line) => line.includes('step finished'));
 * ```
 */
export function captureLogs(echo = false): LogCapture {
  return subscribe({ lines: [], echo, scoped: false });
}

/**
 * Starts recording the output of the code run through the capture's `run` only: one workflow execution's lines,
 * while others write theirs at the same time.
 *
 * @param sink - where each line goes (instead of `lines`)
 *
 * @example
 * ```ts
 * const capture = captureScopedLogs();
 * try { await capture.run(() => handler(event)); } finally { capture.stop(); }
 * ```
 */
export function captureScopedLogs(echo = false, sink?: (line: string) => void): ScopedLogCapture {
  const subscriber: Subscriber = { lines: [], sink, echo, scoped: true };
  return { ...subscribe(subscriber), run: (work) => scopes.run(subscriber, work) };
}

function subscribe(subscriber: Subscriber): LogCapture {
  subscribers.add(subscriber);
  removeTap ??= installTap();
  return {
    lines: subscriber.lines,
    stop: () => {
      subscribers.delete(subscriber);
      if (subscribers.size === 0 && removeTap) {
        removeTap();
        removeTap = undefined;
      }
    },
  };
}
