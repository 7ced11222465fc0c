import { userPage } from './args.js';
import { defineOperation } from './operation.js';
import { userUnmap } from './user-unmap.js';

/**
 * madvise(user page, MADV_DONTNEED): on private anonymous memory the page is
 * zapped (zap_page_range_single): a pipe that vmspliced it keeps the old page
 * and its data (measured on 6.18), and the process reads zeros until it
 * stores again. For anonymous memory that is what user-unmap does.
 */
export const userDontneed = defineOperation({
  name: 'user-dontneed',
  summary: 'madvise(MADV_DONTNEED) on the user page',
  args: { page: userPage },
  conformWeight: 1,
  usesFile: false,
  apply(ctx, before, { page }) {
    return userUnmap.apply(ctx, before, { op: 'user-unmap', page });
  },
});
