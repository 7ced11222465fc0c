import { copyState } from '../state.js';
import { flag, userPage } from './args.js';
import { defineOperation } from './operation.js';

/**
 * vmsplice(pipe, {user page, 4096}, gift ? SPLICE_F_GIFT : 0) of one whole,
 * page-aligned user page: what enters the pipe is the kernel variant's policy.
 */
export const vmsplice = defineOperation({
  name: 'vmsplice',
  summary: 'vmsplice(user page -> pipe)',
  args: { page: userPage, gift: flag },
  enumerate: ['gift', 'page'],
  conformWeight: 1,
  // Anonymous user memory: it works after unlink (a file-backed source would not).
  usesFile: false,
  cellsMoved: ({ L }) => L.C,
  apply(ctx, before, { page, gift }) {
    const { L } = ctx;
    if (page < 0 || page >= L.U) return undefined;
    const s = copyState(before);
    return ctx.kernel.vmspliceToPipe(ctx, s, page, gift) ? { state: s } : undefined;
  },
});
