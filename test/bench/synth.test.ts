import { parseBundling } from '../../bench/synth';

describe('parseBundling', () => {
  it.each([
    [
      'two assets in milliseconds, other CLI lines ignored',
      [
        'Bundling asset tenant-db-workflow/ClaimTenantFunction/Code/Stage...',
        '',
        '  ...building/index.js      169.1kb',
        '',
        '⚡ Done in 143ms',
        'Bundling asset tenant-db-workflow/MarkActiveFunction/Code/Stage...',
        '⚡ Done in 57ms',
        'Successfully synthesized to /tmp/out',
      ],
      { assets: 2, esbuildMs: 200 },
    ],
    [
      'a slow asset reported in seconds',
      ['Bundling asset a/Fn/Code/Stage...', '⚡ Done in 1.5s'],
      { assets: 1, esbuildMs: 1500 },
    ],
    ['a synth without functions', ['Successfully synthesized to /tmp/out'], { assets: 0, esbuildMs: 0 }],
  ])('reads %s', (_label, lines, expected) => {
    // Act
    const report = parseBundling(lines.join('\n'));

    // Assess
    expect(report).toEqual(expected);
  });

  it('counts only lines that start with the bundling notice', () => {
    // Prepare
    const output = 'warning: Bundling asset is slow\nBundling asset a/Fn/Code/Stage...';

    // Act / Assess
    expect(parseBundling(output).assets).toBe(1);
  });
});
