import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ContextKeyDoc, PLATFORM_CONTEXT_KEYS } from '../../../lib/config';
import { PLATFORM_CONTEXT_KEY_NAMES } from '../../../lib/context-keys';
import {
  CONFIGURATION_DOC,
  CONTEXT_TABLE_COMMAND,
  CONTEXT_TABLE_END,
  CONTEXT_TABLE_START,
  renderContextTable,
  replaceContextTable,
} from '../../../lib/docs/context-table';
import { REPOSITORY_ROOT } from '../../support/paths';

const row = (overrides: Partial<ContextKeyDoc> = {}): ContextKeyDoc => ({
  key: 'maxAzs',
  type: 'integer',
  default: '2',
  description: 'Availability Zones.',
  ...overrides,
});

describe('the context-key table of docs/configuration.md', () => {
  it(`is the one rendered from PLATFORM_CONTEXT_KEYS (run \`${CONTEXT_TABLE_COMMAND}\` when this fails)`, () => {
    // Prepare
    const committed = readFileSync(join(REPOSITORY_ROOT, CONFIGURATION_DOC), 'utf8');

    // Act
    const rendered = replaceContextTable(committed, renderContextTable(PLATFORM_CONTEXT_KEYS));

    // Assess
    if (committed !== rendered) {
      throw new Error(
        `${CONFIGURATION_DOC}: the context-key table differs from PLATFORM_CONTEXT_KEYS in lib/config.ts. Run \`${CONTEXT_TABLE_COMMAND}\` and commit the result.`,
      );
    }
  });

  it('has one row per context key the platform reads, in their order', () => {
    // Act
    const table = renderContextTable(PLATFORM_CONTEXT_KEYS);

    // Assess
    const keys = table
      .split('\n')
      .slice(2)
      .map((line) => /^\| `([^`]+)`/.exec(line)?.[1]);
    expect(keys).toEqual([...PLATFORM_CONTEXT_KEY_NAMES]);
  });

  it('gives every key a type, a default and a meaning', () => {
    // Act / Assess
    for (const key of PLATFORM_CONTEXT_KEYS) {
      expect([key.key, key.type.trim(), key.default.trim(), key.description.trim()]).not.toContain('');
    }
  });
});

describe('renderContextTable', () => {
  it('pads the columns to the widest cell and shows value defaults as code', () => {
    // Act
    const table = renderContextTable([row(), row({ key: 'vpcId', type: 'string', default: '(none)' })]);

    // Assess
    expect(table).toBe(
      [
        '| Key      | Type    | Default | Meaning             |',
        '| -------- | ------- | ------- | ------------------- |',
        '| `maxAzs` | integer | `2`     | Availability Zones. |',
        '| `vpcId`  | string  | (none)  | Availability Zones. |',
      ].join('\n'),
    );
  });

  it('escapes pipes, which would end the cell', () => {
    // Act
    const table = renderContextTable([row({ description: 'pipes a | b' })]);

    // Assess
    expect(table).toContain('| pipes a \\| b |');
  });

  it('refuses a cell of more than one line, naming the key', () => {
    // Act / Assess
    expect(() => renderContextTable([row({ description: 'one\ntwo' })])).toThrow('context key maxAzs');
  });
});

describe('replaceContextTable', () => {
  const doc = (table: string) => `# Title\n\n${CONTEXT_TABLE_START}\n\n${table}\n\n${CONTEXT_TABLE_END}\n\nAfter.\n`;

  it('replaces only what lies between the markers, and again gives the same text', () => {
    // Act
    const once = replaceContextTable(doc('| old |'), '| new |');

    // Assess
    expect(once).toBe(doc('| new |'));
    expect(replaceContextTable(once, '| new |')).toBe(once);
  });

  it.each([
    ['no markers', '# Title\n'],
    ['the end before the start', `${CONTEXT_TABLE_END}\n${CONTEXT_TABLE_START}\n`],
    ['a second table', `${doc('| a |')}${doc('| b |')}`],
  ])('refuses a document with %s', (_name, text) => {
    // Act / Assess
    expect(() => replaceContextTable(text, '| t |')).toThrow(CONFIGURATION_DOC);
  });
});
