import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  ExecutionStore,
  invalidNameReason,
  type StoredExecution,
  startDecision,
} from '../../../../lib/local/workflows/executions';

const execution = (name: string, status: StoredExecution['status'] = 'SUCCEEDED'): StoredExecution => ({
  executionArn: `arn:aws:states:us-east-1:123456789012:execution:m:${name}`,
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m',
  name,
  status,
  input: '{}',
  startDate: 0,
  events: [],
});

describe('execution names (StartExecution rules)', () => {
  it.each([
    ['a plain name', 'acme-starter-1', true],
    ['80 characters', 'a'.repeat(80), true],
    ['81 characters', 'a'.repeat(81), false],
    ['an empty name', '', false],
    ['whitespace', 'a b', false],
    ['a bracket', 'a<b', false],
    ['a wildcard', 'a*b', false],
    ['a colon', 'a:b', false],
    ['a slash', 'a/b', false],
    ['a control character', 'a\u0007b', false],
    ['__proto__', '__proto__', true],
  ])('%s is %s', (_case, name, valid) => {
    // Act & Assess
    expect(invalidNameReason(name) === undefined).toBe(valid);
  });
});

describe('startDecision', () => {
  it.each([
    ['a new name', undefined, '{"a":1}', 'start'],
    ['a running execution with the same input', { status: 'RUNNING', input: '{"a":1}' }, '{"a":1}', 'same'],
    ['a running execution with another input', { status: 'RUNNING', input: '{"a":1}' }, '{"a":2}', 'exists'],
    ['a closed execution with the same input', { status: 'SUCCEEDED', input: '{"a":1}' }, '{"a":1}', 'exists'],
    ['an aborted execution', { status: 'ABORTED', input: '{"a":1}' }, '{"a":1}', 'exists'],
  ] as const)('%s: %s', (_case, existing, input, expected) => {
    // Act & Assess
    expect(startDecision(existing, input)).toBe(expected);
  });
});

describe('ExecutionStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'executions-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the last 500 executions, never a running one, and reloads them from its file', () => {
    // Prepare
    const file = path.join(dir, 'executions.json');
    const store = new ExecutionStore(file);
    store.add(execution('running', 'RUNNING'));
    for (let i = 0; i < 510; i += 1) store.add(execution(`e${i}`));

    // Act
    store.save();
    const reloaded = new ExecutionStore(file);

    // Assess
    expect(reloaded.all()).toHaveLength(500);
    expect(reloaded.all().map((e) => e.name)).toContain('running');
    expect(reloaded.all().map((e) => e.name)).not.toContain('e10');
    expect(reloaded.all().map((e) => e.name)).toContain('e11');
    expect(readdirSync(dir)).toEqual(['executions.json']);
  });

  it('numbers history events as Step Functions does', () => {
    // Prepare
    const store = new ExecutionStore(path.join(dir, 'executions.json'));
    const e = execution('x', 'RUNNING');

    // Act
    store.record(e, 'ExecutionStarted', { key: 'executionStartedEventDetails', value: { input: '{}' } });
    store.record(e, 'PassStateEntered');

    // Assess
    expect(e.events.map(({ id, previousEventId, type }) => ({ id, previousEventId, type }))).toEqual([
      { id: 1, previousEventId: 0, type: 'ExecutionStarted' },
      { id: 2, previousEventId: 1, type: 'PassStateEntered' },
    ]);
    expect(e.events[0]?.executionStartedEventDetails).toEqual({ input: '{}' });
  });
});
