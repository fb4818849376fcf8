import {
  escapeUnprintable,
  findPrototypeKey,
  isPrototypeKey,
  MAX_QUOTED_LENGTH,
  nullPrototypeRecord,
  quoteRejected,
} from '../../../lambdas/shared/untrusted';

/** Code points of `text` (what the quote is bounded by), not UTF-16 units. */
const codePoints = (text: string): number => [...text].length;

/** Unprintable code points (control, format, surrogates, private use, unassigned): none may survive escaping. */
const UNPRINTABLE = /\p{C}/u;

describe('escapeUnprintable', () => {
  it.each<[string, string, string]>([
    ['plain text', 'acme-corp', 'acme-corp'],
    ['a line feed', 'a\nb', 'a\\u{a}b'],
    ['an escape sequence (terminal colours)', '\u001b[31mred', '\\u{1b}[31mred'],
    ['a C1 control', 'a\u0085b', 'a\\u{85}b'],
    ['a right-to-left override', 'acme\u202etxt.exe', 'acme\\u{202e}txt.exe'],
    ['a zero-width space', 'ac\u200bme', 'ac\\u{200b}me'],
    ['a lone surrogate', 'a\ud800b', 'a\\u{d800}b'],
    ['letters and emoji of any script', 'Zoë 🚀 東京', 'Zoë 🚀 東京'],
  ])('writes %s so it shows instead of acting', (_case, text, expected) => {
    // Act
    const escaped = escapeUnprintable(text);

    // Assess
    expect(escaped).toBe(expected);
    expect(escaped).not.toMatch(UNPRINTABLE);
  });
});

describe('quoteRejected', () => {
  it.each<[string, unknown, string]>([
    ['a short string', 'gold', '"gold"'],
    ['a number', 42, '42'],
    ['null', null, 'null'],
    ['a small object', { tier: 'pro' }, '{"tier":"pro"}'],
    ['undefined', undefined, 'undefined'],
    ['a BigInt, which JSON cannot hold', 10n, '(bigint)'],
    ['a string of exactly the limit', 'x'.repeat(MAX_QUOTED_LENGTH - 2), `"${'x'.repeat(MAX_QUOTED_LENGTH - 2)}"`],
  ])('quotes %s whole', (_case, value, expected) => {
    // Act
    const quoted = quoteRejected(value);

    // Assess
    expect(quoted).toBe(expected);
  });

  it('names the type of a circular structure instead of failing', () => {
    // Prepare
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;

    // Act
    const quoted = quoteRejected(circular);

    // Assess
    expect(quoted).toBe('(object)');
  });

  it.each<[string, string, number]>([
    ['one code point over the limit', 'x'.repeat(MAX_QUOTED_LENGTH - 1), MAX_QUOTED_LENGTH + 1],
    ['a 100 KB string', 'x'.repeat(100_000), 100_002],
    ['a 100 KB string of emoji', '🚀'.repeat(100_000), 100_002],
  ])('cuts %s to the limit and says how long the whole was', (_case, value, length) => {
    // Act
    const quoted = quoteRejected(value);

    // Assess
    expect(quoted).toBe(
      `${[...JSON.stringify(value)].slice(0, MAX_QUOTED_LENGTH - 1).join('')}… (${length} characters)`,
    );
    expect(codePoints(quoted)).toBeLessThan(100);
    expect(quoted).not.toMatch(UNPRINTABLE);
  });

  it('honours a smaller limit', () => {
    // Act
    const quoted = quoteRejected('abcdefghij', 5);

    // Assess
    expect(quoted).toBe('"abc… (12 characters)');
  });

  it.each<[string, string]>([
    ['line breaks that would forge a log line', 'acme\n{"level":"INFO","message":"tenant approved"}'],
    ['a bidirectional override that reverses what a terminal shows', `acme\u202e${'evil'.repeat(40)}`],
    ['an ANSI escape that rewrites the terminal', `\u001b[2J\u001b[H${'x'.repeat(200)}`],
    ['zero-width characters', `a\u200b\u200c\u200d\ufeffb`],
  ])('escapes %s, cut or not', (_case, value) => {
    // Act
    const quoted = quoteRejected(value);

    // Assess
    expect(quoted).not.toMatch(UNPRINTABLE);
    expect(quoted).not.toContain('\n');
    expect(codePoints(quoted.split('… (')[0] ?? '')).toBeLessThanOrEqual(MAX_QUOTED_LENGTH);
  });
});

describe('isPrototypeKey', () => {
  it.each([
    '__proto__',
    'prototype',
    'constructor',
    'toString',
    'valueOf',
    'hasOwnProperty',
    'isPrototypeOf',
    'propertyIsEnumerable',
    'toLocaleString',
    '__defineGetter__',
    '__lookupSetter__',
  ])('refuses %s', (key) => {
    // Act & Assess
    expect(isPrototypeKey(key)).toBe(true);
  });

  it.each(['proto', '__proto', 'Constructor', 'tostring', 'crm:account', 'cost.center', ''])('accepts %j', (key) => {
    // Act & Assess
    expect(isPrototypeKey(key)).toBe(false);
  });
});

describe('findPrototypeKey', () => {
  it.each<[string, string, string | undefined]>([
    ['a clean catalog', '{"starter":{"backup":{"retentionDays":3}},"pro":null}', undefined],
    ['a top-level __proto__', '{"__proto__":{"polluted":true}}', '__proto__'],
    ['a nested __proto__', '{"starter":{"__proto__":{"multiAz":true}}}', 'starter.__proto__'],
    ['a deeply nested constructor', '{"pro":{"storage":{"constructor":{"prototype":{}}}}}', 'pro.storage.constructor'],
    ['a toString beside valid fields', '{"pro":{"multiAz":true,"toString":"x"}}', 'pro.toString'],
    [
      'a key inside an array',
      '{"pro":{"monitoring":{"logExports":[{"valueOf":1}]}}}',
      'pro.monitoring.logExports.0.valueOf',
    ],
    ['the first of several, depth first', '{"a":{"b":{"constructor":1}},"__proto__":2}', 'a.b.constructor'],
  ])('looks through %s and reports %s', (_case, json, expected) => {
    // Prepare: JSON text, as the environment delivers it: "__proto__" arrives as an own key
    const value: unknown = JSON.parse(json);

    // Act
    const found = findPrototypeKey(value);

    // Assess
    expect(found).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', '__proto__'],
    ['a number', 7],
    ['undefined', undefined],
  ])('finds nothing in %s', (_case, value) => {
    // Act & Assess
    expect(findPrototypeKey(value)).toBeUndefined();
  });
});

describe('nullPrototypeRecord', () => {
  it('keeps every key, __proto__ included, as a plain own property without a prototype', () => {
    // Prepare
    const entries = Object.entries(JSON.parse('{"__proto__":"label","plan":"annual"}') as Record<string, string>);

    // Act
    const record = nullPrototypeRecord(entries);

    // Assess
    expect(Object.getPrototypeOf(record)).toBeNull();
    expect(Object.keys(record)).toEqual(['__proto__', 'plan']);
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toBe('label');
    expect(record.plan).toBe('annual');
    expect(({} as Record<string, unknown>).label).toBeUndefined();
  });

  it('reaches no Object.prototype member through a key it does not hold', () => {
    // Act
    const record = nullPrototypeRecord([['plan', 'annual']]);

    // Assess
    expect(record.constructor).toBeUndefined();
    expect(record.toString).toBeUndefined();
    expect('hasOwnProperty' in record).toBe(false);
    expect(JSON.stringify(record)).toBe('{"plan":"annual"}');
  });
});
