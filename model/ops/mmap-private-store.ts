import { copyState, F_PRIVATE, F_UPTODATE } from '../state.js';
import { dataValue, fileOffset } from './args.js';
import { defineOperation } from './operation.js';

/**
 * A store of `value` at `off` through a MAP_PRIVATE mapping of the file. The
 * first store to a page is a write fault (do_cow_fault): the page is read
 * through the page cache as a fault of a shared mapping reads it (FsProfile.faultPage:
 * on a file system with readahead the read-around brings in the whole small
 * file) and copied into a private anonymous page, which takes the store. A
 * later store to that page changes the copy only. The file's folios, the
 * disk and the pipes never change, so a pipe reader sees nothing of it.
 * Beyond EOF the store raises SIGBUS: not a step.
 *
 * Measured on 6.18 (a 4-page file, page 0 spliced into the pipe, pages 1-3
 * evicted, stores at page 0 and page 2, then the pipe and the file read):
 *
 * | | ext4, ext4 1 KiB, xfs, btrfs | tmpfs |
 * | --- | --- | --- |
 * | pipe reads | the old data | the old data |
 * | file reads | the old data | the old data |
 * | cached after the store to page 0 (cached) | page 0 only | every page |
 * | cached after the store to page 2 (evicted) | every page (read-around) | every page |
 * | the mapping reads, after a pwrite to page 1 | its copies at 0 and 2, the new data at 1 | the same |
 *
 * The copy is the process's (F_PRIVATE, `privateFolio`): truncate drops the
 * copies of pages past the new EOF (unmap_mapping_range with even_cows),
 * punch and zero-range keep them, unlink drops them all.
 */
export const mmapPrivateStore = defineOperation({
  name: 'mmap-private-store',
  summary: 'store through a MAP_PRIVATE mapping (copy on write)',
  args: { off: fileOffset, value: dataValue },
  enumerate: ['value', 'off'],
  conformWeight: 2,
  needs: ['privateMapping'],
  inDefaultEnvironment: false,
  cellsMoved: () => 1,
  apply(ctx, before, { off, value }) {
    const { L } = ctx;
    if (off < 0 || off >= L.size(before)) return undefined;
    const s = copyState(before);
    const page = Math.floor(off / L.C);
    let p = L.privateFolio(s, page);
    if (p < 0) {
      const f = ctx.fs.faultPage(ctx, s, page);
      p = L.allocFolio(s, 1, F_UPTODATE | F_PRIVATE, page);
      const base = (page - L.folioIndex(s, f)) * L.C;
      for (let i = 0; i < L.C; i++) L.setFolioCell(s, p, i, L.folioCell(s, f, base + i));
      L.setPrivateFolio(s, page, p);
    } else {
      // The copy may be in a pipe (vmsplice from the private mapping): the variant's in-place policy.
      p = ctx.kernel.beforeInPlaceChange(ctx, s, p);
    }
    L.setFolioCell(s, p, off % L.C, value);
    return { state: s };
  },
});
