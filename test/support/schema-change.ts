/**
 * A schema change for tests: the shipped migrations plus one new file (test/fixtures/schema-change), in a folder of
 * their own, as a release that adds a migration would have them.
 *
 * @module
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_DIR } from '../../lambdas/shared/schema/bundling';
import { REPOSITORY_ROOT } from './paths';

const FIXTURES = join(REPOSITORY_ROOT, 'test', 'fixtures', 'schema-change');

/** The new migration's name (its file name without `.sql`). */
export const SCHEMA_CHANGE = '20261201000000000_project-labels';

/** A folder of migrations and the function that removes it. */
export interface MigrationsFolder {
  dir: string;
  /** Its migrations in order. */
  names: string[];
  remove(): void;
}

/** The shipped migrations, plus the new one when `withChange` (the default). */
export function migrationsFolder(withChange = true): MigrationsFolder {
  const dir = mkdtempSync(join(tmpdir(), 'tenant-migrations-'));
  const sources = [
    ...readdirSync(MIGRATIONS_DIR).map((file) => join(MIGRATIONS_DIR, file)),
    ...(withChange ? [join(FIXTURES, `${SCHEMA_CHANGE}.sql`)] : []),
  ];
  for (const source of sources) copyFileSync(source, join(dir, source.split('/').at(-1) as string));
  const names = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.slice(0, -4))
    .sort();
  return { dir, names, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
