import { PAGE_BYTES } from '../fs/units.js';
import { copyState } from '../state.js';
import { dropPrivateCopiesFrom } from '../user-memory.js';
import { fileLength, fileOffset } from './args.js';
import { defineOperation } from './operation.js';

/**
 * fallocate(COLLAPSE_RANGE, off, len): the range leaves the file and what
 * follows moves down by `len`; the size shrinks by `len`. ext4 and xfs
 * write back and drop the page cache from the offset's page to EOF first
 * (xfs from the page before it: see FsProfile.beforeShift), so a pipe
 * that holds a dropped order-0 folio keeps the old data and a later write to
 * the file does not reach it; a pipe-held large folio straddling the first
 * dropped page is zeroed in place from there (xfs: only over the collapsed
 * range) before it leaves the cache, so the pipe reader sees zeroes there.
 * Pages after the shift are read back from disk; on xfs a new EOF inside a
 * page has that page read in, its tail zeroed, and dirtied (as a shrink).
 *
 * Measured on 6.18 (4-page file, page i holding i + 1, splice, collapse,
 * read the pipe; then the file):
 *
 * | case | ext4, ext4-1k | xfs |
 * | --- | --- | --- |
 * | splice page 1, collapse page 1 | pipe 2; file 1 3 4 | same |
 * | splice page 0, collapse page 1, pwrite page 0 | the pipe sees the write | pipe keeps 1 (page 0 dropped) |
 * | one 4-page folio, splice pages 0-3, collapse page 2 | pipe 1 2 0 0 | pipe 1 2 0 4 |
 * | ext4-1k: splice page 0, collapse 1 KiB at 1 KiB, pwrite at 0 | pipe keeps the old page | (EINVAL) |
 *
 * Fails with EOPNOTSUPP on btrfs and tmpfs (huge=never or always), before
 * any other check; with EINVAL where `off` or `len` is not a multiple of the
 * block size (4 KiB; 1 KiB on ext4-1k: FsProfile.blockBytes) or the range
 * reaches or passes EOF (it would be a truncate).
 */
export const fallocateCollapse = defineOperation({
  name: 'fallocate-collapse',
  summary: 'fallocate(COLLAPSE_RANGE)',
  args: { off: fileOffset, len: fileLength },
  conformWeight: 2,
  inDefaultEnvironment: false,
  apply(ctx, before, { off, len }) {
    const { L } = ctx;
    const total = L.P * L.C;
    if (len < 1 || off < 0 || off + len > total) return undefined;
    const s = copyState(before);
    if (!ctx.fs.fallocateModes.includes('collapse')) return { state: s, failed: 'EOPNOTSUPP' };
    ctx.fs.beforeCollapseChecks(ctx, s, off, len);
    const cellBytes = PAGE_BYTES / L.C;
    if ((off * cellBytes) % ctx.fs.blockBytes !== 0 || (len * cellBytes) % ctx.fs.blockBytes !== 0)
      return { state: s, failed: 'EINVAL' };
    const size = L.size(s);
    if (off + len >= size) return { state: s, failed: 'EINVAL' };
    ctx.fs.beforeShift(ctx, s, off, len, true);
    for (let c = off; c < total; c++) {
      const from = c + len;
      L.setDisk(s, c, from < size ? L.disk(s, from) : 0);
      L.setLogical(s, c, from < size ? L.logical(s, from) : 0);
    }
    // The extents shift too (block-aligned: whole pages where blocks are pages).
    if (L.tracksExtents && off % L.C === 0 && len % L.C === 0) {
      const filePages = L.pagesInFile(size);
      for (let p = off / L.C; p < L.P; p++) {
        const from = p + len / L.C;
        L.setBlocks(s, p, p + 1, from < filePages && L.hasBlocks(s, from));
      }
    }
    L.setSize(s, size - len);
    // The new size is set as a truncate sets it: copies past the new EOF go (even_cows).
    dropPrivateCopiesFrom(L, s, L.pagesInFile(size - len));
    // xfs then sets the size as a truncate does (xfs_falloc_setsize -> xfs_setattr_size): a new EOF
    // off a block boundary has its block's tail zeroed through the cache, so that page is read in
    // and dirty (FsProfile.beforeShrink; conform on xfs: a cold 3-cell file at 2 cells
    // a page, collapse(0, 2) -> page 0 cached on xfs, nothing on ext4). iomap_zero_range skips a
    // hole or unwritten block; the model cannot tell one from written zeroes once the page is
    // uncached, and reads the block in all the same (only the final folio structure differs).
    ctx.fs.beforeShrink(ctx, s, size - len);
    return { state: s };
  },
});
