/**
 * The Linux release whose behaviour the model describes. Every file-system
 * profile's hooks receive it (`ModelContext.release`), so that a later
 * release with different page-cache behaviour is a new entry here and data
 * in the profiles that differ, not a flag the operations test. Only 6.18 is
 * modelled today (every measurement in model/fs/ was taken on it).
 */
export const KERNEL_RELEASES = ['6.18'] as const;

/** A Linux release the model describes. */
export type KernelRelease = (typeof KERNEL_RELEASES)[number];

/** The release the model describes unless told otherwise. */
export const DEFAULT_RELEASE: KernelRelease = '6.18';
