import { describe, expect, it } from 'vitest';
import { guestFsOf, vmReleaseProblem } from './releases.js';
import { APT_LINE, elfIsStatic, findKernel, findVmTools, missingMessage, type HostLook } from './requirements.js';

/** A machine with these programs, files and directories. */
function host(opts: { programs?: string[]; files?: string[]; dirs?: Record<string, string[]>; busybox?: boolean }) {
  const look: HostLook = {
    which: (p) => (opts.programs?.includes(p) ? `/usr/bin/${p}` : undefined),
    list: (d) => opts.dirs?.[d] ?? [],
    readable: (p) => opts.files?.includes(p) ?? false,
    staticElf: () => opts.busybox,
  };
  return look;
}

const ALL = ['qemu-system-x86_64', 'mkfs.xfs', 'mkfs.btrfs', 'cpio', 'mkfs.ext4', 'modprobe', 'gcc'];
const KERNEL = {
  dirs: {
    '/boot': ['vmlinuz-6.1.0-57-cloud-amd64', 'vmlinuz-6.1.0-9-cloud-amd64', 'vmlinuz-6.18.0-1-amd64'],
    '/lib/modules': ['6.1.0-57-cloud-amd64', '6.1.0-9-cloud-amd64', '6.18.0-1-amd64'],
  },
  files: [
    '/boot/vmlinuz-6.1.0-57-cloud-amd64',
    '/boot/vmlinuz-6.1.0-9-cloud-amd64',
    '/usr/lib/x86_64-linux-gnu/libc.a',
  ],
};

describe('what --vm needs (requirements.ts)', () => {
  it('is the exact apt-get line', () => {
    expect(APT_LINE).toBe(
      'apt-get install qemu-system-x86 busybox-static linux-image-cloud-amd64 xfsprogs btrfs-progs cpio',
    );
  });

  it('finds everything on a machine that has it, the newest 6.1 kernel with its modules', () => {
    const r = findVmTools('6.1', host({ programs: ALL, busybox: true, ...KERNEL }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.tools.kver).toBe('6.1.0-57-cloud-amd64');
    expect(r.tools.vmlinuz).toBe('/boot/vmlinuz-6.1.0-57-cloud-amd64');
    expect(r.tools.modules).toBe('/lib/modules/6.1.0-57-cloud-amd64');
    expect(r.tools.qemu).toBe('/usr/bin/qemu-system-x86_64');
  });

  it('names what is missing and the apt-get line, on a machine with nothing', () => {
    const r = findVmTools('6.1', host({}));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const msg = missingMessage('6.1', r.missing);
    expect(msg).toContain('qemu-system-x86_64 (qemu-system-x86)');
    expect(msg).toContain('a static busybox at /bin/busybox (busybox-static)');
    expect(msg).toContain("Debian 12's cloud kernel");
    expect(msg).toContain(`install with: ${APT_LINE}`);
    // What the line lacks is added to it.
    expect(msg).toMatch(/btrfs-progs cpio e2fsprogs kmod gcc$/);
  });

  it('asks for the kernel package alone when only the kernel is missing; a dynamic busybox is not enough', () => {
    const noKernel = findVmTools('6.1', host({ programs: ALL, busybox: true, files: KERNEL.files }));
    expect(noKernel.ok ? [] : noKernel.missing.map((m) => m.package)).toEqual(['linux-image-cloud-amd64']);
    const dynamic = findVmTools('6.1', host({ programs: ALL, busybox: false, ...KERNEL }));
    expect(dynamic.ok ? [] : dynamic.missing.map((m) => m.package)).toEqual(['busybox-static']);
    expect(missingMessage('6.1', dynamic.ok ? [] : dynamic.missing)).toMatch(/install with: apt-get install .*cpio$/);
  });

  it('wants a kernel whose image is readable and whose modules are installed', () => {
    const h = host({ dirs: KERNEL.dirs, files: ['/boot/vmlinuz-6.1.0-9-cloud-amd64'] });
    expect(findKernel('6.1', h)).toBe('6.1.0-9-cloud-amd64');
    expect(findKernel('6.1', host({ dirs: { '/boot': KERNEL.dirs['/boot'] }, files: KERNEL.files }))).toBe(undefined);
  });

  it('tells a static ELF from a dynamic one by its program interpreter', () => {
    const elf = (types: number[]): Buffer => {
      const b = Buffer.alloc(64 + 56 * types.length);
      b.writeUInt32BE(0x7f454c46, 0);
      b[4] = 2;
      b[5] = 1;
      b.writeBigUInt64LE(64n, 32);
      b.writeUInt16LE(56, 54);
      b.writeUInt16LE(types.length, 56);
      types.forEach((t, i) => b.writeUInt32LE(t, 64 + 56 * i));
      return b;
    };
    expect(elfIsStatic(elf([6, 1, 1]))).toBe(true);
    expect(elfIsStatic(elf([6, 3, 1]))).toBe(false);
    expect(elfIsStatic(Buffer.from('#!/bin/sh\n'.padEnd(64)))).toBe(undefined);
  });
});

describe('--vm releases and guest file systems (releases.ts)', () => {
  it('accepts 6.1 only, naming what it accepts', () => {
    expect(vmReleaseProblem('6.1')).toBe(undefined);
    expect(vmReleaseProblem('6.18')).toBe('--vm 6.18: not a release a VM can boot (accepted: 6.1)');
  });
  it('reads --fs as a guest file system or its mount point', () => {
    expect(guestFsOf('xfs')).toBe('xfs');
    expect(guestFsOf('/mnt/btrfs/')).toBe('btrfs');
    expect(guestFsOf('/tmp')).toBe(undefined);
    expect(guestFsOf('ext3')).toBe(undefined);
  });
});
