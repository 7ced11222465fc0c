import { readFromPipe } from '../pipe.js';
import { copyState } from '../state.js';
import { pipeIndex, pipeLength } from './args.js';
import { defineOperation } from './operation.js';

/**
 * read(pipe, len) on an O_NONBLOCK pipe: copies up to `len` cells out from the
 * oldest buffer on, freeing the slots it empties. An empty pipe returns
 * EAGAIN (a blocking reader waits): not a step. Yields what the reader saw.
 */
export const pipeRead = defineOperation({
  name: 'pipe-read',
  summary: 'read() from a pipe',
  args: { len: pipeLength, pipe: pipeIndex },
  enumerate: ['pipe', 'len'],
  conformWeight: 3,
  usesFile: false,
  cellsMoved: ({ observed }) => observed?.observed.length ?? 0,
  apply(ctx, before, { len, pipe }) {
    const { L } = ctx;
    if (len < 1 || (pipe !== 0 && pipe !== 1) || L.count(before, pipe) === 0) return undefined;
    const s = copyState(before);
    const observed = readFromPipe(L, s, pipe, len);
    return { state: s, observed };
  },
});
