import { zeroEofBlockTail, zeroFileRange } from '../pagecache.js';
import { maxFileCells } from '../bounds.js';
import { range0, type Operation } from './operation.js';

/**
 * ftruncate(size): shrinking, folios wholly beyond the new EOF leave the page
 * cache and the folio that straddles EOF has its tail zeroed in place;
 * growing adds zeroes.
 */
export const truncate: Operation<'truncate'> = {
  name: 'truncate',
  summary: 'ftruncate()',
  domain(b) {
    return [...range0(maxFileCells(b) + 1)].map((size) => ({ op: 'truncate' as const, size }));
  },
  apply(ctx, before, { size }) {
    const { L } = ctx;
    if (size < 0 || size > L.P * L.C) return undefined;
    const s = before.slice();
    const old = L.size(s);
    if (size < old) {
      // truncate_pagecache -> truncate_inode_pages_range(mapping, size, -1): to the end of the mapping.
      zeroFileRange(ctx, s, size, L.P * L.C);
      for (let c = size; c < old; c++) L.setLogical(s, c, 0);
    } else {
      // ext4_truncate zeroes the partial EOF block even when the size does not change.
      zeroEofBlockTail(ctx, s, old);
    }
    L.setSize(s, size);
    return { state: s };
  },
};
