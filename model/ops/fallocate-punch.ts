import { punchDroppingTouchedPages, zeroFileRange } from '../pagecache.js';
import { copyState } from '../state.js';
import { fileLength, fileOffset } from './args.js';
import { defineOperation } from './operation.js';

/**
 * fallocate(PUNCH_HOLE | KEEP_SIZE, off, len): folios wholly inside the range
 * leave the page cache (a pipe reference keeps the old folio alive with its
 * old data); a folio only partly inside has the covered cells zeroed in
 * place. The size does not change; the part past EOF is a no-op.
 */
export const fallocatePunch = defineOperation({
  name: 'fallocate-punch',
  summary: 'fallocate(PUNCH_HOLE|KEEP_SIZE)',
  args: { off: fileOffset, len: fileLength },
  conformWeight: 3,
  apply(ctx, before, { off, len }) {
    const { L } = ctx;
    if (len < 1 || off < 0 || off + len > L.P * L.C) return undefined;
    const s = copyState(before);
    const size = L.size(s);
    // ext4 and shmem zero up to the end of the page holding EOF, no further;
    // ext4 does nothing from EOF on, and extends a range that runs past EOF to
    // that page's end (ext4_punch_hole).
    const eofPageEnd = L.pagesInFile(size) * L.C;
    if (ctx.fs.punchDropsTouchedPages) {
      // xfs: every page the range touches is written back and dropped first, even past EOF
      // (xfs_flush_unmap_range rounds the unclipped range out to pages: a large folio that
      // straddles EOF goes whole; measured on 6.18, conform seed 31).
      punchDroppingTouchedPages(ctx, s, off, len);
      for (let c = off; c < Math.min(off + len, size); c++) L.setLogical(s, c, 0);
      return { state: s };
    }
    if (ctx.fs.punchExtendsToEofPage && off >= size) return { state: s };
    const end = ctx.fs.punchExtendsToEofPage && off + len > size ? eofPageEnd : Math.min(off + len, eofPageEnd);
    zeroFileRange(ctx, s, off, end);
    for (let c = off; c < Math.min(off + len, size); c++) L.setLogical(s, c, 0);
    return { state: s };
  },
});
