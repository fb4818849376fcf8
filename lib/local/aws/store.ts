/**
 * The AWS double's state in a file, so the local platform finds every tenant again after `local down` and `up`.
 *
 * The file holds secret values (the tenants' master passwords, application secrets): it is written with mode 0600,
 * and its folder, when this module creates it, with mode 0700. A save writes a temporary file beside it and renames
 * it over the old one, so a crash mid-save leaves the previous state whole.
 *
 * @module
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AwsDouble } from './double';
import { PERSISTED_STATE_VERSION, type PersistedAwsState } from './persisted';

/** A saved state that cannot be loaded: the message names the file and what is wrong with it. */
export class DoubleStateFileError extends Error {
  override readonly name = 'DoubleStateFileError';
}

/**
 * One file holding an {@link AwsDouble}'s exported state.
 *
 * @example
 * ```ts
 * const store = new DoubleStateFile(join(stateDir, 'aws-state.json'));
 * const double = new AwsDouble({ clock, dynamodbPath: join(stateDir, 'dynamodb') });
 * store.load(double); // false on the first start
 * // ... on shutdown
 * store.save(double);
 * await double.close();
 * ```
 */
export class DoubleStateFile {
  constructor(readonly file: string) {}

  /**
   * Loads the saved state into `double` (a fresh one). Returns false when there is no file yet; throws a
   * {@link DoubleStateFileError} naming the file when it cannot be read, is not JSON, or was written in another
   * version.
   */
  load(double: AwsDouble): boolean {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new DoubleStateFileError(
        `cannot read the local platform's AWS state ${this.file}: ${(error as Error).message}`,
      );
    }
    let state: unknown;
    try {
      state = JSON.parse(text);
    } catch (error) {
      throw new DoubleStateFileError(
        `the local platform's AWS state ${this.file} is not valid JSON (${(error as Error).message}); move it away to start afresh`,
      );
    }
    const version = (state as { version?: unknown } | null)?.version;
    if (version !== PERSISTED_STATE_VERSION) {
      throw new DoubleStateFileError(
        `the local platform's AWS state ${this.file} has version ${JSON.stringify(version)}; this release reads version ${PERSISTED_STATE_VERSION}`,
      );
    }
    try {
      double.importState(state as PersistedAwsState);
    } catch (error) {
      throw new DoubleStateFileError(
        `cannot load the local platform's AWS state ${this.file}: ${(error as Error).message}`,
      );
    }
    return true;
  }

  /** Writes `double`'s state: to a temporary file (mode 0600) first, then renamed over the file. */
  save(double: AwsDouble): void {
    const folder = dirname(this.file);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(double.exportState())}\n`, { mode: 0o600, flush: true });
      // The mode of writeFileSync applies only to a file it creates: a leftover temporary file keeps its own.
      chmodSync(temporary, 0o600);
      renameSync(temporary, this.file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }
}
