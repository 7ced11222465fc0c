import { copyState } from '../state.js';
import { pipeLength } from './args.js';
import { defineOperation } from './operation.js';

/**
 * splice(pipe 0, pipe 1, len, SPLICE_F_NONBLOCK): the oldest buffers of the
 * main pipe move to the second pipe, not copied (splice_pipe_to_pipe), so a
 * page-cache folio the main pipe referenced is referenced from pipe 1 now,
 * with the data it had when it entered the first pipe as the ghost. What
 * moves is the kernel variant's policy (copy copies). An empty pipe 0 or a
 * full pipe 1 returns EAGAIN: not a step.
 */
export const pipeSplice = defineOperation({
  name: 'pipe-splice',
  summary: 'splice(pipe -> second pipe): the buffers move',
  args: { len: pipeLength },
  conformWeight: 2,
  usesFile: false,
  inDefaultEnvironment: false,
  cellsMoved: ({ L, before, after }) => L.pipeCells(after, 1) - L.pipeCells(before, 1),
  apply(ctx, before, { len }) {
    const { L } = ctx;
    if (len < 1 || L.count(before, 0) === 0 || L.count(before, 1) >= L.S) return undefined;
    const s = copyState(before);
    return ctx.kernel.pipeToPipe(ctx, s, len) > 0 ? { state: s } : undefined;
  },
});
