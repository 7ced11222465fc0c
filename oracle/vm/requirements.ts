/**
 * What booting a kernel under qemu needs from this machine, found or named:
 * qemu-system-x86_64, the release's /boot/vmlinuz and /lib/modules, a static
 * busybox at /bin/busybox, mkfs for ext4, xfs and btrfs, cpio, modprobe, and
 * a C compiler with a static C library (the helper is built static for the
 * guest). When something is missing the message names the `apt-get install`
 * line that installs it (Debian 12 package names).
 */
import { accessSync, closeSync, constants, openSync, readdirSync, readSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { APT_LINE, VM_PACKAGES, vmRelease } from './releases.js';

export { APT_LINE, VM_PACKAGES };

/** Everything found, by path. */
export interface VmTools {
  readonly qemu: string;
  /** The kernel image (/boot/vmlinuz-KVER) and its version. */
  readonly vmlinuz: string;
  readonly kver: string;
  /** /lib/modules/KVER */
  readonly modules: string;
  readonly busybox: string;
  readonly mkfsExt4: string;
  readonly mkfsXfs: string;
  readonly mkfsBtrfs: string;
  readonly cpio: string;
  readonly modprobe: string;
  readonly cc: string;
}

/** One missing thing and the Debian package that has it. */
export interface Missing {
  readonly what: string;
  readonly package: string;
}

/** How the machine is looked at (the real one by default; tests pass their own). */
export interface HostLook {
  /** A program's path (PATH, then the sbin directories), or undefined. */
  which(name: string): string | undefined;
  /** A directory's entries ([] when it does not exist). */
  list(dir: string): string[];
  readable(path: string): boolean;
  /** Is this ELF file statically linked (no program interpreter)? undefined: not ELF, unreadable. */
  staticElf(path: string): boolean | undefined;
}

/** Whether an ELF image's program headers name an interpreter: false = static; undefined = not a 64-bit ELF. */
export function elfIsStatic(head: Buffer): boolean | undefined {
  if (head.length < 64 || head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2 || head[5] !== 1) return undefined;
  const phoff = Number(head.readBigUInt64LE(32));
  const phentsize = head.readUInt16LE(54);
  const phnum = head.readUInt16LE(56);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > head.length) return undefined;
    if (head.readUInt32LE(at) === 3 /* PT_INTERP */) return false;
  }
  return true;
}

function canRead(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** This machine. */
export const REAL_HOST: HostLook = {
  which(name) {
    const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
    for (const d of dirs.filter((x) => x.length > 0)) {
      try {
        accessSync(join(d, name), constants.X_OK);
        return join(d, name);
      } catch {
        /* next */
      }
    }
    return undefined;
  },
  list(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
  readable: canRead,
  staticElf(path) {
    try {
      const fd = openSync(path, 'r');
      try {
        const buf = Buffer.alloc(4096);
        const n = readSync(fd, buf, 0, buf.length, 0);
        return elfIsStatic(buf.subarray(0, n));
      } finally {
        closeSync(fd);
      }
    } catch {
      return undefined;
    }
  },
};

/** Compare kernel versions the way `sort -V` would (numbers as numbers). */
function versionOrder(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const d = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (d !== 0) return d;
  }
  return 0;
}

/** The newest installed kernel of `release` that has its modules: its version, or undefined. */
export function findKernel(release: string, host: HostLook): string | undefined {
  const kvers = host
    .list('/boot')
    .filter((f) => f.startsWith(`vmlinuz-${release}.`))
    .map((f) => f.slice('vmlinuz-'.length))
    .filter((k) => host.list('/lib/modules').includes(k) && host.readable(`/boot/vmlinuz-${k}`));
  return kvers.sort(versionOrder).at(-1);
}

const STATIC_LIBC = ['/usr/lib/x86_64-linux-gnu/libc.a', '/usr/lib64/libc.a', '/usr/lib/libc.a'];

/** The programs looked up on PATH: the VmTools key, the program, the package that has it. */
const PROGRAMS = [
  ['qemu', 'qemu-system-x86_64', 'qemu-system-x86'],
  ['mkfsXfs', 'mkfs.xfs', 'xfsprogs'],
  ['mkfsBtrfs', 'mkfs.btrfs', 'btrfs-progs'],
  ['cpio', 'cpio', 'cpio'],
  ['mkfsExt4', 'mkfs.ext4', 'e2fsprogs'],
  ['modprobe', 'modprobe', 'kmod'],
  ['cc', 'gcc', 'gcc'],
] as const;

/** What `--vm release` needs, found; or what is missing. */
export function findVmTools(
  release: string,
  host: HostLook = REAL_HOST,
): { ok: true; tools: VmTools } | { ok: false; missing: Missing[] } {
  const info = vmRelease(release);
  if (!info) throw new RangeError(`no VM release ${release}`);
  const missing: Missing[] = [];
  const found: Record<string, string> = {};
  for (const [key, program, pkg] of PROGRAMS) {
    const p = host.which(program);
    if (p) found[key] = p;
    else missing.push({ what: program, package: pkg });
  }
  if (host.staticElf('/bin/busybox') !== true)
    missing.push({ what: 'a static busybox at /bin/busybox', package: 'busybox-static' });
  if (found['cc'] && !STATIC_LIBC.some((p) => host.readable(p)))
    missing.push({ what: 'the static C library (libc.a)', package: 'libc6-dev' });
  const kver = findKernel(release, host);
  if (!kver) {
    const what = `${info.distribution} (/boot/vmlinuz-${release}.* and /lib/modules/${release}.*, readable)`;
    missing.push({ what, package: info.kernelPackage });
  }
  if (missing.length > 0 || !kver) return { ok: false, missing };
  const at = (key: (typeof PROGRAMS)[number][0]): string => found[key]!;
  const tools: VmTools = {
    qemu: at('qemu'),
    vmlinuz: `/boot/vmlinuz-${kver}`,
    kver,
    modules: `/lib/modules/${kver}`,
    busybox: '/bin/busybox',
    mkfsExt4: at('mkfsExt4'),
    mkfsXfs: at('mkfsXfs'),
    mkfsBtrfs: at('mkfsBtrfs'),
    cpio: at('cpio'),
    modprobe: at('modprobe'),
    cc: at('cc'),
  };
  return { ok: true, tools };
}

/** What is missing, and the `apt-get install` line that installs it (the line, plus any package it lacks). */
export function missingMessage(release: string, missing: readonly Missing[]): string {
  const extra = [...new Set(missing.map((m) => m.package))].filter((p) => !VM_PACKAGES.includes(p));
  const line = [APT_LINE, ...extra].join(' ');
  return `--vm ${release} needs ${missing.map((m) => `${m.what} (${m.package})`).join(', ')}; install with: ${line}`;
}
