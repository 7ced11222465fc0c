import { copyState } from '../state.js';
import { fileLength, fileOffset } from './args.js';
import { defineOperation } from './operation.js';

/**
 * fallocate(ZERO_RANGE, off, len): the page cache is treated much as a
 * punch of the same range treats it (measured on 6.18 with a spliced file: ext4 and
 * btrfs drop the folios wholly inside and zero the partial ones in place, so
 * the pipe sees zeroes there; xfs zeroes and drops every folio the range
 * touches), and the range reads as zeroes; without KEEP_SIZE a range past
 * EOF grows the file to its end (FsProfile.zeroRange). A file system without
 * ZERO_RANGE (tmpfs) fails the call with EOPNOTSUPP.
 */
export const fallocateZero = defineOperation({
  name: 'fallocate-zero',
  summary: 'fallocate(ZERO_RANGE)',
  args: { off: fileOffset, len: fileLength },
  conformWeight: 2,
  inDefaultEnvironment: false,
  apply(ctx, before, { off, len }) {
    const { L } = ctx;
    if (len < 1 || off < 0 || off + len > L.P * L.C) return undefined;
    const s = copyState(before);
    if (!ctx.fs.fallocateModes.includes('zero')) return { state: s, failed: 'EOPNOTSUPP' };
    const size = L.size(s);
    ctx.fs.zeroRange(ctx, s, off, len, size);
    for (let c = off; c < Math.min(off + len, size); c++) L.setLogical(s, c, 0);
    if (off + len > size) L.setSize(s, off + len);
    // The range is allocated (unwritten or preallocated extents, and the partial blocks zeroed).
    L.setBlocks(s, Math.floor(off / L.C), Math.ceil((off + len) / L.C), true);
    return { state: s };
  },
});
