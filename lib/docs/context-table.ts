import type { ContextKeyDoc } from '../config';

/** The file whose context-key table is generated, relative to the repository root. */
export const CONFIGURATION_DOC = 'docs/configuration.md';
/** The command that rewrites the table. */
export const CONTEXT_TABLE_COMMAND = 'npm run docs:config';

/** Markers around the generated table; everything between them is replaced. */
export const CONTEXT_TABLE_START = `<!-- context-keys:start: generated from PLATFORM_CONTEXT_KEYS in lib/config.ts by \`${CONTEXT_TABLE_COMMAND}\`; edit there, not here -->`;
export const CONTEXT_TABLE_END = '<!-- context-keys:end -->';

const HEADER = ['Key', 'Type', 'Default', 'Meaning'] as const;

/** A table cell: one line, pipes escaped so they do not end the cell. */
function cell(text: string, key: string): string {
  if (/[\r\n]/.test(text))
    throw new Error(`context key ${key}: a table cell must be one line, got ${JSON.stringify(text)}`);
  return text.replaceAll('|', '\\|');
}

/** A default that is a value (`2`, `"tenant-db"`, `{}`) as code; one in words (`(none: ...)`) as it is. */
const asDefault = (text: string): string => (text.startsWith('(') ? text : `\`${text}\``);

/**
 * The Markdown table of context keys, one row per key in the given order, columns padded to the widest cell.
 *
 * @example
 * ```ts
 * renderContextTable(PLATFORM_CONTEXT_KEYS);
 * // | Key          | Type   | Default       | Meaning                  |
 * // | ------------ | ------ | ------------- | ------------------------ |
 * // | `platformName` | ...
 * ```
 */
export function renderContextTable(keys: readonly ContextKeyDoc[]): string {
  const rows = keys.map((k) =>
    [`\`${k.key}\``, k.type, asDefault(k.default), k.description].map((text) => cell(text, k.key)),
  );
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, 3, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((text, column) => text.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(HEADER), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/**
 * `document` with the text between {@link CONTEXT_TABLE_START} and {@link CONTEXT_TABLE_END} replaced by `table`.
 *
 * @throws {Error} when the markers are missing, repeated or out of order
 */
export function replaceContextTable(document: string, table: string): string {
  const start = document.indexOf(CONTEXT_TABLE_START);
  const end = document.indexOf(CONTEXT_TABLE_END);
  if (
    start < 0 ||
    end < start ||
    document.indexOf(CONTEXT_TABLE_START, start + 1) >= 0 ||
    document.indexOf(CONTEXT_TABLE_END, end + 1) >= 0
  ) {
    throw new Error(
      `${CONFIGURATION_DOC} must hold the context-key table between one "${CONTEXT_TABLE_START}" line and one "${CONTEXT_TABLE_END}" line, in that order`,
    );
  }
  return `${document.slice(0, start + CONTEXT_TABLE_START.length)}\n\n${table}\n\n${document.slice(end)}`;
}
