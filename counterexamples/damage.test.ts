/**
 * The damaging step, on real counterexamples (the seed's reproducer as the
 * checker finds it, and the classic files) replayed on the model, and on
 * hand-made views for what the classic files do not show (a change undone
 * and made again, a partial read, two damaged buffers).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayTrace } from '../explorer/path.js';
import { DEFAULT_FS, fsProfileById } from '../model/fs/index.js';
import { parseScenario } from '../model/scenario.js';
import { ScenarioModel } from '../model/scenario-model.js';
import { formatStep } from '../model/step.js';
import { viewState, type BufferView, type StateView } from '../model/view.js';
import { ROOT } from '../test-support/imports.js';
import { seedCounterexample } from '../test-support/seed-counterexample.js';
import { damagingStep, findDamage } from './damage.js';
import { readCounterexample } from './file.js';
import type { Counterexample } from './format.js';

/** The states of a counterexample's trace on the model: the initial state, then after each step. */
function viewsOf(cx: Counterexample): StateView[] {
  const model = new ScenarioModel(parseScenario(cx.scenario), fsProfileById(cx.fs ?? 'ext4') ?? DEFAULT_FS);
  const run = replayTrace(model, model.actionsOf(cx.trace).actions);
  if (!run.ok) throw new Error(run.message);
  return [viewState(model.L, model.initialStates()[0]!), ...run.steps.map((s) => viewState(model.L, s.after))];
}

const CLASSIC = join(ROOT, 'counterexamples', 'classic');

/** Per classic file: the damaging step's operation (undefined: none), what the files are about. */
const CLASSIC_DAMAGE: Record<string, string | undefined> = {
  'write.json': 'write',
  'mmap-store.json': 'mmap-store',
  'fallocate-punch.json': 'fallocate-punch',
  'truncate.json': 'truncate',
  'vmsplice.json': 'user-store',
  'whitlock-punch-large-folio.json': 'fallocate-punch',
  // file-integrity: the reader sees what was written, nothing in the pipe changed under it.
  'dirty-pipe.json': undefined,
};

describe('damagingStep on real counterexamples', () => {
  it("the seed's reproducer (truncate, write, splice, write, pipe-read): the second write, index 3", () => {
    const cx = seedCounterexample();
    expect(cx.trace.map((s) => s.op)).toEqual(['truncate', 'write', 'splice', 'write', 'pipe-read']);
    const views = viewsOf(cx);
    expect(damagingStep(views, cx.violation.step)).toBe(3);
    expect(formatStep(cx.trace[3]!)).toBe('write(off=0, len=1, value=2)');
    // The reader took both cells of the spliced buffer; only cell 0 had changed.
    expect(findDamage(views, cx.violation.step)).toEqual([{ pipe: 0, slot: 0, positions: [0], step: 3 }]);
  });

  it('before the damaging step the buffer is what entered the pipe; after it, it is not', () => {
    const views = viewsOf(seedCounterexample());
    const buffer = (v: StateView): BufferView | undefined => v.pipes[0]!.buffers[0];
    expect(buffer(views[3]!)).toMatchObject({ cells: [1, 0], ghost: [1, 0] });
    expect(buffer(views[4]!)).toMatchObject({ cells: [2, 0], ghost: [1, 0] });
  });

  it('every classic counterexample is covered by the table', () => {
    const files = readdirSync(CLASSIC).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(Object.keys(CLASSIC_DAMAGE).sort());
  });

  for (const [file, op] of Object.entries(CLASSIC_DAMAGE)) {
    it(`${file}: ${op ?? 'no damaging step'}`, () => {
      const cx = readCounterexample(join(CLASSIC, file));
      const step = damagingStep(viewsOf(cx), cx.violation.step);
      if (op === undefined) {
        expect(step).toBeUndefined();
        return;
      }
      expect(step).toBeDefined();
      expect(cx.trace[step!]!.op).toBe(op);
      expect(step).toBeLessThan(cx.violation.step);
    });
  }

  it('a violation without a read (page-ownership after a splice) has no damaging step', () => {
    const cx = readCounterexample(join(CLASSIC, 'write.json'));
    const views = viewsOf(cx);
    // Step 0 (the splice) is judged: it reads nothing out of a pipe.
    expect(damagingStep(views, 0)).toBeUndefined();
    // A violating step past the views: nothing to say.
    expect(damagingStep(views, views.length)).toBeUndefined();
  });
});

/** A view with only pipes (what damage looks at): each pipe's buffers. */
function pipesView(...pipes: Partial<BufferView>[][]): StateView {
  const buffer = (b: Partial<BufferView>): BufferView => ({
    slot: 0,
    folio: 0,
    page: 0,
    offset: 0,
    len: b.cells?.length ?? 0,
    flags: [],
    cells: [],
    ghost: b.cells ?? [],
    ...b,
  });
  return {
    size: 0,
    file: [],
    logical: [],
    disk: [],
    pageCache: [],
    folios: [],
    user: [],
    privateCopies: [],
    unlinked: false,
    pipes: [0, 1].map((p) => ({ buffers: (pipes[p] ?? []).map(buffer), slotFlags: [] })),
    processPcs: [],
    cost: { pagesCopied: 0, pagesStolen: 0 },
  };
}

describe('damagingStep on hand-made views', () => {
  const empty = pipesView();
  const clean = pipesView([{ cells: [1, 1] }]);
  const damaged = pipesView([{ cells: [2, 1], ghost: [1, 1] }]);

  it('a change undone and made again counts from the second time', () => {
    // steps: 0 splice, 1 write 2, 2 write 1 (undone), 3 write 2, 4 read
    const views = [empty, clean, damaged, clean, damaged, empty];
    expect(damagingStep(views, 4)).toBe(3);
  });

  it('a partial read of cells that did not change is no damage; reading the changed one is', () => {
    const tail = pipesView([{ cells: [1, 2], ghost: [1, 1] }]);
    const afterOne = pipesView([{ offset: 1, cells: [2], ghost: [1] }]);
    expect(damagingStep([empty, clean, tail, afterOne], 2)).toBeUndefined();
    // Then reading the rest (position 1, now the buffer's first cell) sees the change made by step 1.
    expect(findDamage([empty, clean, tail, afterOne, empty], 3)).toEqual([
      { pipe: 0, slot: 0, positions: [1], step: 1 },
    ]);
  });

  it('two damaged buffers read at once: the earliest damaging step', () => {
    const two = (a: number, b: number): StateView =>
      pipesView([
        { slot: 0, cells: [a], ghost: [1] },
        { slot: 1, cells: [b], ghost: [1] },
      ]);
    const views = [empty, two(1, 1), two(1, 2), two(2, 2), empty];
    expect(findDamage(views, 3).map((d) => [d.slot, d.step])).toEqual([
      [0, 2],
      [1, 1],
    ]);
    expect(damagingStep(views, 3)).toBe(1);
  });

  it('a damaged buffer the violating step does not read is not counted', () => {
    const otherPipe = pipesView([{ cells: [1] }], [{ cells: [2], ghost: [1] }]);
    const afterRead = pipesView([], [{ cells: [2], ghost: [1] }]);
    expect(damagingStep([empty, otherPipe, otherPipe, afterRead], 2)).toBeUndefined();
  });

  it('a new buffer in the slot of an old damaged one starts clean', () => {
    // 0 splice, 1 damage, 2 read it (violation 1), 3 splice again into slot 0 (clean), 4 damage, 5 read
    const views = [empty, clean, damaged, empty, clean, damaged, empty];
    expect(damagingStep(views, 5)).toBe(4);
    expect(damagingStep(views, 2)).toBe(1);
  });
});
