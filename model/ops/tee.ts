import { range1, type Operation } from './operation.js';
import { copyState } from '../state.js';

/**
 * tee(pipe 0, pipe 1, len, SPLICE_F_NONBLOCK): duplicates the oldest buffers
 * of the main pipe into the second pipe without consuming them; what the
 * duplicate is (a reference or a copy) is the kernel variant's policy.
 */
export const tee: Operation<'tee'> = {
  name: 'tee',
  summary: 'tee(pipe -> second pipe)',
  domain(b) {
    return range1(b.slots * b.cells).map((len) => ({ op: 'tee' as const, len }));
  },
  apply(ctx, before, { len }) {
    if (len < 1) return undefined;
    const s = copyState(before);
    return ctx.kernel.teeToPipe(ctx, s, len) > 0 ? { state: s } : undefined;
  },
};
