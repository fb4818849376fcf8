/** What `local up` reports once the platform runs. */
export interface UpResult {
  readonly stateDir: string;
  readonly port: number;
  /** Whether this call started the daemon (false: it was running already). */
  readonly started: boolean;
}

export interface UpOptions {
  readonly stateDir: string;
  /** Progress and the final summary, line by line. */
  readonly out: (line: string) => void;
  /** Onboard the demo tenant when it does not exist yet. @default true */
  readonly demo?: boolean;
}

/** Starts the local platform in the background (synthesizing the app first if needed) and onboards the demo tenant. */
export async function upLocalPlatform(options: UpOptions): Promise<UpResult> {
  throw new Error(`local up is not wired yet (${options.stateDir})`);
}
