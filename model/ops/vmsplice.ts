import { copyState } from '../state.js';
import { flag, memoryPage, memorySource } from './args.js';
import { defineOperation } from './operation.js';

/**
 * vmsplice(pipe, {page, 4096}, gift ? SPLICE_F_GIFT : 0) of one whole,
 * page-aligned page of user memory: what enters the pipe is the kernel
 * variant's policy. `source` says what the memory is: the process's
 * anonymous pages (`anon`, the default), or a MAP_SHARED (`file-shared`) or
 * MAP_PRIVATE (`file-private`) mapping of the file, page `page` of it
 * (user-memory.ts `memoryPage`: under linux the pipe then references the
 * page-cache page, or the private copy a store made, and sees what later
 * changes them). A mapped page past EOF faults (EFAULT): not a step, as a
 * store there is not; nor is a mapping of a file that was unlinked.
 * The environment takes the file sources only where a constraint names
 * them (`{ "op": "vmsplice", "source": ["file-shared"] }`).
 */
export const vmsplice = defineOperation({
  name: 'vmsplice',
  summary: 'vmsplice(user page -> pipe)',
  args: { page: memoryPage, gift: flag, source: memorySource },
  enumerate: ['source', 'gift', 'page'],
  conformWeight: 2,
  // Anonymous user memory works after unlink; a mapping of the file does not (checked below).
  usesFile: false,
  cellsMoved: ({ L }) => L.C,
  apply(ctx, before, { page, gift, source }) {
    const { L } = ctx;
    if (source === 'anon' ? page < 0 || page >= L.U : page < 0 || page >= L.pagesInFile(L.size(before)))
      return undefined;
    if (source !== 'anon' && L.unlinked(before)) return undefined;
    const s = copyState(before);
    return ctx.kernel.vmspliceToPipe(ctx, s, page, gift, source) ? { state: s } : undefined;
  },
});
