import { defineInvariant } from './define.js';
import { showCells } from '../model/cells.js';
import { SOCKET } from '../model/state.js';

/** A reader observes exactly the cells that entered the pipe. */
export const dataStability = defineInvariant({
  id: 'data-stability',
  // --symmetry: value-relabelled states are judged alike; it compares the cells read with the cells that entered the
  // pipe, never with a particular value.
  valueSymmetric: true,
  // --partial-order: it judges the step's own observation only (the cells a read returned and the ghost cells their
  // buffer carried), which the step's footprint (its queue and what the queue's buffers reference) decides.
  commutes: true,
  description:
    'a pipe reader sees exactly the cells that were in the source when they entered the pipe ' +
    "(a socket's peer likewise)",
  check({ observed }) {
    if (!observed) return undefined;
    const { observed: got, expected } = observed;
    for (let i = 0; i < got.length; i++) {
      if (got[i] !== expected[i]) {
        const socket = observed.pipe === SOCKET;
        const where = socket ? 'socket' : 'pipe';
        const what = `expected ${showCells(expected)} (what entered the ${where}) but saw ${showCells(got)}`;
        return socket ? `the peer of the socket ${what}` : `the reader of pipe ${observed.pipe} ${what}`;
      }
    }
    return undefined;
  },
});
