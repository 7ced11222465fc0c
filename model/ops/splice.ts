import { copyState } from '../state.js';
import { fileLength, fileOffset, flag } from './args.js';
import { defineOperation } from './operation.js';

/**
 * splice(file, &off, pipe, len, move ? SPLICE_F_MOVE : 0) with an explicit
 * offset and SPLICE_F_NONBLOCK: what enters the pipe is the kernel variant's
 * policy. Like the kernel it splices less at EOF or when the pipe runs out of
 * slots; at EOF, or with a full pipe, it is not a step.
 */
export const splice = defineOperation({
  name: 'splice',
  summary: 'splice(file -> pipe)',
  args: { off: fileOffset, len: fileLength, move: flag },
  enumerate: ['move', 'off', 'len'],
  conformWeight: 4,
  // splice at or past EOF returns 0: nothing happened, as with EAGAIN.
  zeroReturnIsRefusal: true,
  cellsMoved: ({ L, before, after }) => L.pipeCells(after, 0) - L.pipeCells(before, 0),
  apply(ctx, before, { off, len, move }) {
    const { L } = ctx;
    const size = L.size(before);
    if (len < 1 || off < 0 || off >= size) return undefined;
    // A full pipe takes nothing under any policy (KernelVariant.spliceToPipe returns 0): skip the copy.
    if (L.count(before, 0) >= L.S) return undefined;
    const s = copyState(before);
    const n = ctx.kernel.spliceToPipe(ctx, s, off, Math.min(len, size - off), move, 0);
    return n > 0 ? { state: s } : undefined;
  },
});
