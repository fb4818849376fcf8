import { join } from 'node:path';

/** The repository root, for tests that read files (docs, fixtures) or run the project's own binaries. */
export const REPOSITORY_ROOT = join(__dirname, '..', '..');
