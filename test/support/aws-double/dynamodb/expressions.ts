import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB expressions over marshalled items: condition and filter expressions, key conditions, update
 * expressions and projections, parsed as DynamoDB parses them (placeholders must be defined and used, reserved
 * words must be aliased, NOT binds tighter than AND, AND tighter than OR) and evaluated with DynamoDB's typing
 * (a comparison between different types is false; `<>` is true when the attribute is missing).
 */

export type Item = Record<string, AttributeValue>;
export type PathElement = string | number;
export type Path = readonly PathElement[];

/** Raised as DynamoDB's ValidationException by the caller. */
export class ExpressionError extends Error {}

/**
 * The DynamoDB reserved words an attribute of a record like ours could plausibly be named (the full list of 573 is
 * in the DynamoDB Developer Guide, "Reserved words"). A bare one in an expression fails as it does in AWS.
 */
const RESERVED_WORDS = new Set(
  `ATTRIBUTE BACKUP CAPACITY COMMENT CONDITION CONNECTION COUNT DATA DATABASE DATE DAY DEFAULT DURATION END ERROR
  EXPORT FAIL FILTER GROUP HASH HOUR INDEX ITEM ITEMS KEY KEYS LEVEL LIMIT LIST LOCATION LOG MAP MAX METRICS MIN
  MINUTE MODE MONTH NAME NAMES NUMBER OWNER PATH PERCENT PROJECTION PROVISIONING RANGE RECORD REGION REQUEST
  RESOURCE RESPONSE RESULT ROLE ROLES SECOND SIZE SOURCE START STATE STATUS STORAGE STRING SYSTEM TABLE TEXT TIME
  TIMESTAMP TOKEN TOTAL TTL TYPE URL USER USERS UUID VALUE VALUES VIEW YEAR ZONE AND OR NOT BETWEEN IN SET`.split(
    /\s+/,
  ),
);

/** Placeholders of one request: resolved on use, and every one must be used. */
export class Placeholders {
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();

  constructor(
    private readonly names: Readonly<Record<string, string>> = {},
    private readonly values: Readonly<Record<string, AttributeValue>> = {},
  ) {}

  name(token: string): string {
    const name = this.names[token];
    if (name === undefined) {
      throw new ExpressionError(
        `Invalid expression: An expression attribute name used in the document path is not defined; attribute name: ${token}`,
      );
    }
    this.usedNames.add(token);
    return name;
  }

  value(token: string): AttributeValue {
    const value = this.values[token];
    if (value === undefined) {
      throw new ExpressionError(
        `Invalid expression: An expression attribute value used in expression is not defined; attribute value: ${token}`,
      );
    }
    this.usedValues.add(token);
    return value;
  }

  /** DynamoDB refuses requests that define placeholders no expression uses. */
  assertAllUsed(): void {
    const unusedNames = Object.keys(this.names).filter((n) => !this.usedNames.has(n));
    if (unusedNames.length > 0) {
      throw new ExpressionError(
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
      );
    }
    const unusedValues = Object.keys(this.values).filter((v) => !this.usedValues.has(v));
    if (unusedValues.length > 0) {
      throw new ExpressionError(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'name' | 'alias' | 'value' | 'number' | 'op' | 'punct' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  at: number;
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(?<alias>#[A-Za-z0-9_]+)|(?<value>:[A-Za-z0-9_]+)|(?<name>[A-Za-z_][A-Za-z0-9_]*)|(?<number>[0-9]+)|(?<op><>|<=|>=|=|<|>|\+|-)|(?<punct>[(),.[\]]))/y;
  let index = 0;
  while (index < expression.length) {
    if (/^\s*$/.test(expression.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(expression);
    if (!match?.groups) {
      throw new ExpressionError(
        `Invalid expression: Syntax error; token: "${expression.slice(index).trim().charAt(0)}"`,
      );
    }
    const [kind, text] = Object.entries(match.groups).find(([, v]) => v !== undefined) as [TokenKind, string];
    tokens.push({ kind, text, at: index });
    index = pattern.lastIndex;
  }
  tokens.push({ kind: 'end', text: '<EOF>', at: expression.length });
  return tokens;
}

class Cursor {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    readonly placeholders: Placeholders,
  ) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  next(): Token {
    const token = this.peek();
    this.index += 1;
    return token;
  }

  isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'name' && token.text.toUpperCase() === word;
  }

  accept(text: string): boolean {
    const token = this.peek();
    if ((token.kind === 'punct' || token.kind === 'op') && token.text === text) {
      this.index += 1;
      return true;
    }
    if (token.kind === 'name' && token.text.toUpperCase() === text) {
      this.index += 1;
      return true;
    }
    return false;
  }

  expect(text: string): void {
    if (!this.accept(text)) throw this.syntaxError();
  }

  syntaxError(): ExpressionError {
    const token = this.peek();
    return new ExpressionError(`Invalid expression: Syntax error; token: "${token.text}", near: position ${token.at}`);
  }

  done(): void {
    if (this.peek().kind !== 'end') throw this.syntaxError();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Paths and operands

function parsePath(cursor: Cursor): Path {
  const elements: PathElement[] = [parseName(cursor)];
  for (;;) {
    if (cursor.accept('.')) elements.push(parseName(cursor));
    else if (cursor.accept('[')) {
      const index = cursor.next();
      if (index.kind !== 'number') throw cursor.syntaxError();
      elements.push(Number(index.text));
      cursor.expect(']');
    } else return elements;
  }
}

function parseName(cursor: Cursor): string {
  const token = cursor.next();
  if (token.kind === 'alias') return cursor.placeholders.name(token.text);
  if (token.kind !== 'name') {
    throw new ExpressionError(`Invalid expression: Syntax error; token: "${token.text}", near: position ${token.at}`);
  }
  if (RESERVED_WORDS.has(token.text.toUpperCase())) {
    throw new ExpressionError(
      `Invalid expression: Attribute name is a reserved keyword; reserved keyword: ${token.text}`,
    );
  }
  return token.text;
}

export type Operand =
  | { kind: 'path'; path: Path }
  | { kind: 'value'; value: AttributeValue }
  | { kind: 'size'; path: Path };

function parseOperand(cursor: Cursor): Operand {
  const token = cursor.peek();
  if (token.kind === 'value') {
    cursor.next();
    return { kind: 'value', value: cursor.placeholders.value(token.text) };
  }
  if (token.kind === 'name' && token.text === 'size' && cursor.peek(1).text === '(') {
    cursor.next();
    cursor.expect('(');
    const path = parsePath(cursor);
    cursor.expect(')');
    return { kind: 'size', path };
  }
  return { kind: 'path', path: parsePath(cursor) };
}

export function resolvePath(item: Item, path: Path): AttributeValue | undefined {
  let current: AttributeValue | undefined = { M: item };
  for (const element of path) {
    if (current === undefined) return undefined;
    if (typeof element === 'number') current = current.L?.[element];
    else current = current.M?.[element];
  }
  return current;
}

function sizeOf(value: AttributeValue | undefined): AttributeValue | undefined {
  if (!value) return undefined;
  const length =
    value.S !== undefined
      ? Buffer.byteLength(value.S, 'utf8')
      : value.B !== undefined
        ? value.B.byteLength
        : ((value.L ?? value.SS ?? value.NS ?? value.BS)?.length ??
          (value.M === undefined ? undefined : Object.keys(value.M).length));
  return length === undefined ? undefined : { N: String(length) };
}

function evaluateOperand(item: Item, operand: Operand): AttributeValue | undefined {
  switch (operand.kind) {
    case 'value':
      return operand.value;
    case 'path':
      return resolvePath(item, operand.path);
    case 'size':
      return sizeOf(resolvePath(item, operand.path));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison

export function typeOf(value: AttributeValue): string {
  return Object.entries(value).find(([, v]) => v !== undefined)?.[0] ?? '?';
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

/** Equality with DynamoDB's typing: numbers by value, sets regardless of order, maps and lists deeply. */
export function attributeEquals(a: AttributeValue, b: AttributeValue): boolean {
  const type = typeOf(a);
  if (type !== typeOf(b)) return false;
  switch (type) {
    case 'S':
      return a.S === b.S;
    case 'N':
      return Number(a.N) === Number(b.N);
    case 'B':
      return bytesEqual(a.B as Uint8Array, b.B as Uint8Array);
    case 'BOOL':
      return a.BOOL === b.BOOL;
    case 'NULL':
      return true;
    case 'SS':
      return sameMembers(a.SS as string[], b.SS as string[], (x, y) => x === y);
    case 'NS':
      return sameMembers(a.NS as string[], b.NS as string[], (x, y) => Number(x) === Number(y));
    case 'BS':
      return sameMembers(a.BS as Uint8Array[], b.BS as Uint8Array[], bytesEqual);
    case 'L':
      return (
        (a.L as AttributeValue[]).length === (b.L as AttributeValue[]).length &&
        (a.L as AttributeValue[]).every((v, i) => attributeEquals(v, (b.L as AttributeValue[])[i] as AttributeValue))
      );
    case 'M': {
      const am = a.M as Item;
      const bm = b.M as Item;
      const keys = Object.keys(am);
      return (
        keys.length === Object.keys(bm).length &&
        keys.every((k) => bm[k] !== undefined && attributeEquals(am[k] as AttributeValue, bm[k]))
      );
    }
    default:
      return false;
  }
}

function sameMembers<T>(a: T[], b: T[], eq: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => eq(x, y)));
}

/** Ordering of two scalars of the same type (S, N or B); undefined when they are not comparable. */
export function attributeOrder(a: AttributeValue, b: AttributeValue): number | undefined {
  const type = typeOf(a);
  if (type !== typeOf(b)) return undefined;
  if (type === 'N') return Math.sign(Number(a.N) - Number(b.N));
  if (type === 'S') return Buffer.compare(Buffer.from(a.S as string, 'utf8'), Buffer.from(b.S as string, 'utf8'));
  if (type === 'B') return Buffer.compare(Buffer.from(a.B as Uint8Array), Buffer.from(b.B as Uint8Array));
  return undefined;
}

function compare(op: string, a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return op === '<>';
  if (op === '=') return attributeEquals(a, b);
  if (op === '<>') return !attributeEquals(a, b);
  const order = attributeOrder(a, b);
  if (order === undefined) return false;
  switch (op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Conditions

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | { kind: 'compare'; op: string; left: Operand; right: Operand }
  | { kind: 'between'; operand: Operand; low: Operand; high: Operand }
  | { kind: 'in'; operand: Operand; list: Operand[] }
  | { kind: 'function'; name: string; args: Operand[] };

const CONDITION_FUNCTIONS: Record<string, number> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
};
const COMPARATORS = new Set(['=', '<>', '<', '<=', '>', '>=']);

function parseOr(cursor: Cursor): Condition {
  let left = parseAnd(cursor);
  while (cursor.accept('OR')) left = { kind: 'or', left, right: parseAnd(cursor) };
  return left;
}

function parseAnd(cursor: Cursor): Condition {
  let left = parseNot(cursor);
  while (cursor.accept('AND')) left = { kind: 'and', left, right: parseNot(cursor) };
  return left;
}

function parseNot(cursor: Cursor): Condition {
  if (cursor.accept('NOT')) return { kind: 'not', operand: parseNot(cursor) };
  return parsePrimary(cursor);
}

function parsePrimary(cursor: Cursor): Condition {
  if (cursor.accept('(')) {
    const inner = parseOr(cursor);
    cursor.expect(')');
    return inner;
  }
  const token = cursor.peek();
  const arity = CONDITION_FUNCTIONS[token.text];
  if (token.kind === 'name' && arity !== undefined && cursor.peek(1).text === '(') {
    cursor.next();
    cursor.expect('(');
    const args: Operand[] = [{ kind: 'path', path: parsePath(cursor) }];
    while (cursor.accept(',')) args.push(parseOperand(cursor));
    cursor.expect(')');
    if (args.length !== arity) {
      throw new ExpressionError(
        `Invalid expression: Incorrect number of operands for operator or function; function: ${token.text}`,
      );
    }
    return { kind: 'function', name: token.text, args };
  }
  const operand = parseOperand(cursor);
  if (cursor.accept('BETWEEN')) {
    const low = parseOperand(cursor);
    cursor.expect('AND');
    return { kind: 'between', operand, low, high: parseOperand(cursor) };
  }
  if (cursor.accept('IN')) {
    cursor.expect('(');
    const list = [parseOperand(cursor)];
    while (cursor.accept(',')) list.push(parseOperand(cursor));
    cursor.expect(')');
    if (list.length > 100) throw new ExpressionError('Invalid expression: The IN operator takes at most 100 operands');
    return { kind: 'in', operand, list };
  }
  const op = cursor.peek();
  if (op.kind !== 'op' || !COMPARATORS.has(op.text)) throw cursor.syntaxError();
  cursor.next();
  return { kind: 'compare', op: op.text, left: operand, right: parseOperand(cursor) };
}

/** Parses a condition, filter or key condition expression. */
export function parseCondition(expression: string, placeholders: Placeholders): Condition {
  if (expression.trim() === '') throw new ExpressionError('Invalid expression: The expression can not be empty;');
  const cursor = new Cursor(tokenize(expression), placeholders);
  const condition = parseOr(cursor);
  cursor.done();
  return condition;
}

function callFunction(item: Item, name: string, args: Operand[]): boolean {
  const [first, second] = args.map((a) => evaluateOperand(item, a));
  switch (name) {
    case 'attribute_exists':
      return first !== undefined;
    case 'attribute_not_exists':
      return first === undefined;
    case 'attribute_type':
      return first !== undefined && second?.S === typeOf(first);
    case 'begins_with':
      if (first?.S !== undefined && second?.S !== undefined) return first.S.startsWith(second.S);
      if (first?.B !== undefined && second?.B !== undefined) {
        return Buffer.from(first.B).subarray(0, second.B.byteLength).equals(Buffer.from(second.B));
      }
      return false;
    default: {
      if (!first || !second) return false;
      if (first.S !== undefined && second.S !== undefined) return first.S.includes(second.S);
      if (first.SS && second.S !== undefined) return first.SS.includes(second.S);
      if (first.NS && second.N !== undefined) return first.NS.some((n) => Number(n) === Number(second.N));
      if (first.L) return first.L.some((v) => attributeEquals(v, second));
      return false;
    }
  }
}

export function evaluate(condition: Condition, item: Item): boolean {
  switch (condition.kind) {
    case 'and':
      return evaluate(condition.left, item) && evaluate(condition.right, item);
    case 'or':
      return evaluate(condition.left, item) || evaluate(condition.right, item);
    case 'not':
      return !evaluate(condition.operand, item);
    case 'compare':
      return compare(condition.op, evaluateOperand(item, condition.left), evaluateOperand(item, condition.right));
    case 'between': {
      const value = evaluateOperand(item, condition.operand);
      return (
        compare('>=', value, evaluateOperand(item, condition.low)) &&
        compare('<=', value, evaluateOperand(item, condition.high))
      );
    }
    case 'in': {
      const value = evaluateOperand(item, condition.operand);
      return value !== undefined && condition.list.some((o) => compare('=', value, evaluateOperand(item, o)));
    }
    case 'function':
      return callFunction(item, condition.name, condition.args);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Key conditions

export interface KeyCondition {
  partition: AttributeValue;
  /** The sort key condition, evaluated on the item, if any. */
  sort?: Condition;
}

function pathOf(operand: Operand): string | undefined {
  return operand.kind === 'path' && operand.path.length === 1 ? (operand.path[0] as string) : undefined;
}

/**
 * Parses a KeyConditionExpression: equality on the partition key, optionally AND one condition on the sort key
 * (=, <, <=, >, >=, BETWEEN, begins_with).
 */
export function parseKeyCondition(
  expression: string,
  placeholders: Placeholders,
  keys: { partitionKey: string; sortKey?: string },
): KeyCondition {
  const condition = parseCondition(expression, placeholders);
  const parts = condition.kind === 'and' ? [condition.left, condition.right] : [condition];
  let partition: AttributeValue | undefined;
  let sort: Condition | undefined;
  for (const part of parts) {
    const attribute =
      part.kind === 'compare' || part.kind === 'between'
        ? pathOf(part.kind === 'compare' ? part.left : part.operand)
        : part.kind === 'function' && part.name === 'begins_with'
          ? pathOf(part.args[0] as Operand)
          : undefined;
    if (attribute === keys.partitionKey && part.kind === 'compare' && part.op === '=' && part.right.kind === 'value') {
      partition = part.right.value;
    } else if (attribute !== undefined && attribute === keys.sortKey && sort === undefined) {
      sort = part;
    } else {
      throw new ExpressionError(`Query key condition not supported: ${expression}`);
    }
  }
  if (!partition) throw new ExpressionError(`Query condition missed key schema element: ${keys.partitionKey}`);
  return { partition, sort };
}

// ---------------------------------------------------------------------------------------------------------------
// Update expressions

type SetValue =
  | Operand
  | { kind: 'arith'; op: '+' | '-'; left: SetValue; right: SetValue }
  | { kind: 'if_not_exists'; path: Path; fallback: SetValue }
  | { kind: 'list_append'; first: SetValue; second: SetValue };

export type UpdateAction =
  | { kind: 'SET'; path: Path; value: SetValue }
  | { kind: 'REMOVE'; path: Path }
  | { kind: 'ADD' | 'DELETE'; path: Path; value: AttributeValue };

function parseSetOperand(cursor: Cursor): SetValue {
  const token = cursor.peek();
  if (token.kind === 'name' && cursor.peek(1).text === '(') {
    if (token.text === 'if_not_exists') {
      cursor.next();
      cursor.expect('(');
      const path = parsePath(cursor);
      cursor.expect(',');
      const fallback = parseSetOperand(cursor);
      cursor.expect(')');
      return { kind: 'if_not_exists', path, fallback };
    }
    if (token.text === 'list_append') {
      cursor.next();
      cursor.expect('(');
      const first = parseSetOperand(cursor);
      cursor.expect(',');
      const second = parseSetOperand(cursor);
      cursor.expect(')');
      return { kind: 'list_append', first, second };
    }
    throw new ExpressionError(`Invalid UpdateExpression: Invalid function name; function: ${token.text}`);
  }
  return parseOperand(cursor);
}

function parseSetValue(cursor: Cursor): SetValue {
  const left = parseSetOperand(cursor);
  const op = cursor.peek();
  if (op.kind === 'op' && (op.text === '+' || op.text === '-')) {
    cursor.next();
    return { kind: 'arith', op: op.text, left, right: parseSetOperand(cursor) };
  }
  return left;
}

const CLAUSES = ['SET', 'REMOVE', 'ADD', 'DELETE'] as const;

/** Parses an UpdateExpression into its actions, in order. */
export function parseUpdate(expression: string, placeholders: Placeholders): UpdateAction[] {
  const cursor = new Cursor(tokenize(expression), placeholders);
  const actions: UpdateAction[] = [];
  const seen = new Set<string>();
  while (cursor.peek().kind !== 'end') {
    const clause = CLAUSES.find((c) => cursor.isKeyword(c));
    if (!clause) throw cursor.syntaxError();
    if (seen.has(clause)) {
      throw new ExpressionError(
        `Invalid UpdateExpression: The "${clause}" section can only be used once in an update expression;`,
      );
    }
    seen.add(clause);
    cursor.next();
    do {
      const path = parsePath(cursor);
      if (clause === 'SET') {
        cursor.expect('=');
        actions.push({ kind: 'SET', path, value: parseSetValue(cursor) });
      } else if (clause === 'REMOVE') {
        actions.push({ kind: 'REMOVE', path });
      } else {
        const value = cursor.next();
        if (value.kind !== 'value') throw cursor.syntaxError();
        actions.push({ kind: clause, path, value: placeholders.value(value.text) });
      }
    } while (cursor.accept(','));
  }
  if (actions.length === 0) throw new ExpressionError('Invalid UpdateExpression: The expression can not be empty;');
  assertNoOverlap(actions.map((a) => a.path));
  return actions;
}

function assertNoOverlap(paths: Path[]): void {
  for (let i = 0; i < paths.length; i += 1) {
    for (let j = i + 1; j < paths.length; j += 1) {
      const [a, b] = [paths[i] as Path, paths[j] as Path];
      const shorter = Math.min(a.length, b.length);
      if (a.slice(0, shorter).every((e, k) => e === b[k])) {
        throw new ExpressionError(
          `Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [${a.join(', ')}], path two: [${b.join(', ')}]`,
        );
      }
    }
  }
}

const wrongType = () => new ExpressionError('An operand in the update expression has an incorrect data type');

function evaluateSetValue(original: Item, value: SetValue): AttributeValue {
  switch (value.kind) {
    case 'arith': {
      const left = evaluateSetValue(original, value.left);
      const right = evaluateSetValue(original, value.right);
      if (left.N === undefined || right.N === undefined) throw wrongType();
      return { N: String(value.op === '+' ? Number(left.N) + Number(right.N) : Number(left.N) - Number(right.N)) };
    }
    case 'if_not_exists':
      return resolvePath(original, value.path) ?? evaluateSetValue(original, value.fallback);
    case 'list_append': {
      const first = evaluateSetValue(original, value.first);
      const second = evaluateSetValue(original, value.second);
      if (!first.L || !second.L) throw wrongType();
      return { L: [...first.L, ...second.L] };
    }
    default: {
      const resolved = evaluateOperand(original, value);
      if (resolved === undefined) {
        throw new ExpressionError('The provided expression refers to an attribute that does not exist in the item');
      }
      return resolved;
    }
  }
}

const invalidPath = () =>
  new ExpressionError('The document path provided in the update expression is invalid for update');

function setAt(item: Item, path: Path, value: AttributeValue | undefined): void {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1] as PathElement;
  const parent = parentPath.length === 0 ? { M: item } : resolvePath(item, parentPath);
  if (typeof last === 'number') {
    if (!parent?.L) throw invalidPath();
    if (value === undefined) parent.L.splice(last, 1);
    else if (last >= parent.L.length) parent.L.push(value);
    else parent.L[last] = value;
    return;
  }
  if (!parent?.M) throw invalidPath();
  if (value === undefined) delete parent.M[last];
  else parent.M[last] = value;
}

function addOrDelete(
  kind: 'ADD' | 'DELETE',
  current: AttributeValue | undefined,
  value: AttributeValue,
): AttributeValue | undefined {
  const setType = (['SS', 'NS', 'BS'] as const).find((t) => value[t] !== undefined);
  if (kind === 'ADD' && value.N !== undefined) {
    if (current !== undefined && current.N === undefined) throw wrongType();
    return { N: String(Number(current?.N ?? 0) + Number(value.N)) };
  }
  if (!setType) throw wrongType();
  if (current !== undefined && current[setType] === undefined) throw wrongType();
  const existing = (current?.[setType] ?? []) as (string | Uint8Array)[];
  const given = value[setType] as (string | Uint8Array)[];
  const same =
    setType === 'BS'
      ? (a: string | Uint8Array, b: string | Uint8Array) => bytesEqual(a as Uint8Array, b as Uint8Array)
      : setType === 'NS'
        ? (a: string | Uint8Array, b: string | Uint8Array) => Number(a) === Number(b)
        : (a: string | Uint8Array, b: string | Uint8Array) => a === b;
  const result =
    kind === 'ADD'
      ? [...existing, ...given.filter((g) => !existing.some((e) => same(e, g)))]
      : existing.filter((e) => !given.some((g) => same(e, g)));
  return result.length === 0 ? undefined : ({ [setType]: result } as unknown as AttributeValue);
}

/**
 * Applies update actions to a copy of `original`. Every right-hand side reads the item as it was before the
 * update, as in DynamoDB. Returns the new item and the top-level attributes the update touched.
 */
export function applyUpdate(original: Item, actions: UpdateAction[]): { item: Item; touched: string[] } {
  const item = structuredClone(original);
  for (const action of actions) {
    if (action.kind === 'SET') setAt(item, action.path, structuredClone(evaluateSetValue(original, action.value)));
    else if (action.kind === 'REMOVE') {
      if (resolvePath(item, action.path.slice(0, -1)) !== undefined) setAt(item, action.path, undefined);
    } else setAt(item, action.path, addOrDelete(action.kind, resolvePath(original, action.path), action.value));
  }
  return { item, touched: [...new Set(actions.map((a) => a.path[0] as string))] };
}

// ---------------------------------------------------------------------------------------------------------------
// Projections

/** Parses a ProjectionExpression into its paths. */
export function parseProjection(expression: string, placeholders: Placeholders): Path[] {
  const cursor = new Cursor(tokenize(expression), placeholders);
  const paths = [parsePath(cursor)];
  while (cursor.accept(',')) paths.push(parsePath(cursor));
  cursor.done();
  return paths;
}

/** The item reduced to the projected paths (map paths; list elements keep their container). */
export function project(item: Item, paths: Path[]): Item {
  const result: Item = {};
  for (const path of paths) {
    const value = resolvePath(item, path);
    if (value === undefined) continue;
    let target = result;
    const names = path.filter((e): e is string => typeof e === 'string');
    if (names.length !== path.length) {
      // A list element projects its whole top-level attribute: simpler, and never less than asked for.
      result[path[0] as string] = structuredClone(item[path[0] as string] as AttributeValue);
      continue;
    }
    for (const name of names.slice(0, -1)) {
      const next: AttributeValue = target[name] ?? { M: {} };
      target[name] = next;
      target = next.M as Item;
    }
    target[names[names.length - 1] as string] = structuredClone(value);
  }
  return result;
}
