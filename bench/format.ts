/** How a column's cells line up: text to the left, numbers to the right so their digits align. */
type Align = 'left' | 'right';

export interface Column {
  readonly header: string;
  /** @default 'right' */
  readonly align?: Align;
}

/** The machine a benchmark ran on, for the report header. */
export interface MachineInfo {
  /** e.g. `linux 6.8.0 x64` */
  readonly os: string;
  readonly cpu: string;
  readonly cores: number;
  /** e.g. `v22.11.0` */
  readonly node: string;
}

const GAP = '  ';

function pad(cell: string, width: number, align: Align): string {
  return align === 'left' ? cell.padEnd(width) : cell.padStart(width);
}

/**
 * A plain-text table: a header row, a dashed rule, then one line per row, columns separated by two spaces and
 * padded to their widest cell. Trailing blanks are trimmed so the output pastes cleanly into Markdown code blocks.
 *
 * @throws {RangeError} when a row does not have one cell per column
 * @example
 * ```ts
 * renderTable([{ header: 'handler', align: 'left' }, { header: 'KiB' }], [['mark-active', '172.1']]);
 * // handler        KiB
 * // -----------  -----
 * // mark-active  172.1
 * ```
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new RangeError(`row [${row.join(', ')}] has ${row.length} cells for ${columns.length} columns`);
    }
  }
  const widths = columns.map((column, i) => Math.max(column.header.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => pad(cell, widths[i] as number, columns[i]?.align ?? 'right'))
      .join(GAP)
      .trimEnd();
  return [
    line(columns.map((column) => column.header)),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
  ].join('\n');
}

/** A titled block: the title underlined, the table, then any notes explaining its figures. */
export function renderSection(title: string, table: string, notes: readonly string[] = []): string {
  return [title, '='.repeat(title.length), table, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

/** The report's first lines: when (UTC, to the minute) and on what. */
export function renderHeader(date: Date, machine: MachineInfo): string {
  const when = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return [
    `Benchmark ${when}`,
    `Machine: ${machine.os}, ${machine.cpu} (${machine.cores} cores), Node ${machine.node}`,
  ].join('\n');
}

/** A byte count in KiB with one decimal. */
export function formatKiB(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

/** A duration in whole milliseconds. */
export function formatMs(ms: number): string {
  return Math.round(ms).toString();
}

/**
 * A ratio with a `×`: two decimals, or two significant digits below 0.1 so a small ratio does not read as zero;
 * `–` when there is none (see `ratio` in stats.ts).
 */
export function formatRatio(value: number | undefined): string {
  if (value === undefined) return '–';
  return `${value !== 0 && Math.abs(value) < 0.1 ? value.toPrecision(2) : value.toFixed(2)}×`;
}

/**
 * US dollars with three significant digits and at least two decimals: per-tenant workflow costs are fractions of
 * a cent, where a fixed number of decimals would show `$0.00`.
 *
 * @example
 * ```ts
 * formatUsd(0.0025125); // '$0.00251'
 * formatUsd(12.5); // '$12.50'
 * ```
 */
export function formatUsd(value: number): string {
  if (value === 0) return '$0.00';
  const decimals = Math.max(2, 2 - Math.floor(Math.log10(Math.abs(value))));
  return `$${value.toFixed(decimals)}`;
}
