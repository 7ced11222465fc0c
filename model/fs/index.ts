/**
 * The file-system profiles: one module each, listed once here. Their ids
 * (`FsId`, `FS_PROFILE_IDS`) come from this list; adding a profile is its
 * module, its line here and its tests (see docs/extending.md).
 */
import { BTRFS as btrfs } from './btrfs.js';
import { EXT4 as ext4 } from './ext4.js';
import { EXT4_1K as ext4With1kBlocks } from './ext4-1k.js';
import { LINUX_6_1_PROFILES } from './linux-6.1.js';
import type { FsProfile as AnyFsProfile, ProbedFacts, Recognition } from './profile.js';
import { DEFAULT_RELEASE, type KernelRelease } from './release.js';
import { TMPFS as tmpfs } from './tmpfs.js';
import { TMPFS_HUGE as tmpfsHuge } from './tmpfs-huge.js';
import { XFS as xfs } from './xfs.js';

export { dirtyCellsMatter, extentsMatter, spanningBuffersMatter } from './profile.js';
export type {
  ConformHints,
  DirectWriteMode,
  FallocateMode,
  InitialShape,
  LargeFolioFate,
  ProbedFacts,
  Recognition,
} from './profile.js';
export {
  AUTO_RELEASE,
  DEFAULT_RELEASE,
  isKernelRelease,
  KERNEL_RELEASES,
  releaseOfUname,
  type KernelRelease,
} from './release.js';
export { ctz, log2floor, PAGE_BYTES } from './units.js';

/** Every file-system profile, in report order (ext4 first: the default). */
export const FS_LIST = [ext4, ext4With1kBlocks, xfs, btrfs, tmpfs, tmpfsHuge] as const;

/** A profile's id, as `--fs-profile` and counterexample files spell it. */
export type FsId = (typeof FS_LIST)[number]['id'];

/**
 * A file system's page-cache behaviour, as the hooks the operations call
 * (model/fs/profile.ts), with an id from the list.
 *
 * @public
 */
export type FsProfile = AnyFsProfile<FsId>;

export const EXT4: FsProfile = ext4;
export const EXT4_1K: FsProfile = ext4With1kBlocks;
export const XFS: FsProfile = xfs;
export const BTRFS: FsProfile = btrfs;
export const TMPFS: FsProfile = tmpfs;
export const TMPFS_HUGE: FsProfile = tmpfsHuge;

export const FS_PROFILES: readonly FsProfile[] = FS_LIST;

/** The profiles' ids, as `--fs-profile` and counterexample files spell them. */
export const FS_PROFILE_IDS: readonly FsId[] = FS_LIST.map((p) => p.id);

export const DEFAULT_FS: FsProfile = EXT4;

export function fsProfileById(id: string): FsProfile | undefined {
  return FS_PROFILES.find((p) => p.id === id);
}

/**
 * Profile `fsId` as it is on Linux `release`: the 6.18 profile (FS_LIST),
 * or the release's own (model/fs/linux-6.1.ts: the 6.18 profile with what
 * differs replaced). Undefined for an unknown id.
 */
export function profileFor(fsId: string, release: KernelRelease): FsProfile | undefined {
  const list: readonly AnyFsProfile[] = release === '6.1' ? LINUX_6_1_PROFILES : FS_PROFILES;
  return list.find((p) => p.id === fsId) as FsProfile | undefined;
}

/**
 * Why file system `fs` cannot build the initial page cache a scenario asks
 * for (undefined: it can): FsProfile.unbuildableInitial.
 */
export function unbuildableInitial(
  fs: AnyFsProfile,
  initial: { readonly cached: boolean; readonly folios: readonly number[]; readonly file: readonly unknown[] },
): string | undefined {
  return fs.unbuildableInitial(initial);
}

/**
 * The profile that describes a probed directory, asked of each profile (as
 * it is on `release`) in list order: the first that answers (describes it, or refuses what was
 * measured) decides. `known` lists the file-system types there are profiles for.
 */
export function recogniseProbe(
  p: ProbedFacts,
  release: KernelRelease = DEFAULT_RELEASE,
): { readonly profile: FsProfile; readonly answer: Recognition } | { readonly known: readonly string[] } {
  for (const id of FS_PROFILE_IDS) {
    const profile = profileFor(id, release)!;
    const answer = profile.recognise(p);
    if (answer) return { profile, answer };
  }
  return { known: [...new Set(FS_PROFILES.map((f) => f.fsType))] };
}
