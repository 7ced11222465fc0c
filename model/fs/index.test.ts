import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FS,
  DEFAULT_RELEASE,
  EXT4,
  FS_LIST,
  FS_PROFILE_IDS,
  fsProfileById,
  recogniseProbe,
  TMPFS,
  XFS,
} from './index.js';
import { EXT4_1K } from './ext4-1k.js';
import { TMPFS_HUGE } from './tmpfs-huge.js';

const HOOKS = [
  'recognise',
  'unbuildableInitial',
  'writeFolio',
  'loadPage',
  'faultPage',
  'spliceReadPage',
  'evict',
  'zeroUncachedPartialPage',
  'invalidateBlocks',
  'partlyTruncatedLargeFolio',
  'punch',
  'zeroRange',
  'extendPastEof',
  'grow',
  'beforeShrink',
  'directWriteMode',
  'reflinkCells',
  'beforeShift',
] as const;

describe('the file-system profile list', () => {
  it('has unique ids, ext4 first and the default, and Linux 6.18 is modelled by default', () => {
    expect(FS_PROFILE_IDS).toEqual(['ext4', 'ext4-1k', 'xfs', 'btrfs', 'tmpfs', 'tmpfs-huge']);
    expect(DEFAULT_FS).toBe(EXT4);
    expect(fsProfileById('xfs')).toBe(XFS);
    expect(fsProfileById('zfs')).toBeUndefined();
    expect(DEFAULT_RELEASE).toBe('6.18');
  });

  it('gives every hook of every profile a named function (the generated table shows the names)', () => {
    for (const fs of FS_LIST)
      for (const hook of HOOKS) {
        expect(typeof fs[hook], `${fs.id}.${hook}`).toBe('function');
        expect(fs[hook].name, `${fs.id}.${hook}`).toMatch(/^[a-z]\w+$/);
      }
  });

  it('builds profiles on others by composing hooks: xfs and ext4-1k on ext4, tmpfs-huge on tmpfs', () => {
    expect(XFS.loadPage).toBe(EXT4.loadPage);
    expect(XFS.punch).not.toBe(EXT4.punch);
    expect(EXT4_1K.writeFolio).toBe(EXT4.writeFolio);
    expect(EXT4_1K.extendPastEof).not.toBe(EXT4.extendPastEof);
    expect(TMPFS_HUGE.spliceReadPage).toBe(TMPFS.spliceReadPage);
    expect(TMPFS_HUGE.writeFolio).not.toBe(TMPFS.writeFolio);
  });

  it('lets each profile recognise its own probe', () => {
    const probe = { blockSize: 4096, largeFolios: true, evictable: true };
    const pick = (p: Parameters<typeof recogniseProbe>[0]) => {
      const r = recogniseProbe(p);
      return 'known' in r ? r.known : [r.profile.id, r.answer.ok];
    };
    expect(pick({ ...probe, fsType: 'ext4' })).toEqual(['ext4', true]);
    expect(pick({ ...probe, fsType: 'ext4', blockSize: 1024 })).toEqual(['ext4-1k', true]);
    expect(pick({ ...probe, fsType: 'btrfs' })).toEqual(['btrfs', false]);
    expect(pick({ ...probe, fsType: 'tmpfs', evictable: false })).toEqual(['tmpfs-huge', true]);
    expect(pick({ ...probe, fsType: 'tmpfs', evictable: false, largeFolios: false })).toEqual(['tmpfs', true]);
    expect(pick({ ...probe, fsType: 'zfs' })).toEqual(['ext4', 'xfs', 'btrfs', 'tmpfs']);
  });
});
