/**
 * The Linux releases whose behaviour the model describes. Every file-system
 * profile's hooks receive the one modelled (`ModelContext.release`), and a
 * release other than the default has its own data module beside the
 * profiles (model/fs/linux-6.1.ts), which gives each profile as it is there:
 * a later or earlier release with different page-cache behaviour is a new
 * entry here and such a module, not a flag the operations test. 6.18 is the
 * release every measurement in model/fs/ was taken on; 6.1 (Debian 12's LTS
 * kernel) differs where model/fs/linux-6.1.ts says.
 */
export const KERNEL_RELEASES = ['6.1', '6.18'] as const;

/** A Linux release the model describes. */
export type KernelRelease = (typeof KERNEL_RELEASES)[number];

/** The release the model describes unless told otherwise. */
export const DEFAULT_RELEASE: KernelRelease = '6.18';

/** `--release auto`: the release of the running kernel (`uname -r`), mapped by releaseOfUname. */
export const AUTO_RELEASE = 'auto';

/** Whether `id` names a modelled release. */
export function isKernelRelease(id: string): id is KernelRelease {
  return (KERNEL_RELEASES as readonly string[]).includes(id);
}

/**
 * The modelled release that describes a running kernel whose `uname -r` is
 * `uname` (`6.1.0-57-cloud-amd64`, `6.18.44-fc-v1300`): any 6.1.y is 6.1,
 * 6.18 and later are 6.18; undefined for every other release (6.2 to 6.17,
 * and before 6.1), which neither modelled release describes.
 */
export function releaseOfUname(uname: string): KernelRelease | undefined {
  const m = /^(\d+)\.(\d+)(?!\d)/.exec(uname.trim());
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major === 6 && minor === 1) return '6.1';
  if (major > 6 || (major === 6 && minor >= 18)) return '6.18';
  return undefined;
}
