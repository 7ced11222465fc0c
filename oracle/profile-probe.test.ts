import { describe, expect, it } from 'vitest';
import { profileForProbe } from './compare.js';
import type { FsProbe } from './kernel.js';

/** A probe result as the helper reports it (measured values of Linux 6.18 by default: ext4, 4 KiB blocks). */
function probe(over: Partial<FsProbe>): FsProbe {
  return {
    status: 'ok',
    fsType: 'ext4',
    magic: '0xef53',
    largeFolios: true,
    maxFolioPages: 512,
    write4Folios: [4],
    evictable: true,
    blockSize: 4096,
    pipeSlots: {},
    raw: '',
    ...over,
  };
}

const chosen = (p: FsProbe): string => {
  const r = profileForProbe(p);
  return r.ok ? r.profile.id : `refused: ${r.reason}`;
};

describe('--fs-profile auto: the profile a probe calls for', () => {
  it('picks each file system its own profile (as measured on 6.18)', () => {
    expect(chosen(probe({}))).toBe('ext4');
    expect(chosen(probe({ blockSize: 1024 }))).toBe('ext4-1k');
    expect(chosen(probe({ fsType: 'xfs', magic: '0x58465342' }))).toBe('xfs');
    const order0 = { largeFolios: false, maxFolioPages: 1, write4Folios: [1, 1, 1, 1] };
    expect(chosen(probe({ fsType: 'btrfs', magic: '0x9123683e', ...order0 }))).toBe('btrfs');
    expect(chosen(probe({ fsType: 'tmpfs', magic: '0x1021994', ...order0, evictable: false }))).toBe('tmpfs');
  });

  it('chooses tmpfs-huge for a tmpfs whose writes make large folios (huge=always)', () => {
    expect(chosen(probe({ fsType: 'tmpfs', evictable: false, write4Folios: [512] }))).toBe('tmpfs-huge');
    expect(chosen(probe({ fsType: 'tmpfs', evictable: false, largeFolios: false, write4Folios: [1, 1, 1, 1] }))).toBe(
      'tmpfs',
    );
  });

  it('says why it chose, with what the probe found', () => {
    const r = profileForProbe(probe({ fsType: 'xfs' }));
    expect(r.ok && r.why).toMatch(/xfs .*4096-byte blocks.*largest folio 512 pages.*-> xfs profile/);
  });

  it('refuses a file system no profile describes, naming what the probe found', () => {
    expect(chosen(probe({ fsType: 'vfat' }))).toMatch(/refused: no file-system profile describes vfat .*only/);
    // A btrfs with large folios (a later kernel) is not what the btrfs profile measured.
    expect(chosen(probe({ fsType: 'btrfs' }))).toMatch(/expects order-0 folios only/);
    expect(chosen(probe({ fsType: 'xfs', largeFolios: false }))).toMatch(/expects large folios/);
    expect(chosen(probe({ blockSize: 2048 }))).toMatch(/4096- and 1024-byte blocks only/);
    expect(chosen(probe({ fsType: 'tmpfs', largeFolios: null, evictable: false }))).toMatch(/kpageflags/);
  });
});
