/**
 * Kicinski's TLS_TX_ZEROCOPY_RO question from the seed thread: a sender who
 * promises not to modify data handed over zero copy wants to know which step
 * breaks the promise. This invariant fails at the first step that changes
 * cells a pipe or socket buffer still references (a pwrite, a store through a mapping,
 * a punch or truncate that zeroes in place, a store to vmspliced user memory),
 * even when the read that would show it comes later or never.
 *
 * A buffer is the same buffer before and after a step when its ring slot is
 * queued in both states (one step never frees and refills a slot); a read
 * consumes a buffer from its front and a merging pipe-write extends it at its
 * end, so the cells compared are those the buffer references in both states.
 */
import { showCells } from '../model/cells.js';
import { F_IN_CACHE, F_PRIVATE, F_USER, queueName, type Layout, type State } from '../model/state.js';
import { defineInvariant } from './define.js';
import { readerBytes, readerLayout } from './state-reader.js';

/** Whether physical ring slot `slot` of `pipe` holds a queued buffer in `s`. */
function queued(L: Layout, s: State, pipe: number, slot: number): boolean {
  const rel = (slot - L.tail(s, pipe) + L.S) % L.S;
  return rel < L.count(s, pipe);
}

/** The cell at offset `at` (within the referenced page) of the buffer in `slot`. */
function cellAt(L: Layout, s: State, pipe: number, slot: number, at: number): number {
  return L.folioCell(s, L.slotFolio(s, pipe, slot), L.slotPage(s, pipe, slot) * L.C + at);
}

/** What the buffer in `slot` references, in the words of the seed thread. */
function referenced(L: Layout, s: State, pipe: number, slot: number): string {
  const f = L.slotFolio(s, pipe, slot);
  const flags = L.folioFlags(s, f);
  const page = L.folioIndex(s, f) + L.slotPage(s, pipe, slot);
  if (flags & F_IN_CACHE) return `file page ${page}`;
  if (flags & F_USER) return `user page ${L.folioIndex(s, f)}`;
  if (flags & F_PRIVATE) return `the private copy of file page ${L.folioIndex(s, f)}`;
  return 'a page only pipes reference';
}

/** The first buffer whose referenced cells the step changed, as a message. */
function changedBuffer(L: Layout, before: State, after: State): string | undefined {
  for (let pipe = 0; pipe < L.queues; pipe++) {
    for (let slot = 0; slot < L.S; slot++) {
      if (!queued(L, before, pipe, slot) || !queued(L, after, pipe, slot)) continue;
      const from = Math.max(L.slotOffset(before, pipe, slot), L.slotOffset(after, pipe, slot));
      const to = Math.min(
        L.slotOffset(before, pipe, slot) + L.slotLen(before, pipe, slot),
        L.slotOffset(after, pipe, slot) + L.slotLen(after, pipe, slot),
      );
      const was: number[] = [];
      const now: number[] = [];
      for (let at = from; at < to; at++) {
        was.push(cellAt(L, before, pipe, slot, at));
        now.push(cellAt(L, after, pipe, slot, at));
      }
      if (was.some((v, i) => v !== now[i])) {
        return (
          `${queueName(pipe)} still references ${showCells(was)} of ${referenced(L, before, pipe, slot)} ` +
          `and this step changed them to ${showCells(now)}: data handed over zero copy was modified`
        );
      }
    }
  }
  return undefined;
}

export const zerocopyRoContract = defineInvariant({
  id: 'zerocopy-ro-contract',
  // --symmetry: it compares a buffer's cells before and after a step, never with a particular value.
  valueSymmetric: true,
  // --partial-order: a step changes cells a queued buffer references only by writing their block or user page, and
  // whether a buffer is queued changes only by steps on the queue, whose taint holds that block or page.
  commutes: true,
  description:
    'no step changes data a pipe or a socket still references (the promise TLS_TX_ZEROCOPY_RO asks of a sender), ' +
    'judged at the step that changes it, not at the read',
  check({ before, after }) {
    return changedBuffer(readerLayout(before), readerBytes(before), readerBytes(after));
  },
});
