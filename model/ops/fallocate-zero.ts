import { copyState } from '../state.js';
import { fileLength, fileOffset } from './args.js';
import { fallocatePunch } from './fallocate-punch.js';
import { defineOperation } from './operation.js';

/**
 * fallocate(ZERO_RANGE, off, len): the page cache is treated as a punch of
 * the same range treats it (measured on 6.18 with a spliced file: ext4 and
 * btrfs drop the folios wholly inside and zero the partial ones in place, so
 * the pipe sees zeroes there; xfs zeroes and drops every folio the range
 * touches), and the range reads as zeroes; without KEEP_SIZE a range past
 * EOF grows the file to its end. A file system without ZERO_RANGE (tmpfs)
 * fails the call with EOPNOTSUPP.
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
    if (!ctx.fs.fallocateModes.includes('zero')) return { state: copyState(before), failed: 'EOPNOTSUPP' };
    const punched = fallocatePunch.apply(ctx, before, { op: 'fallocate-punch', off, len });
    if (!punched) return undefined;
    if (off + len > L.size(punched.state)) L.setSize(punched.state, off + len);
    return punched;
  },
});
