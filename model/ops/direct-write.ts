import { removeFromCache, writeBack, writeBackAndInvalidate } from '../pagecache.js';
import { PAGE_BYTES } from '../fs/units.js';
import { ANY_MAPPING, copyState, F_DIRTY, type State } from '../state.js';
import type { ModelContext } from '../context.js';
import { dataValue, fileLength, fileOffset } from './args.js';
import { defineOperation } from './operation.js';
import { write } from './write.js';

/**
 * pwrite(off, len, value) on a second fd opened O_DIRECT, from an aligned
 * buffer. Measured on 6.18 (splice page 0 of a 4-page file, direct-write,
 * read the pipe; order-0 and one large folio, dirty and clean):
 *
 * | file system | pipe reader sees | page cache afterwards |
 * | --- | --- | --- |
 * | ext4, ext4-1k, xfs | old | every folio the range touches is gone (a 4-page folio whole) |
 * | btrfs | new | the pipe-held page stays (buffered fallback); others in the range gone |
 * | tmpfs | new | unchanged: a buffered write |
 *
 * ext4 and xfs write back and invalidate the range's folios first
 * (kiocb_invalidate_pages), even one a pipe holds, then write the disk. btrfs
 * falls back to a buffered write when the range is not 4 KiB-aligned or a
 * folio in it cannot be invalidated, then writes the range back and drops
 * what it can. xfs writes an unaligned range of a file that had blocks
 * reflinked into it buffered (conform found it). The file system says which
 * (FsProfile.directWriteMode). No write of whole cells (512 bytes or
 * more) fails with EINVAL here (FsProfile.directWriteAlign).
 */
export const directWrite = defineOperation({
  name: 'direct-write',
  summary: 'pwrite() on an O_DIRECT fd (bypasses the page cache where the file system can)',
  args: { off: fileOffset, len: fileLength, value: dataValue },
  enumerate: ['value', 'off', 'len'],
  conformWeight: 2,
  inDefaultEnvironment: false,
  // Whether copy-file-range reflinked blocks into the file (xfs then writes unaligned ranges buffered).
  needs: ['fileState'],
  cellsMoved: ({ step }) => step.len,
  apply(ctx, before, step) {
    const { L } = ctx;
    const { off, len, value } = step;
    if (len < 1 || off < 0 || off + len > L.P * L.C) return undefined;
    const cellBytes = PAGE_BYTES / L.C;
    const align = ctx.fs.directWriteAlign;
    if (align > 0 && cellBytes % align !== 0) return { state: copyState(before), failed: 'EINVAL' };
    const firstPage = Math.floor(off / L.C);
    const lastPage = Math.floor((off + len - 1) / L.C);
    const buffered = { op: 'write', off, len, value } as const;
    const aligned = off % L.C === 0 && (off + len) % L.C === 0;
    const mode = ctx.fs.directWriteMode(ctx, before, firstPage, lastPage, aligned);
    if (mode === 'refused') return { state: copyState(before), failed: 'EINVAL' };
    if (mode === 'buffered') return write.apply(ctx, before, buffered);
    if (mode === 'buffered-then-drop') {
      const r = write.apply(ctx, before, buffered);
      if (r) dropWrittenRange(ctx, r.state, firstPage, lastPage);
      return r;
    }
    const s = copyState(before);
    writeBackAndInvalidate(L, s, firstPage, lastPage);
    for (let c = off; c < off + len; c++) L.setDisk(s, c, value);
    L.setBlocks(s, firstPage, lastPage + 1, true);
    L.fillLogical(s, off, off + len, value);
    if (off + len > L.size(s)) L.setSize(s, off + len);
    return { state: s };
  },
});

/**
 * After a buffered fallback (btrfs, `buffered-then-drop`): the range is written back and
 * invalidate_mapping_pages drops the clean order-0 folios nobody maps or holds.
 */
function dropWrittenRange(ctx: ModelContext, s: State, firstPage: number, lastPage: number): void {
  const { L } = ctx;
  for (let p = firstPage; p <= lastPage; p++) {
    const f = L.pageFolio(s, p);
    if (f < 0) continue;
    if (L.folioFlags(s, f) & F_DIRTY) writeBack(L, s, f);
    if (L.folioPages(s, f) === 1 && (L.folioFlags(s, f) & ANY_MAPPING) === 0 && L.folioRefs(s, f) === 0)
      removeFromCache(L, s, f);
  }
}
