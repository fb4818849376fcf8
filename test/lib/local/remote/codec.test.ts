import { decode, encode, encodeError } from '../../../../lib/local/remote/codec';

/** Through the wire: encoded, serialized, parsed, decoded. */
const roundTrip = (value: unknown): unknown => decode(JSON.parse(JSON.stringify(encode(value))));

describe('codec', () => {
  it.each([
    ['a Date', { CreationDate: new Date('2026-12-04T10:11:12.345Z') }],
    ['bytes', { Payload: new Uint8Array([0, 1, 2, 254, 255]) }],
    ['nested values', { a: [{ b: { c: [new Date(0), 'x', 3, null, true] } }], d: { e: { B: new Uint8Array([7]) } } }],
    ['an object with a $t key', { $t: 'date', v: 'not a date' }],
    ['a nested object with a $t key', { Item: { $t: { S: 'bytes' }, v: { S: 'x' } } }],
    ['strings that look like tags', { s: '{"$t":"date","v":"2026-01-01"}' }],
    ['an empty input', {}],
  ])('%s survives the trip', (_what, value) => {
    // Prepare / Act
    const decoded = roundTrip(value);
    // Assess
    expect(decoded).toEqual(value);
  });

  it.each([
    ['a __proto__ key', '__proto__', '{"__proto__": {"polluted": "yes"}, "x": 1}'],
    ['a constructor key', 'constructor', '{"constructor": {"prototype": {"polluted": "yes"}}}'],
    [
      '__proto__ in a tagged object',
      '__proto__',
      '{"$t": "object", "v": {"__proto__": {"polluted": "yes"}, "$t": "x"}}',
    ],
  ])('%s stays data', (_what, key, json) => {
    // Prepare
    const wire = JSON.parse(json);
    // Act
    const decoded = decode(wire) as Record<string, unknown>;
    const again = roundTrip(decoded) as Record<string, unknown>;
    // Assess
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toContain(key);
    expect((decoded as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(again)).toEqual(Object.keys(decoded));
  });

  it.each([
    [
      'a cycle',
      (() => {
        const a: Record<string, unknown> = {};
        a.self = a;
        return a;
      })(),
      'contains itself',
    ],
    ['a NaN', { n: Number.NaN }, 'finite numbers only'],
  ])('refuses %s', (_what, value, message) => {
    expect(() => encode(value)).toThrow(message);
  });

  it('refuses an unknown tag', () => {
    expect(() => decode({ $t: 'regexp', v: '.*' })).toThrow('unknown tagged value "regexp"');
  });

  it('keeps the name, message, fault, status and modeled fields of an error, never its stack', () => {
    // Prepare
    const error = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'r' },
      $response: { body: 'raw' },
      Item: { tenantId: { S: 'acme' } },
    });
    // Act
    const encoded = encodeError(error);
    // Assess
    expect(encoded).toEqual({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
      $fault: 'client',
      httpStatusCode: 400,
      fields: { Item: { tenantId: { S: 'acme' } } },
    });
    expect(JSON.stringify(encoded)).not.toContain('at ');
  });

  it('makes an error that is not an AWS one a server fault', () => {
    expect(encodeError(new TypeError('boom'))).toMatchObject({
      name: 'TypeError',
      $fault: 'server',
      httpStatusCode: 500,
    });
  });
});
