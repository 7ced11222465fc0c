/**
 * The guest's files, built in a fresh directory: an initramfs (a static
 * busybox, the helper built static from oracle/helper.c, the kernel modules
 * for virtio, xfs and btrfs in load order, /init) and sparse disk images with
 * empty ext4, xfs and btrfs file systems. Nothing is downloaded; everything
 * comes from this machine's packages (requirements.ts).
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  ftruncateSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { guestInit, GUEST_HELPER } from './guest-init.js';
import type { GuestFs } from './releases.js';
import type { VmTools } from './requirements.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The modules the guest loads (with what they depend on): virtio disks, xfs, btrfs. ext4 and tmpfs are built in. */
const MODULES = ['virtio_pci', 'virtio_blk', 'xfs', 'btrfs'];

/** Modules left out: crc32c-intel does not load under TCG (no SSE4.2), and the generic crc32c does the work. */
const SKIPPED_MODULES = new Set(['crc32c-intel.ko']);

/** The disk images, in the order qemu attaches them (vda, vdb, vdc: guest-init.ts), with their sizes. */
export const DISKS: readonly { readonly fs: Exclude<GuestFs, 'tmpfs'>; readonly mib: number }[] = [
  { fs: 'ext4', mib: 64 },
  { fs: 'xfs', mib: 300 },
  { fs: 'btrfs', mib: 128 },
];

export interface VmImage {
  /** The initramfs (an uncompressed newc cpio archive). */
  readonly initrd: string;
  /** The disk images, in DISKS order. */
  readonly disks: readonly string[];
}

/** Where oracle/helper.c is, from the source tree or from dist/oracle/vm. */
export function helperSource(): string | undefined {
  const candidates = [join(HERE, '..', 'helper.c'), resolve(HERE, '..', '..', '..', 'oracle', 'helper.c')];
  return candidates.find((p) => existsSync(p));
}

/** Run a build step; throws with its output when it fails. */
function run(cmd: string, args: readonly string[], opts: { cwd?: string; input?: string } = {}): string {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const said = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${said}`);
  }
  return r.stdout;
}

/** The .ko files `modprobe --show-depends` loads for `MODULES`, in load order, each once. */
export function moduleFiles(showDepends: string): string[] {
  const seen = new Set<string>();
  for (const line of showDepends.split('\n')) {
    const [verb, path] = line.trim().split(/\s+/);
    if (verb === 'insmod' && path !== undefined && !SKIPPED_MODULES.has(basename(path))) seen.add(path);
  }
  return [...seen];
}

/** The initramfs tree under `root`, archived to `initrd`. */
function buildInitramfs(tools: VmTools, root: string, initrd: string, idleSecs: number): void {
  for (const d of ['bin', 'dev', 'proc', 'sys', 'mods', 'mnt', 'tmp']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync(tools.busybox, join(root, 'bin', 'busybox'));
  chmodSync(join(root, 'bin', 'busybox'), 0o755);
  const src = helperSource();
  if (!src) throw new Error('oracle/helper.c not found (the VM builds the helper from it)');
  run(tools.cc, ['-O2', '-Wall', '-static', '-o', join(root, GUEST_HELPER.slice(1)), src]);
  const deps = MODULES.map((m) => run(tools.modprobe, ['-S', tools.kver, '--show-depends', m])).join('\n');
  const kos = moduleFiles(deps);
  for (const ko of kos) copyFileSync(ko, join(root, 'mods', basename(ko)));
  writeFileSync(join(root, 'mods', 'order'), kos.map((k) => basename(k)).join('\n') + '\n');
  writeFileSync(join(root, 'init'), guestInit({ idleSecs }), { mode: 0o755 });
  const list = run('find', ['.', '-print'], { cwd: root });
  const archive = spawnSync(tools.cpio, ['-o', '-H', 'newc', '--quiet'], {
    cwd: root,
    input: list,
    maxBuffer: 1 << 30,
  });
  if (archive.error || archive.status !== 0) {
    throw new Error(`cpio failed: ${archive.error?.message ?? archive.stderr.toString().trim()}`);
  }
  writeFileSync(initrd, archive.stdout);
}

/** An empty sparse file of `mib` MiB. */
function sparseFile(path: string, mib: number): void {
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, mib << 20);
  } finally {
    closeSync(fd);
  }
}

/** The command that makes an empty file system of `fs` in `image`. */
function mkfsCommand(tools: VmTools, fs: Exclude<GuestFs, 'tmpfs'>, image: string): [string, string[]] {
  switch (fs) {
    case 'ext4':
      // 4 KiB blocks as on a real disk (mke2fs picks 1 KiB for a small one); no lazy init in the slow guest.
      return [tools.mkfsExt4, ['-q', '-F', '-b', '4096', '-E', 'lazy_itable_init=0,lazy_journal_init=0', image]];
    case 'xfs':
      return [tools.mkfsXfs, ['-q', '-f', image]];
    case 'btrfs':
      return [tools.mkfsBtrfs, ['-q', '-f', image]];
  }
}

/** Build everything the guest needs in `dir` (a fresh temporary directory the caller removes). */
export function buildVmImage(tools: VmTools, dir: string, opts: { idleSecs: number }): VmImage {
  const initrd = join(dir, 'initrd.cpio');
  buildInitramfs(tools, join(dir, 'root'), initrd, opts.idleSecs);
  const disks = DISKS.map(({ fs, mib }) => {
    const image = join(dir, `${fs}.img`);
    sparseFile(image, mib);
    const [cmd, args] = mkfsCommand(tools, fs, image);
    run(cmd, args);
    return image;
  });
  return { initrd, disks };
}
