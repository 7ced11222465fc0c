import { PAGE_BYTES } from '../fs/units.js';
import { copyState } from '../state.js';
import { fileLength, fileOffset } from './args.js';
import { defineOperation } from './operation.js';

/**
 * fallocate(INSERT_RANGE, off, len): a hole of `len` cells opens at `off`
 * and what was there moves up; the size grows by `len`. As for a collapse
 * (fallocate-collapse), ext4 and xfs write back and drop the page cache from
 * the offset's page to EOF first (xfs from the page before it), so a pipe
 * keeps the old data of a dropped order-0 folio; a pipe-held large folio
 * straddling the first dropped page is zeroed from there before it leaves.
 *
 * Measured on 6.18 (4-page file, page i holding i + 1):
 *
 * | case | ext4, ext4-1k | xfs |
 * | --- | --- | --- |
 * | splice page 1, insert a page at page 1 | pipe 2; file 1 0 2 3 4 | same |
 * | order-0 folios, splice pages 0-3, insert at page 3, pwrite pages 0 and 2 | the pipe sees both | only page 0's |
 * | one 4-page folio, splice pages 0-3, insert at page 2 | pipe 1 2 0 0 | pipe 1 0 0 0 |
 * | ext4-1k: splice page 0, insert 1 KiB at 2 KiB, pwrite at 0 | pipe keeps the old page | (EINVAL) |
 *
 * Fails with EOPNOTSUPP on btrfs and tmpfs; with EINVAL where `off` or
 * `len` is not a multiple of the block size (FsProfile.blockBytes) or `off`
 * is at or past EOF. Not enabled when the file would outgrow the bounds
 * (pages * cells), whatever the file system would say (the oracle skips it).
 */
export const fallocateInsert = defineOperation({
  name: 'fallocate-insert',
  summary: 'fallocate(INSERT_RANGE)',
  args: { off: fileOffset, len: fileLength },
  conformWeight: 2,
  inDefaultEnvironment: false,
  apply(ctx, before, { off, len }) {
    const { L } = ctx;
    const total = L.P * L.C;
    const size = L.size(before);
    if (len < 1 || off < 0 || off + len > total || size + len > total) return undefined;
    const s = copyState(before);
    if (!ctx.fs.fallocateModes.includes('insert')) return { state: s, failed: 'EOPNOTSUPP' };
    const cellBytes = PAGE_BYTES / L.C;
    if ((off * cellBytes) % ctx.fs.blockBytes !== 0 || (len * cellBytes) % ctx.fs.blockBytes !== 0)
      return { state: s, failed: 'EINVAL' };
    if (off >= size) return { state: s, failed: 'EINVAL' };
    ctx.fs.beforeShift(ctx, s, off, len, false);
    for (let c = total - 1; c >= off; c--) {
      const from = c - len;
      const inside = from >= off && from < size;
      L.setDisk(s, c, inside ? L.disk(s, from) : 0);
      L.setLogical(s, c, inside ? L.logical(s, from) : 0);
    }
    // The extents shift too, leaving a hole (block-aligned: whole pages where blocks are pages).
    if (L.tracksExtents && off % L.C === 0 && len % L.C === 0) {
      const filePages = L.pagesInFile(size);
      for (let p = L.P - 1; p >= off / L.C; p--) {
        const from = p - len / L.C;
        L.setBlocks(s, p, p + 1, from >= off / L.C && from < filePages && L.hasBlocks(s, from));
      }
    }
    L.setSize(s, size + len);
    return { state: s };
  },
});
