import { maxFileCells } from '../bounds.js';
import { range0, range1, type Operation } from './operation.js';
import { copyState } from '../state.js';

/**
 * splice(file, &off, pipe, len, move ? SPLICE_F_MOVE : 0) with an explicit
 * offset and SPLICE_F_NONBLOCK: what enters the pipe is the kernel variant's
 * policy. Like the kernel it splices less at EOF or when the pipe runs out of
 * slots; at EOF, or with a full pipe, it is not a step.
 */
export const splice: Operation<'splice'> = {
  name: 'splice',
  summary: 'splice(file -> pipe)',
  domain(b) {
    const max = maxFileCells(b);
    return [false, true].flatMap((move) =>
      range0(max).flatMap((off) => range1(max - off).map((len) => ({ op: 'splice' as const, off, len, move }))),
    );
  },
  apply(ctx, before, { off, len, move }) {
    const { L } = ctx;
    const size = L.size(before);
    if (len < 1 || off < 0 || off >= size) return undefined;
    // A full pipe takes nothing under any policy (KernelVariant.spliceToPipe returns 0): skip the copy.
    if (L.count(before, 0) >= L.S) return undefined;
    const s = copyState(before);
    const n = ctx.kernel.spliceToPipe(ctx, s, off, Math.min(len, size - off), move ?? false);
    return n > 0 ? { state: s } : undefined;
  },
};
