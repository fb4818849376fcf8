import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { BILLING_DETAIL_TYPE, BILLING_EVENT_SOURCE } from '../../../lambdas/shared/contracts';
import { DEFAULT_TIERS } from '../../../lambdas/shared/tiers';
import { validateRequest } from '../../../lambdas/validate-input/validate';
import {
  BILLING_INPUT_PATHS,
  BILLING_INPUT_TEMPLATE,
  type BillingEventDetail,
  billingEventToExecutionInput,
} from '../../../lib/triggers/billing-input';
import { billingEventPattern, rejectedBillingEventPattern } from '../../../lib/triggers/event-patterns';
import schema from '../../../schemas/billing-event.schema.json';
import { matchesEventPattern } from '../../support/event-pattern';
import { renderInput } from '../../support/input-transformer';
import { REPOSITORY_ROOT } from '../../support/paths';

const FIXTURES = join(REPOSITORY_ROOT, 'test', 'fixtures', 'billing-events');
const TIERS = Object.keys(DEFAULT_TIERS);

interface BillingEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
}

function fixtures(kind: 'valid' | 'invalid'): [string, BillingEvent][] {
  return readdirSync(join(FIXTURES, kind))
    .filter((file) => file.endsWith('.json'))
    .map((file) => [file, JSON.parse(readFileSync(join(FIXTURES, kind, file), 'utf8')) as BillingEvent]);
}

const validEvents = fixtures('valid');
const invalidEvents = fixtures('invalid');
const validateSchema = new Ajv2020({ allErrors: true }).compile(schema);
const start = billingEventPattern(TIERS);
const rejected = rejectedBillingEventPattern(TIERS);

describe('event pattern matcher', () => {
  const event = {
    source: 'aws.ec2',
    detail: {
      state: 'running',
      count: 5,
      flag: true,
      gone: null,
      path: 'dir/file.png',
      tags: ['blue', 'green'],
      items: [
        { name: 'a', size: 1 },
        { name: 'b', size: 2 },
      ],
      nested: { deeper: 'x' },
    },
  };

  it.each([
    ['exact string', { source: ['aws.ec2'] }, true],
    ['exact string, other value', { source: ['aws.s3'] }, false],
    ['exact number', { detail: { count: [5] } }, true],
    ['exact number does not match its string', { detail: { count: ['5'] } }, false],
    ['exact boolean', { detail: { flag: [true] } }, true],
    ['exact null', { detail: { gone: [null] } }, true],
    ['exact null does not match the empty string', { detail: { gone: [''] } }, false],
    ['any alternative of a list', { detail: { state: ['stopped', 'running'] } }, true],
    ['array in the event: any element', { detail: { tags: ['green'] } }, true],
    ['array in the event: no element', { detail: { tags: ['red'] } }, false],
    ['array of objects: crushed into the field', { detail: { items: { name: ['b'] } } }, true],
    ['array of objects: no element', { detail: { items: { name: ['c'] } } }, false],
    ['nested object', { detail: { nested: { deeper: ['x'] } } }, true],
    ['nested object, other value', { detail: { nested: { deeper: ['y'] } } }, false],
    ['fields are ANDed', { source: ['aws.ec2'], detail: { state: ['stopped'] } }, false],
    ['prefix', { detail: { path: [{ prefix: 'dir/' }] } }, true],
    ['prefix, other start', { detail: { path: [{ prefix: 'lib/' }] } }, false],
    ['empty prefix matches any string', { detail: { state: [{ prefix: '' }] } }, true],
    ['prefix does not match a number', { detail: { count: [{ prefix: '' }] } }, false],
    ['wildcard', { detail: { path: [{ wildcard: 'dir/*.png' }] } }, true],
    ['wildcard, other suffix', { detail: { path: [{ wildcard: 'dir/*.jpg' }] } }, false],
    ['wildcard * matches any string', { detail: { state: [{ wildcard: '*' }] } }, true],
    ['wildcard does not match a boolean', { detail: { flag: [{ wildcard: '*' }] } }, false],
    ['numeric range', { detail: { count: [{ numeric: ['>', 0, '<=', 5] }] } }, true],
    ['numeric range, outside', { detail: { count: [{ numeric: ['>', 5] }] } }, false],
    ['numeric does not match a string', { detail: { state: [{ numeric: ['>', 0] }] } }, false],
    ['anything-but a string', { detail: { state: [{ 'anything-but': 'stopped' }] } }, true],
    ['anything-but the value itself', { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } }, false],
    ['anything-but strings matches a number', { detail: { count: [{ 'anything-but': ['5'] }] } }, true],
    ['anything-but numbers', { detail: { count: [{ 'anything-but': [5, 6] }] } }, false],
    ['anything-but never matches an absent field', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
    ['anything-but prefix', { detail: { state: [{ 'anything-but': { prefix: 'stop' } }] } }, true],
    ['anything-but prefix, value has it', { detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, false],
    ['anything-but wildcard * matches a number', { detail: { count: [{ 'anything-but': { wildcard: '*' } }] } }, true],
    ['anything-but wildcard * matches null', { detail: { gone: [{ 'anything-but': { wildcard: '*' } }] } }, true],
    ['anything-but wildcard * excludes strings', { detail: { state: [{ 'anything-but': { wildcard: '*' } }] } }, false],
    ['exists true', { detail: { state: [{ exists: true }] } }, true],
    ['exists true, absent field', { detail: { missing: [{ exists: true }] } }, false],
    ['exists true counts null as present', { detail: { gone: [{ exists: true }] } }, true],
    ['exists true ignores objects (not a leaf)', { detail: { nested: [{ exists: true }] } }, false],
    ['exists false, absent field', { detail: { missing: [{ exists: false }] } }, true],
    ['exists false, present field', { detail: { state: [{ exists: false }] } }, false],
    ['exists false matches an object (not a leaf)', { detail: { nested: [{ exists: false }] } }, true],
    ['exists false through an absent parent', { other: { missing: [{ exists: false }] } }, true],
    ['$or: one branch matches', { detail: { $or: [{ state: ['stopped'] }, { count: [5] }] } }, true],
    ['$or: no branch matches', { detail: { $or: [{ state: ['stopped'] }, { count: [6] }] } }, false],
  ])('%s', (_name, pattern, expected) => {
    // Act
    const matched = matchesEventPattern(pattern, event);

    // Assess
    expect(matched).toBe(expected);
  });

  it.each([
    ['an empty anything-but prefix', { detail: { state: [{ 'anything-but': { prefix: '' } }] } }],
    ['consecutive wildcards', { detail: { state: [{ wildcard: 'a**' }] } }],
    ['an operator it does not implement', { detail: { state: [{ suffix: 'ing' }] } }],
    ['a one-branch $or', { detail: { $or: [{ state: ['running'] }] } }],
    ['a mixed anything-but list', { detail: { state: [{ 'anything-but': ['a', 1] }] } }],
  ])('rejects %s instead of guessing', (_name, pattern) => {
    // Act / Assess
    expect(() => matchesEventPattern(pattern, event)).toThrow();
  });
});

describe('billing event patterns', () => {
  it.each(validEvents)('valid fixture %s matches the start rule and not the rejected rule', (_file, event) => {
    // Act / Assess
    expect(matchesEventPattern(start, event)).toBe(true);
    expect(matchesEventPattern(rejected, event)).toBe(false);
  });

  it.each(invalidEvents)('invalid fixture %s never matches the start rule', (_file, event) => {
    // Act
    const started = matchesEventPattern(start, event);
    const caught = matchesEventPattern(rejected, event);

    // Assess: billing's own malformed events end in the rejected queue; other sources are not ours to catch.
    const fromBilling = event.source === BILLING_EVENT_SOURCE && event['detail-type'] === BILLING_DETAIL_TYPE;
    expect(started).toBe(false);
    expect(caught).toBe(fromBilling);
  });

  it('has invalid fixtures from another source and detail-type, so "neither rule" is exercised', () => {
    // Assess
    const foreign = invalidEvents.filter(
      ([, e]) => e.source !== BILLING_EVENT_SOURCE || e['detail-type'] !== BILLING_DETAIL_TYPE,
    );
    expect(foreign.map(([file]) => file).sort()).toEqual(['wrong-detail-type.json', 'wrong-source.json']);
  });

  it('follows the deployed catalog: a tier added by cdk.json starts the workflow', () => {
    // Prepare
    const event = {
      source: BILLING_EVENT_SOURCE,
      'detail-type': BILLING_DETAIL_TYPE,
      detail: { eventId: 'e-1', tenantId: 'acme', tier: 'team' },
    };

    // Act / Assess
    expect(matchesEventPattern(billingEventPattern([...TIERS, 'team']), event)).toBe(true);
    expect(matchesEventPattern(rejectedBillingEventPattern([...TIERS, 'team']), event)).toBe(false);
    expect(matchesEventPattern(start, event)).toBe(false);
  });

  it('refuses an empty tier list, which EventBridge would reject', () => {
    // Act / Assess
    expect(() => billingEventPattern([])).toThrow(/at least one tier/);
    expect(() => rejectedBillingEventPattern([])).toThrow(/at least one tier/);
  });
});

describe('billing event schema', () => {
  it('lists the built-in tiers, so the contract and the catalog cannot drift apart', () => {
    // Assess
    expect(schema.properties.detail.properties.tier.enum).toEqual(TIERS);
  });

  it.each(validEvents)('accepts valid fixture %s', (_file, event) => {
    // Act
    const valid = validateSchema(event);

    // Assess
    expect(validateSchema.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(invalidEvents)('rejects invalid fixture %s', (_file, event) => {
    // Act / Assess
    expect(validateSchema(event)).toBe(false);
  });

  // Rules an event pattern cannot express: the start rule lets these through and the workflow's ValidateInput
  // fails the execution with a ValidationError naming the field. The schema tells billing about them up front.
  it.each([
    ['tenantId with upper case', { tenantId: 'Acme' }, 'tenantId'],
    ['tenantId with a double hyphen', { tenantId: 'acme--corp' }, 'tenantId'],
    ['tenantId too short', { tenantId: 'ab' }, 'tenantId'],
    ['eventId with a space', { eventId: 'inv 1' }, 'requestId'],
    ['eventId empty', { eventId: '' }, 'requestId'],
  ])('%s: schema rejects it, start rule passes it, ValidateInput rejects it', (_name, change, field) => {
    // Prepare
    const [, base] = validEvents.find(([file]) => file === 'starter-minimal.json') as [string, BillingEvent];
    const event = { ...base, detail: { ...base.detail, ...change } };

    // Act
    const schemaValid = validateSchema(event);
    const input = billingEventToExecutionInput(event.detail as unknown as BillingEventDetail);

    // Assess
    expect(schemaValid).toBe(false);
    expect(matchesEventPattern(start, event)).toBe(true);
    expect(() =>
      validateRequest(
        { input, executionArn: 'arn:aws:states:us-east-1:111122223333:execution:sm:x', executionName: 'x' },
        DEFAULT_TIERS,
      ),
    ).toThrow(expect.objectContaining({ name: 'ValidationError', field }));
  });
});

describe('billing input transformer', () => {
  /** EventBridge's substitution for the values the start rule guarantees: strings, inserted as JSON strings. */
  const render = (event: BillingEvent) =>
    renderInput({ InputPathsMap: { ...BILLING_INPUT_PATHS }, InputTemplate: BILLING_INPUT_TEMPLATE }, event);

  it('maps only paths the start rule guarantees to exist', () => {
    // Assess
    expect(Object.values(BILLING_INPUT_PATHS).sort()).toEqual([
      '$.detail.eventId',
      '$.detail.tenantId',
      '$.detail.tier',
    ]);
    expect([...BILLING_INPUT_TEMPLATE.matchAll(/<([A-Za-z.]+)>/g)].map((m) => m[1]).sort()).toEqual(
      Object.keys(BILLING_INPUT_PATHS).sort(),
    );
  });

  it.each(validEvents)(
    'turns valid fixture %s into a request the workflow accepts, keyed by the event id',
    (_file, event) => {
      // Act
      const input = render(event);
      const validated = validateRequest(
        { input, executionArn: 'arn:aws:states:us-east-1:111122223333:execution:sm:x', executionName: 'x' },
        DEFAULT_TIERS,
      );

      // Assess
      expect(input).toEqual(billingEventToExecutionInput(event.detail as unknown as BillingEventDetail));
      expect(validated).toMatchObject({
        tenantId: event.detail.tenantId,
        tier: event.detail.tier,
        requestId: event.detail.eventId,
        requestedBy: 'billing',
      });
    },
  );
});
