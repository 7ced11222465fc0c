import { zeroFileRange } from '../pagecache.js';
import { copyState, FILE_REFLINKED } from '../state.js';
import { dropPrivateCopiesFrom } from '../user-memory.js';
import { fileSize } from './args.js';
import { defineOperation } from './operation.js';

/**
 * ftruncate(size): shrinking, folios wholly beyond the new EOF leave the page
 * cache and the folio that straddles EOF has its tail zeroed in place;
 * growing adds zeroes.
 */
export const truncate = defineOperation({
  name: 'truncate',
  summary: 'ftruncate()',
  args: { size: fileSize },
  conformWeight: 2,
  apply(ctx, before, { size }) {
    const { L } = ctx;
    if (size < 0 || size > L.P * L.C) return undefined;
    const s = copyState(before);
    const old = L.size(s);
    if (size <= old) {
      // truncate_pagecache -> truncate_inode_pages_range(mapping, size, -1): to the end of the mapping.
      // ext4_setattr calls it, and ext4_truncate (zeroing the partial EOF block), for the same
      // size too: a clean large folio straddling EOF splits and the partial page is dirtied
      // (measured on 6.18: 2-page folio on a 3-cell file (C=2), truncate 3 -> 1 1, page 1 dirty).
      // xfs zeroes the new EOF block's tail through the cache first (xfs_setattr_size ->
      // xfs_truncate_page), for the same size too: the partial folio is dirty, so a pipe-held
      // large folio that cannot split stays cached (measured on 6.18: conform, xfs, seed 1).
      ctx.fs.beforeShrink(ctx, s, size);
      zeroFileRange(ctx, s, size, L.P * L.C, true);
      for (let c = size; c < old; c++) L.setLogical(s, c, 0);
      // The blocks past the new EOF block are freed.
      L.setBlocks(s, L.pagesInFile(size), L.P, false);
    } else {
      // ext4 zeroes the partial old EOF block first, then truncate_pagecache(new size); tmpfs does neither.
      ctx.fs.grow(ctx, s, old, size);
    }
    // truncate_pagecache unmaps the pages from round_up(size) on, private copies too (even_cows).
    dropPrivateCopiesFrom(L, s, L.pagesInFile(size));
    L.setSize(s, size);
    // xfs_itruncate_clear_reflink_flags: no extents left, the file is no longer a reflink one.
    if (size === 0 && L.fileFlags(s) & FILE_REFLINKED) L.setFileFlags(s, L.fileFlags(s) & ~FILE_REFLINKED);
    return { state: s };
  },
});
