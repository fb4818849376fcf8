/**
 * An EventBridge event-pattern matcher for tests, implementing the documented semantics of the operators this
 * project uses (Amazon EventBridge User Guide, "Content filtering in event patterns" and "Comparison operators";
 * aws/event-ruler, the library EventBridge matches with):
 *
 * - a pattern field's array lists alternatives; fields are ANDed; nested objects match nested event objects;
 * - an event array matches when any element matches (arrays of objects are "crushed" into their parent field);
 * - exact values compare by JSON type (the string "1" is not the number 1); `null` matches null;
 * - `prefix` and `wildcard` match strings only (`*` = any run of characters, `\*` a literal asterisk);
 * - `numeric` matches numbers only, with `<`, `<=`, `=`, `>`, `>=` conditions ANDed;
 * - `anything-but` (a value, or a list of all strings or all numbers) matches every leaf value that is not one of
 *   them, of any type, but never an absent field; with `{ prefix }` or `{ wildcard }` it matches every leaf value
 *   except strings that match; an empty prefix is rejected, as EventBridge rejects it;
 * - `exists: true` matches a field with at least one leaf value (null counts); `exists: false` matches an absent
 *   field, an empty array, or an object (exists looks at leaf nodes only);
 * - `$or` with two or more sub-patterns matches when any of them does.
 *
 * Operators it does not implement throw, so a pattern using one fails its test instead of being half-checked.
 *
 * @module
 */

type Leaf = string | number | boolean | null;
type JsonObject = { readonly [key: string]: unknown };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The leaf values of an event field: arrays flattened, objects are not leaves. */
function leavesOf(value: unknown): Leaf[] {
  if (Array.isArray(value)) return value.flatMap(leavesOf);
  if (value === undefined || isObject(value)) return [];
  return [value as Leaf];
}

function wildcardRegExp(pattern: string): RegExp {
  if (pattern.includes('**')) throw new Error(`wildcard "${pattern}": consecutive wildcard characters are not allowed`);
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') throw new Error(`wildcard "${pattern}": only \\* and \\\\ may be escaped`);
      source += `\\${next}`;
      i += 1;
    } else if (char === '*') source += '.*';
    else source += char.replace(/[.+?^${}()|[\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

const NUMERIC_OPERATORS: Readonly<Record<string, (value: number, bound: number) => boolean>> = {
  '<': (v, b) => v < b,
  '<=': (v, b) => v <= b,
  '=': (v, b) => v === b,
  '>': (v, b) => v > b,
  '>=': (v, b) => v >= b,
};

function numericMatches(conditions: unknown, value: Leaf): boolean {
  if (!Array.isArray(conditions) || conditions.length === 0 || conditions.length % 2 !== 0) {
    throw new Error(`numeric needs [operator, number, ...], got ${JSON.stringify(conditions)}`);
  }
  if (typeof value !== 'number') return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const compare = NUMERIC_OPERATORS[conditions[i] as string];
    const bound = conditions[i + 1];
    if (!compare || typeof bound !== 'number') throw new Error(`numeric: bad condition ${JSON.stringify(conditions)}`);
    if (!compare(value, bound)) return false;
  }
  return true;
}

function stringOperand(operator: string, operand: unknown): string {
  if (typeof operand !== 'string') throw new Error(`${operator} needs a string, got ${JSON.stringify(operand)}`);
  return operand;
}

/** True when `value` is excluded by the operand of `anything-but`. */
function excludedBy(operand: unknown, value: Leaf): boolean {
  if (isObject(operand)) {
    const [entry, ...more] = Object.entries(operand);
    if (!entry || more.length > 0) throw new Error('anything-but takes one of prefix or wildcard');
    const [operator, argument] = entry;
    const text = stringOperand(`anything-but ${operator}`, argument);
    if (operator === 'prefix') {
      if (text === '') throw new Error('anything-but prefix: an empty prefix is not allowed');
      return typeof value === 'string' && value.startsWith(text);
    }
    if (operator === 'wildcard') return typeof value === 'string' && wildcardRegExp(text).test(value);
    throw new Error(`anything-but ${operator} is not supported by this matcher`);
  }
  const values = Array.isArray(operand) ? operand : [operand];
  const allStrings = values.every((v) => typeof v === 'string');
  const allNumbers = values.every((v) => typeof v === 'number');
  if (values.length === 0 || !(allStrings || allNumbers)) {
    throw new Error('anything-but lists must hold only strings or only numbers');
  }
  return values.some((excluded) => excluded === value);
}

function operatorMatches(operator: string, operand: unknown, value: Leaf): boolean {
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(stringOperand(operator, operand));
    case 'wildcard':
      return typeof value === 'string' && wildcardRegExp(stringOperand(operator, operand)).test(value);
    case 'numeric':
      return numericMatches(operand, value);
    case 'anything-but':
      return !excludedBy(operand, value);
    default:
      throw new Error(`operator ${operator} is not supported by this matcher`);
  }
}

/** One alternative of a pattern field against the field's leaf values. */
function alternativeMatches(alternative: unknown, leaves: readonly Leaf[]): boolean {
  if (!isObject(alternative)) return leaves.some((leaf) => leaf === alternative);
  const [entry, ...more] = Object.entries(alternative);
  if (!entry || more.length > 0)
    throw new Error(`a matcher object has exactly one operator: ${JSON.stringify(alternative)}`);
  const [operator, operand] = entry;
  if (operator === 'exists') {
    if (typeof operand !== 'boolean') throw new Error('exists takes true or false');
    return operand === leaves.length > 0;
  }
  return leaves.some((leaf) => operatorMatches(operator, operand, leaf));
}

function objectMatches(pattern: JsonObject, value: unknown): boolean {
  if (Array.isArray(value)) {
    const objects = value.filter(isObject);
    if (objects.length > 0) return objects.some((element) => objectMatches(pattern, element));
  }
  const fields = isObject(value) ? value : {};
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') {
      if (!Array.isArray(rule) || rule.length < 2 || !rule.every(isObject)) {
        throw new Error('$or needs an array of at least two sub-patterns');
      }
      return rule.some((branch) => objectMatches(branch, fields));
    }
    if (Array.isArray(rule)) {
      if (rule.length === 0) throw new Error(`pattern field ${key} has an empty list`);
      const leaves = leavesOf(fields[key]);
      return rule.some((alternative) => alternativeMatches(alternative, leaves));
    }
    if (isObject(rule)) return objectMatches(rule, fields[key]);
    throw new Error(`pattern field ${key} must be a list of values or a nested pattern`);
  });
}

/**
 * True when `event` matches the EventBridge event `pattern`.
 *
 * @example
 * ```ts
 * matchesEventPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, event);
 * ```
 */
export function matchesEventPattern(pattern: Readonly<Record<string, unknown>>, event: unknown): boolean {
  return objectMatches(pattern, event);
}
