import { defineInvariant } from './define.js';
import { showCells } from '../model/cells.js';

/** A reader observes exactly the cells that entered the pipe. */
export const dataStability = defineInvariant({
  id: 'data-stability',
  // --symmetry: value-relabelled states are judged alike; it compares the cells read with the cells that entered the
  // pipe, never with a particular value.
  valueSymmetric: true,
  description: 'a pipe reader sees exactly the cells that were in the source when they entered the pipe',
  check({ observed }) {
    if (!observed) return undefined;
    const { observed: got, expected } = observed;
    for (let i = 0; i < got.length; i++) {
      if (got[i] !== expected[i]) {
        const what = `expected ${showCells(expected)} (what entered the pipe) but saw ${showCells(got)}`;
        return `the reader of pipe ${observed.pipe} ${what}`;
      }
    }
    return undefined;
  },
});
