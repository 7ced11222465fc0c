import { writeBackPages, zeroFileRange } from '../pagecache.js';
import { copyState, FILE_REFLINKED } from '../state.js';
import { dataValue, fileLength, fileOffset } from './args.js';
import { defineOperation } from './operation.js';
import { write } from './write.js';

/**
 * copy_file_range(src, 0, file, off, len) from a second file of the same
 * file system filled with `value` (one page longer than the copy, so a
 * reflink never ends at the source's EOF). Measured on 6.18 (splice page 0
 * of a 4-page file, copy, read the pipe; order-0 and one large folio):
 *
 * | file system | whole 4 KiB blocks at a block-aligned `off` | less than a block, or unaligned |
 * | --- | --- | --- |
 * | ext4, ext4-1k, tmpfs | new (a buffered copy) | new |
 * | xfs (reflink=1), btrfs | old (order-0 folio), zeroes (large folio) | new (falls back to the copy) |
 *
 * Where it reflinks, the length is rounded down to whole blocks and the call
 * returns less (6144 bytes asked, 4096 copied).
 *
 * A reflink writes back the destination's folios over the range, truncates
 * the page cache there (truncate_inode_pages_range: the pipe keeps an order-0
 * folio; a large one it holds is zeroed over the range in place and leaves
 * the cache) and shares the source's blocks (FsProfile.reflinkCells).
 */
export const copyFileRange = defineOperation({
  name: 'copy-file-range',
  summary: 'copy_file_range() from another file (xfs and btrfs reflink whole blocks)',
  args: { off: fileOffset, len: fileLength, value: dataValue },
  enumerate: ['value', 'off', 'len'],
  conformWeight: 2,
  inDefaultEnvironment: false,
  // A reflink marks the file (FILE_REFLINKED: xfs's XFS_DIFLAG2_REFLINK).
  needs: ['fileState'],
  cellsMoved: ({ L, fs, step }) => fs.reflinkCells(L, step.off, step.len) || step.len,
  apply(ctx, before, step) {
    const { L } = ctx;
    const { off, len, value } = step;
    if (len < 1 || off < 0 || off + len > L.P * L.C) return undefined;
    const n = ctx.fs.reflinkCells(L, off, len);
    if (n === 0) return write.apply(ctx, before, { op: 'write', off, len, value });
    const s = copyState(before);
    const end = off + n;
    // Past EOF: the old EOF block's tail is zeroed first, as for a write there.
    if (Math.floor(off / L.C) > Math.floor(L.size(s) / L.C)) ctx.fs.extendPastEof(ctx, s, L.size(s));
    writeBackPages(L, s, off / L.C, end / L.C - 1);
    // xfs_reflink_remap_prep flushes and unmaps from the old EOF on when the copy starts past it.
    ctx.fs.beforeRangeTruncate(ctx, s, Math.floor(Math.min(off, L.size(s)) / L.C), end / L.C - 1);
    zeroFileRange(ctx, s, off, end);
    for (let c = off; c < end; c++) L.setDisk(s, c, value);
    // The remapped blocks are the file's now: its pages there are blocks, not holes.
    L.setBlocks(s, off / L.C, end / L.C, true);
    L.fillLogical(s, off, end, value);
    if (end > L.size(s)) L.setSize(s, end);
    L.setFileFlags(s, L.fileFlags(s) | FILE_REFLINKED);
    return { state: s };
  },
});
