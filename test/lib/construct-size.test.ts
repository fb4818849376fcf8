import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPOSITORY_ROOT } from '../support/paths';

/**
 * Adding a workflow is a new folder of step records and a graph, not a longer constructor: a file that defines
 * constructs stays small enough to read in one sitting.
 */
const MAX_LINES = 300;
const LIB = join(REPOSITORY_ROOT, 'lib');
const DEFINES_CONSTRUCTS =
  /extends (Construct|Stack)\b|\bnew \w+\.(StateMachine|Function|NodejsFunction)\(|\baddHandler\(/;

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? typescriptFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

const constructFiles = typescriptFiles(LIB)
  .filter((file) => DEFINES_CONSTRUCTS.test(readFileSync(file, 'utf8')))
  .map((file) => [relative(LIB, file), readFileSync(file, 'utf8').split('\n').length] as const);

describe('construct files', () => {
  it('are found', () => {
    expect(constructFiles.map(([file]) => file)).toEqual(
      expect.arrayContaining(['workflow/workflow-stack.ts', 'workflow/handler-function.ts']),
    );
  });

  it.each(constructFiles)(`lib/%s has at most ${MAX_LINES} lines`, (_file, lines) => {
    expect(lines).toBeLessThanOrEqual(MAX_LINES);
  });
});
