import { PIPE_FIELD, queueName, SLOT_FIELD, SOCKET, type Layout, type State } from '../model/state.js';
import { defineInvariant } from './define.js';
import { readerBytes, readerLayout } from './state-reader.js';
import { counted, showCells } from '../model/cells.js';

/** The ghost cells queued in a pipe, oldest first. */
function queued(L: Layout, s: State, pipe: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < L.count(s, pipe); i++) {
    const slot = L.slotAt(s, pipe, i);
    for (let c = 0; c < L.slotLen(s, pipe, slot); c++) out.push(L.slotGhost(s, pipe, slot, c));
  }
  return out;
}

/** Whether the ghost queue of `pipe` in `s` starts with `cells` (without building the queue). */
function queueStartsWith(L: Layout, s: State, pipe: number, cells: readonly number[]): boolean {
  let k = 0;
  const count = L.count(s, pipe);
  for (let i = 0; i < count && k < cells.length; i++) {
    const slot = L.slotAt(s, pipe, i);
    const len = L.slotLen(s, pipe, slot);
    for (let c = 0; c < len && k < cells.length; c++, k++) if (L.slotGhost(s, pipe, slot, c) !== cells[k]) return false;
  }
  return k === cells.length;
}

/**
 * Whether the ghost queue of `pipe` in `b`, from cell `skip` on, starts with
 * the whole queue of `pipe` in `a` (or, with `whole`, equals it).
 */
function queueContinues(L: Layout, a: State, b: State, pipe: number, skip: number, whole: boolean): boolean {
  // Walk both queues cell by cell without building them.
  let ia = 0;
  let ca = 0;
  let ib = 0;
  let cb = 0;
  const countA = L.count(a, pipe);
  const countB = L.count(b, pipe);
  const advanceB = (): boolean => {
    while (ib < countB && cb >= L.slotLen(b, pipe, L.slotAt(b, pipe, ib))) {
      ib++;
      cb = 0;
    }
    return ib < countB;
  };
  for (let k = 0; k < skip; k++) {
    if (!advanceB()) return false;
    cb++;
  }
  for (;;) {
    while (ia < countA && ca >= L.slotLen(a, pipe, L.slotAt(a, pipe, ia))) {
      ia++;
      ca = 0;
    }
    const moreA = ia < countA;
    const moreB = advanceB();
    if (!moreA) return !whole || !moreB;
    if (!moreB) return false;
    if (L.slotGhost(a, pipe, L.slotAt(a, pipe, ia), ca) !== L.slotGhost(b, pipe, L.slotAt(b, pipe, ib), cb))
      return false;
    ca++;
    cb++;
  }
}

/** Whether `pipe` queues the same cells in `a` and `b` (same ring position, lengths and ghosts): the common case. */
function sameQueue(L: Layout, a: State, b: State, pipe: number): boolean {
  // By byte offset (this runs on every step of the search).
  const base = L.pipeBase(pipe);
  const tail = base + PIPE_FIELD.tail;
  const count = base + PIPE_FIELD.count;
  if (a[tail] !== b[tail] || a[count] !== b[count]) return false;
  for (let slot = 0, o = L.slotBase(pipe, 0); slot < L.S; slot++, o += L.slotSize) {
    if (a[o + SLOT_FIELD.len] !== b[o + SLOT_FIELD.len]) return false;
    for (let i = o + SLOT_FIELD.ghost; i < o + SLOT_FIELD.ghost + L.slotCells; i++) if (a[i] !== b[i]) return false;
  }
  return true;
}

/** Whether `a` and `b` hold the same bytes from `from` to `to` (exclusive). */
function sameBytes(a: State, b: State, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Pipe cells come out in order, none lost, none duplicated: a read takes the
 * oldest cells and leaves the rest in order; any other step only appends.
 */
export const pipeFifo = defineInvariant({
  id: 'pipe-fifo',
  // --symmetry: value-relabelled states are judged alike; it compares queued ghost cells with each other and with
  // what a read returned.
  valueSymmetric: true,
  // --partial-order: it compares the queues before and after the step; only a step whose footprint holds a queue
  // changes its cells.
  commutes: true,
  description: 'pipe cells come out in the order they went in, none lost, none duplicated',
  check({ before, after, observed }) {
    const L = readerLayout(after);
    const a = readerBytes(after);
    const b = readerBytes(before);
    // Most steps read no queue and leave every queue's bytes as they were (this runs on every step).
    if (!observed && sameBytes(a, b, L.oPipes, L.oPipes + L.queues * L.pipeSize)) return undefined;
    // Most steps leave pipe 0 as it was: compare bytes before counting cells.
    const moved = observed || sameQueue(L, b, a, 0) ? 0 : L.pipeCells(b, 0) - L.pipeCells(a, 0);
    if (moved > 0) {
      // splice(pipe 0 -> pipe 1): the oldest cells of pipe 0 leave it, in order, for the end of pipe 1.
      const gone = queued(L, b, 0).slice(0, moved);
      if (!queueContinues(L, a, b, 0, moved, true)) {
        const [rest, now] = [showCells(queued(L, b, 0).slice(moved)), showCells(queued(L, a, 0))];
        return `pipe 0: after ${counted(moved, 'cell')} moved out it holds ${now}, not ${rest}`;
      }
      const want = [...queued(L, b, 1), ...gone];
      const got = queued(L, a, 1);
      if (showCells(got) !== showCells(want)) {
        const should = `so it should hold ${showCells(want)}, not ${showCells(got)}`;
        return `pipe 1: ${showCells(gone)} moved in from pipe 0, ${should}`;
      }
    }
    for (let pipe = moved > 0 ? 2 : 0; pipe < L.queues; pipe++) {
      if (observed && observed.pipe === pipe) {
        // Walk the queues without building them (a read is a common step); build them for a message only.
        const n = observed.expected.length;
        if (!queueStartsWith(L, b, pipe, observed.expected)) {
          const oldest = showCells(queued(L, b, pipe).slice(0, n));
          const returned = showCells(observed.expected);
          return `${queueName(pipe)}: the read returned ${returned} but the oldest cells were ${oldest}`;
        }
        // What is left is what was queued after the cells read, exactly.
        if (!queueContinues(L, a, b, pipe, n, true)) {
          const [rest, now] = [showCells(queued(L, b, pipe).slice(n)), showCells(queued(L, a, pipe))];
          const it = pipe === SOCKET ? 'the socket' : 'the pipe';
          return `${queueName(pipe)}: after reading ${counted(n, 'cell')} ${it} holds ${now}, not ${rest}`;
        }
      } else if (!sameQueue(L, b, a, pipe) && !queueContinues(L, b, a, pipe, 0, false)) {
        const [held, holds] = [showCells(queued(L, b, pipe)), showCells(queued(L, a, pipe))];
        return `${queueName(pipe)}: held ${held} and now holds ${holds} without a read`;
      }
    }
    return undefined;
  },
});
