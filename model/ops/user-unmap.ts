import { zapUserPage } from '../user-memory.js';
import { copyState } from '../state.js';
import { userPage } from './args.js';
import { defineOperation } from './operation.js';

/**
 * munmap(user page) and mmap a fresh anonymous page at the same address: a
 * pipe that vmspliced the old page keeps it, with its old data (measured on
 * 6.18, with and without SPLICE_F_GIFT); the process reads zeros until it
 * stores to the page again.
 */
export const userUnmap = defineOperation({
  name: 'user-unmap',
  summary: 'munmap the user page and map a fresh one at the same address',
  args: { page: userPage },
  conformWeight: 1,
  usesFile: false,
  apply(ctx, before, { page }) {
    const { L } = ctx;
    if (page < 0 || page >= L.U) return undefined;
    const s = copyState(before);
    zapUserPage(L, s, page);
    return { state: s };
  },
});
