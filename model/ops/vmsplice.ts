import { range0, type Operation } from './operation.js';
import { copyState } from '../state.js';

/**
 * vmsplice(pipe, {user page, 4096}, gift ? SPLICE_F_GIFT : 0) of one whole,
 * page-aligned user page: what enters the pipe is the kernel variant's policy.
 */
export const vmsplice: Operation<'vmsplice'> = {
  name: 'vmsplice',
  summary: 'vmsplice(user page -> pipe)',
  domain(b) {
    return [false, true].flatMap((gift) =>
      range0(b.userPages).map((page) => ({ op: 'vmsplice' as const, page, gift })),
    );
  },
  apply(ctx, before, { page, gift }) {
    const { L } = ctx;
    if (page < 0 || page >= L.U) return undefined;
    const s = copyState(before);
    return ctx.kernel.vmspliceToPipe(ctx, s, page, gift ?? false) ? { state: s } : undefined;
  },
};
