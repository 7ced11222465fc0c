import { copyState } from '../state.js';
import { pipeLength } from './args.js';
import { defineOperation } from './operation.js';

/**
 * tee(pipe 0, pipe 1, len, SPLICE_F_NONBLOCK): duplicates the oldest buffers
 * of the main pipe into the second pipe without consuming them; what the
 * duplicate is (a reference or a copy) is the kernel variant's policy.
 */
export const tee = defineOperation({
  name: 'tee',
  summary: 'tee(pipe -> second pipe)',
  args: { len: pipeLength },
  conformWeight: 2,
  usesFile: false,
  // tee of an empty pipe returns 0: nothing happened.
  zeroReturnIsRefusal: true,
  cellsMoved: ({ L, before, after }) => L.pipeCells(after, 1) - L.pipeCells(before, 1),
  apply(ctx, before, { len }) {
    if (len < 1) return undefined;
    const s = copyState(before);
    return ctx.kernel.teeToPipe(ctx, s, len) > 0 ? { state: s } : undefined;
  },
});
