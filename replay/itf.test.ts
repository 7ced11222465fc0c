import { describe, expect, it } from 'vitest';
import { readCounterexample } from '../counterexamples/file.js';
import { ITF_VARS, toItf, type ItfValue } from './itf.js';

const path = new URL('../counterexamples/classic/write.json', import.meta.url).pathname;

function hasNull(v: unknown): boolean {
  if (v === null) return true;
  if (Array.isArray(v)) return v.some(hasNull);
  if (typeof v === 'object') return Object.values(v as object).some(hasNull);
  return false;
}

describe('ITF export', () => {
  const cx = readCounterexample(path);
  const itf = toItf(cx, path);

  it('has the initial state and one state per step, each with every variable', () => {
    expect(itf['#meta'].format).toBe('ITF');
    expect(itf.vars).toEqual(ITF_VARS);
    expect(itf.states).toHaveLength(cx.trace.length + 1);
    itf.states.forEach((s, i) => {
      expect(s['#meta'].index).toBe(i);
      for (const v of ITF_VARS) expect(s).toHaveProperty(v);
    });
    expect(hasNull(JSON.parse(JSON.stringify(itf)))).toBe(false);
  });

  it('shows the violation: the last read saw cells other than the ones that entered the pipe', () => {
    const last = itf.states[itf.states.length - 1]!;
    const observed = last['observed'] as { cells: ItfValue[]; expected: ItfValue[] };
    expect(observed.cells).not.toEqual(observed.expected);
    expect((last['step'] as { op: string }).op).toBe('pipe-read');
    expect(itf['#meta'].description).toContain(cx.violation.message);
  });

  it('steps carry the operation and the process, as in the counterexample', () => {
    const steps = itf.states.slice(1).map((s) => s['step'] as Record<string, ItfValue>);
    expect(steps.map((s) => s['op'])).toEqual(cx.trace.map((t) => t.op));
    expect(steps.map((s) => s['process'])).toEqual(cx.trace.map((t) => t.process));
  });

  it('each write step changes the file variable between its two states, and nothing else does', () => {
    for (let i = 1; i < itf.states.length; i++) {
      const op = (itf.states[i]!['step'] as { op: string }).op;
      const changed = JSON.stringify(itf.states[i - 1]!['file']) !== JSON.stringify(itf.states[i]!['file']);
      expect(changed).toBe(op === 'write');
    }
  });
});
