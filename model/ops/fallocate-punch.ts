import { copyState } from '../state.js';
import { fileLength, fileOffset } from './args.js';
import { defineOperation } from './operation.js';

/**
 * fallocate(PUNCH_HOLE | KEEP_SIZE, off, len): folios wholly inside the range
 * leave the page cache (a pipe reference keeps the old folio alive with its
 * old data); a folio only partly inside has the covered cells zeroed in
 * place. The size does not change; the part past EOF is a no-op. How the
 * page cache, the disk and the blocks get there is the file system's
 * (FsProfile.punch: ext4 extends a range past EOF to the EOF page, xfs drops
 * every page it touches, btrfs skips holes, tmpfs zeroes in place).
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
    ctx.fs.punch(ctx, s, off, len);
    for (let c = off; c < Math.min(off + len, size); c++) L.setLogical(s, c, 0);
    return { state: s };
  },
});
