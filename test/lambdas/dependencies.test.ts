import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../support/paths';

/**
 * Dependencies point one way: a handler folder uses lambdas/shared and its own modules, never another handler's
 * (what two handlers share moves to lambdas/shared), and lambdas/shared never reaches into a handler folder.
 */
const LAMBDAS = join(REPOSITORY_ROOT, 'lambdas');
const IMPORT = /from '(\.{1,2}\/[^']+)'/g;

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? modules(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const imports = modules(LAMBDAS).flatMap((file) => {
  const folder = file.slice(LAMBDAS.length + 1).split('/')[0] as string;
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => {
    const target = join(file, '..', match[1] as string)
      .slice(LAMBDAS.length + 1)
      .split('/')[0] as string;
    return { file: file.slice(REPOSITORY_ROOT.length + 1), folder, target };
  });
});

describe('lambdas/ dependencies', () => {
  it('are found', () => {
    expect(imports.length).toBeGreaterThan(100);
  });

  it('go from a handler folder only to itself or to lambdas/shared', () => {
    const crossing = imports.filter(({ folder, target }) => target !== folder && target !== 'shared');
    expect(crossing).toEqual([]);
  });

  it('never go from lambdas/shared into a handler folder', () => {
    const upward = imports.filter(({ folder, target }) => folder === 'shared' && target !== 'shared');
    expect(upward).toEqual([]);
  });
});
