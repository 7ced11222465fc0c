import { removeFromCache } from '../pagecache.js';
import { copyState, FILE_UNLINKED } from '../state.js';
import { dropPrivateCopy } from '../user-memory.js';
import { defineOperation } from './operation.js';

/**
 * unlink() the file, close every fd of it and munmap every mapping of it;
 * the pipes (and the socket) stay. With its last reference gone the inode is
 * evicted (nlink 0): truncate_inode_pages_final takes every folio out of the
 * page cache, dirty or not, without writeback, and without zeroing any part
 * of a page (the whole range goes, so there is no partial page). A pipe
 * buffer holds a reference to the folio, not to the file, so what was
 * spliced stays readable, with the data the page held at the unlink: the
 * change a pwrite made after the splice is seen, nothing after it can be.
 * Measured on 6.18 on ext4 (4 KiB and 1 KiB blocks), xfs, btrfs and tmpfs:
 * fill a 2-page file, splice page 0 into the pipe, store through a shared
 * mapping (or pwrite 512 bytes), unlink, close, munmap, read the pipe: the
 * stored data and the old rest, on every one.
 *
 * Afterwards no operation on the file is enabled (`usesFile` in the
 * descriptor; writeback and evict included: they need an fd), and neither
 * is a second unlink. The model forgets the file: size 0, disk and ghost
 * zero, no blocks, so states that differ only in a file nobody can reach
 * are one.
 * Private copies of a MAP_PRIVATE mapping go with the mapping.
 */
export const unlink = defineOperation({
  name: 'unlink',
  summary: 'unlink() the file and close its fds and mappings (the pipes stay)',
  args: {},
  conformWeight: 1,
  needs: ['fileState'],
  inDefaultEnvironment: false,
  apply(ctx, before) {
    const { L } = ctx;
    const s = copyState(before);
    for (let page = 0; page < L.P; page++) {
      const f = L.pageFolio(s, page);
      if (f >= 0) removeFromCache(L, s, f);
      dropPrivateCopy(L, s, page);
    }
    for (let c = 0; c < L.P * L.C; c++) {
      L.setDisk(s, c, 0);
      L.setLogical(s, c, 0);
    }
    L.setSize(s, 0);
    L.setFilePos(s, 0);
    L.setBlocks(s, 0, L.P, false);
    // Only the unlink is left of the file's flags (a reflink of a file nobody can reach is no state).
    L.setFileFlags(s, FILE_UNLINKED);
    return { state: s };
  },
});
