import {
  type Column,
  formatKiB,
  formatMs,
  formatRatio,
  formatUsd,
  renderHeader,
  renderSection,
  renderTable,
} from '../../bench/format';

describe('renderTable', () => {
  const columns: Column[] = [{ header: 'handler', align: 'left' }, { header: 'KiB' }, { header: 'ratio' }];

  it('pads text to the left and numbers to the right, under a rule as wide as each column', () => {
    // Prepare
    const rows = [
      ['mark-active', '172.1', '4.20×'],
      ['run-migrations', '9.0', '12.01×'],
    ];

    // Act
    const table = renderTable(columns, rows);

    // Assess
    expect(table.split('\n')).toEqual([
      'handler           KiB   ratio',
      '--------------  -----  ------',
      'mark-active     172.1   4.20×',
      'run-migrations    9.0  12.01×',
    ]);
  });

  it('sizes columns by their header when every cell is shorter, and trims trailing blanks', () => {
    // Prepare
    const leftLast: Column[] = [{ header: 'n' }, { header: 'definition', align: 'left' }];

    // Act
    const table = renderTable(leftLast, [['1', 'naive']]);

    // Assess
    expect(table.split('\n')).toEqual(['n  definition', '-  ----------', '1  naive']);
  });

  it('renders only the header and rule when there are no rows', () => {
    // Act
    const table = renderTable(columns, []);

    // Assess
    expect(table.split('\n')).toHaveLength(2);
  });

  it.each([
    ['too few', ['a', 'b']],
    ['too many', ['a', 'b', 'c', 'd']],
  ])('rejects a row with %s cells', (_label, row) => {
    // Act / Assess
    expect(() => renderTable(columns, [row])).toThrow(RangeError);
  });
});

describe('renderSection and renderHeader', () => {
  it('underlines the title and separates notes from the table by a blank line', () => {
    // Act
    const section = renderSection('Bundles', 'T', ['ratio: to a bare node start']);

    // Assess
    expect(section).toBe('Bundles\n=======\nT\n\nratio: to a bare node start');
  });

  it('adds nothing after the table when there are no notes', () => {
    // Act / Assess
    expect(renderSection('Synth', 'T')).toBe('Synth\n=====\nT');
  });

  it('states the UTC date to the minute and the machine', () => {
    // Prepare
    const machine = { os: 'linux 6.8.0 x64', cpu: 'AMD EPYC', cores: 2, node: 'v20.20.2' };

    // Act
    const header = renderHeader(new Date('2026-11-26T18:05:59.999Z'), machine);

    // Assess
    expect(header).toBe('Benchmark 2026-11-26 18:05 UTC\nMachine: linux 6.8.0 x64, AMD EPYC (2 cores), Node v20.20.2');
  });
});

describe('number formats', () => {
  it.each([
    [0.0025125, '$0.00251'],
    [0.000123456, '$0.000123'],
    [0.05, '$0.0500'],
    [1.234, '$1.23'],
    [12.5, '$12.50'],
    [0, '$0.00'],
  ])('formatUsd(%p) is %p', (value, expected) => {
    // Act / Assess
    expect(formatUsd(value)).toBe(expected);
  });

  it.each([
    [4.2, '4.20×'],
    [0.1, '0.10×'],
    [0.0036, '0.0036×'],
    [0, '0.00×'],
    [undefined, '–'],
  ])('formatRatio(%p) is %p', (value, expected) => {
    // Act / Assess
    expect(formatRatio(value)).toBe(expected);
  });

  it.each([
    [176_405, '172.3'],
    [0, '0.0'],
  ])('formatKiB(%p) is %p', (bytes, expected) => {
    // Act / Assess
    expect(formatKiB(bytes)).toBe(expected);
  });

  it.each([
    [41.5, '42'],
    [41.49, '41'],
  ])('formatMs(%p) is %p', (ms, expected) => {
    // Act / Assess
    expect(formatMs(ms)).toBe(expected);
  });
});
