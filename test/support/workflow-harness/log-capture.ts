import { format } from 'node:util';

/**
 * Records every line the code under test writes while a run executes: `console.*` calls (Powertools logs through
 * the global console when POWERTOOLS_DEV is set, as in the tests) and writes to `process.stdout`/`stderr` (its
 * JSON logs and metrics otherwise). Plain monkey-patching with restore, no test framework, so the benchmark can use
 * it. Overlapping captures (two runs started together) share one tap; each sees every line written meanwhile.
 */

export interface LogCapture {
  /** Lines written since the capture started. */
  readonly lines: string[];
  /** Stops recording; the tap is removed when the last capture stops. */
  stop(): void;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

interface Subscriber {
  lines: string[];
  echo: boolean;
}

const subscribers = new Set<Subscriber>();
let removeTap: (() => void) | undefined;

function installTap(): () => void {
  const originalConsole = CONSOLE_METHODS.map((method) => [method, console[method]] as const);
  const streams = [process.stdout, process.stderr] as const;
  const originalWrites = streams.map((stream) => stream.write);
  let inConsole = false;
  const echoing = () => [...subscribers].some((s) => s.echo);
  const record = (line: string) => {
    for (const subscriber of subscribers) subscriber.lines.push(line);
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
  const subscriber: Subscriber = { lines: [], echo };
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
