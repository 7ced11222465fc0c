import type { Layout, State } from '../model/state.js';
import { defineInvariant } from './define.js';
import { showCells } from './cells.js';

/** The ghost cells queued in a pipe, oldest first. */
function queued(L: Layout, s: State, pipe: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < L.count(s, pipe); i++) {
    const slot = L.slotAt(s, pipe, i);
    for (let c = 0; c < L.slotLen(s, pipe, slot); c++) out.push(L.slotGhost(s, pipe, slot, c));
  }
  return out;
}

function startsWith(a: readonly number[], prefix: readonly number[]): boolean {
  return prefix.length <= a.length && prefix.every((v, i) => a[i] === v);
}

/**
 * Pipe cells come out in order, none lost, none duplicated: a read takes the
 * oldest cells and leaves the rest in order; any other step only appends.
 */
export const pipeFifo = defineInvariant({
  id: 'pipe-fifo',
  description: 'pipe cells come out in the order they went in, none lost, none duplicated',
  check({ before, after, observed }) {
    const L = after.layout;
    for (let pipe = 0; pipe < 2; pipe++) {
      const was = queued(L, before.bytes, pipe);
      const now = queued(L, after.bytes, pipe);
      if (observed && observed.pipe === pipe) {
        const n = observed.expected.length;
        if (!startsWith(was, observed.expected)) {
          return `pipe ${pipe}: the read returned ${showCells(observed.expected)} but the oldest cells were ${showCells(was.slice(0, n))}`;
        }
        if (now.length !== was.length - n || !startsWith(was.slice(n), now)) {
          return `pipe ${pipe}: after reading ${n} cells the pipe holds ${showCells(now)}, not ${showCells(was.slice(n))}`;
        }
      } else if (!startsWith(now, was)) {
        return `pipe ${pipe}: held ${showCells(was)} and now holds ${showCells(now)} without a read`;
      }
    }
    return undefined;
  },
});
