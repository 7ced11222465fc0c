import { describe, expect, it } from 'vitest';
import type { ExplorableModel, Property } from './model.js';
import { checkLastStep, replayTrace } from './path.js';

/** A tiny file: `splice off len` needs off + len <= 3; `write v` sets a byte. */
const model: ExplorableModel<readonly number[], string> = {
  actionCount: 4,
  initialStates: () => [
    [0, 0, 0],
    [5, 5, 5],
  ],
  step(s, a) {
    if (a === 0) return { next: [1, s[1]!, s[2]!] };
    if (a === 1) return s[0] === 1 ? { next: [s[0], 2, s[2]!], observed: 'wrote 2' } : undefined;
    if (a === 2) return { next: s };
    throw new Error('action 3 is broken');
  },
  encode: (s) => Uint8Array.from(s),
  decode: (b) => Array.from(b),
  formatAction: (a) => (a === 0 ? 'write off=0 v=1' : a === 1 ? 'splice off=0 len=2' : a === 2 ? 'noop' : 'broken'),
};

describe('replayTrace', () => {
  it('returns every step with its states and observation', () => {
    const r = replayTrace(model, [0, 1, 2]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.initial).toEqual([0, 0, 0]);
    expect(r.final).toEqual([1, 2, 0]);
    expect(r.steps.map((s) => [s.index, s.action, s.description, s.observed])).toEqual([
      [0, 0, 'write off=0 v=1', undefined],
      [1, 1, 'splice off=0 len=2', 'wrote 2'],
      [2, 2, 'noop', undefined],
    ]);
    expect(r.steps[1]!.before).toEqual([1, 0, 0]);
    const empty = replayTrace(model, [], 1);
    expect(empty.ok && empty.final).toEqual([5, 5, 5]);
  });

  it('says which step is not enabled and why', () => {
    const r = replayTrace(model, [2, 2, 1], 0);
    expect(r).toMatchObject({
      ok: false,
      failedStep: 2,
      message:
        'step 3 of 3 (splice off=0 len=2) is not enabled: ' +
        "the model's actions or step() changed since the trace was recorded",
    });
    expect(r.steps).toHaveLength(2);
  });

  it('reports unknown actions, unknown initial states and throwing steps', () => {
    expect(replayTrace(model, [0, 9])).toMatchObject({
      ok: false,
      failedStep: 1,
      message: expect.stringMatching(/^step 2 of 2: action 9 does not exist \(the model has 4 actions\)/),
    });
    expect(replayTrace(model, [0], 2)).toMatchObject({
      ok: false,
      failedStep: -1,
      message: expect.stringMatching(/^initial state 2 does not exist \(the model has 2\)/),
    });
    expect(replayTrace(model, [3])).toMatchObject({
      ok: false,
      failedStep: 0,
      message: 'step 1 of 1 (broken) threw: action 3 is broken',
    });
  });
});

describe('checkLastStep', () => {
  const twoWritten: Property<readonly number[], string> = {
    id: 'two',
    kind: 'always',
    check: ({ after, observed, depth }) => (after[1] === 2 ? `saw ${observed} at depth ${depth}` : undefined),
  };
  it('judges the last step of a replayed trace', () => {
    expect(checkLastStep(model, twoWritten, [0, 1])).toEqual({
      fires: true,
      message: 'saw wrote 2 at depth 1',
      observed: 'wrote 2',
    });
    expect(checkLastStep(model, twoWritten, [0])).toMatchObject({
      fires: false,
      reason: expect.stringMatching(/does not fire/),
    });
    expect(checkLastStep(model, twoWritten, [])).toMatchObject({
      fires: false,
      reason: expect.stringMatching(/empty/),
    });
    expect(checkLastStep(model, twoWritten, [1])).toMatchObject({
      fires: false,
      reason: expect.stringMatching(/not enabled/),
    });
    const throws: Property<readonly number[], string> = {
      id: 't',
      kind: 'always',
      check: () => {
        throw new Error('boom');
      },
    };
    expect(checkLastStep(model, throws, [0])).toEqual({ fires: false, reason: 'property t threw: boom' });
  });
});
