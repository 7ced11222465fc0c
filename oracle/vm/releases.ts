/**
 * The kernels `--vm RELEASE` can boot, and the file systems a guest mounts.
 * No imports: the command line's option table reads it when parsing.
 */
import type { KernelRelease } from '../../model/fs/release.js';

/** The packages every `--vm` needs (Debian 12 names), as the install line says them. */
export const VM_PACKAGES: readonly string[] = [
  'qemu-system-x86',
  'busybox-static',
  'linux-image-cloud-amd64',
  'xfsprogs',
  'btrfs-progs',
  'cpio',
];

/** What `--vm` needs: the line that installs it. */
export const APT_LINE = `apt-get install ${VM_PACKAGES.join(' ')}`;

/** A release `--vm` accepts: the Debian package whose kernel is booted. */
export interface VmReleaseInfo {
  /** A release the model describes (model/fs/release.ts): the model side of a comparison models it. */
  readonly release: KernelRelease;
  /** Where the kernel comes from, in words. */
  readonly distribution: string;
  /** The Debian package that installs it (/boot/vmlinuz-RELEASE.* and /lib/modules/RELEASE.*). */
  readonly kernelPackage: string;
}

export const VM_RELEASES: readonly VmReleaseInfo[] = [
  { release: '6.1', distribution: "Debian 12's cloud kernel", kernelPackage: 'linux-image-cloud-amd64' },
];

/** The file systems every guest mounts, each at /mnt/NAME (ext4, xfs, btrfs on virtio disks; tmpfs in memory). */
export const GUEST_FILE_SYSTEMS = ['ext4', 'xfs', 'btrfs', 'tmpfs'] as const;
export type GuestFs = (typeof GUEST_FILE_SYSTEMS)[number];

/** The `--fs` a guest uses when none is given. */
export const DEFAULT_GUEST_FS: GuestFs = 'ext4';

/** The release's entry, or undefined. */
export function vmRelease(release: string): VmReleaseInfo | undefined {
  return VM_RELEASES.find((r) => r.release === release);
}

/** Why `release` is not one `--vm` accepts, or undefined. */
export function vmReleaseProblem(release: string): string | undefined {
  if (vmRelease(release)) return undefined;
  const known = VM_RELEASES.map((r) => r.release).join(', ');
  return `--vm ${release}: not a release a VM can boot (accepted: ${known})`;
}

/**
 * The guest file system `--fs` names: `ext4`, `xfs`, `btrfs`, `tmpfs`, or its mount point `/mnt/NAME`;
 * undefined for anything else.
 */
export function guestFsOf(fs: string): GuestFs | undefined {
  const name = fs.startsWith('/mnt/') ? fs.slice('/mnt/'.length).replace(/\/+$/, '') : fs;
  return GUEST_FILE_SYSTEMS.find((f) => f === name);
}
