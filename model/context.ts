/**
 * What every operation is given besides the state: the layout, the kernel
 * variant (the policy the seed thread argues about) and the file system's
 * profile (how large the folios are that a write or a load creates, when
 * they split, what evict drops).
 */
import type { Layout, State } from './state.js';
import type { FsProfile } from './fs/profile.js';
import type { KernelRelease } from './fs/release.js';
import type { MemorySource } from './ops/args.js';
import type { Chooser } from './choices.js';

/**
 * A kernel variant changes only the policy it is about: what splice, vmsplice
 * and tee put in a pipe, and what an in-place change does to a shared folio.
 * The operations themselves are shared.
 */
export interface KernelVariant<Id extends string = string> {
  /** Lower-case words joined by dashes, as `--kernel` takes it. */
  readonly id: Id;
  /** One line: what the variant does. */
  readonly summary: string;
  /** Where it comes from (the seed thread, a CVE, mainline). */
  readonly source: string;
  /**
   * splice(file -> pipe 0) of `len` cells at `off` (already clipped to EOF),
   * or sendfile's file -> socket (`queue` the socket's: sendfile is a splice
   * through the task's internal pipe, without SPLICE_F_MOVE). Loads what is
   * not cached, adds buffers at the head of `queue` and returns the cells
   * spliced (it may splice less when the queue runs out of slots), or 0 when
   * the queue has no free slot.
   */
  spliceToPipe(ctx: ModelContext, s: State, off: number, len: number, move: boolean, queue: number): number;
  /**
   * vmsplice(user memory -> pipe 0) of page `page` of the memory `source`
   * names (anonymous, or a shared or private mapping of the file: the page is
   * inside the file); false when the pipe is full.
   */
  vmspliceToPipe(ctx: ModelContext, s: State, page: number, gift: boolean, source: MemorySource): boolean;
  /** tee(pipe 0 -> pipe 1) of up to `len` cells; returns the cells teed (0: nothing). */
  teeToPipe(ctx: ModelContext, s: State, len: number): number;
  /** splice(pipe 0 -> pipe 1) of up to `len` cells: the buffers move; returns the cells moved (0: nothing). */
  pipeToPipe(ctx: ModelContext, s: State, len: number): number;
  /**
   * Called before an operation changes folio `folio` in place (a write, a
   * store through a mapping or to user memory, zeroing by punch or truncate).
   * Returns the folio to change: the same one, or a private copy that has
   * taken its place in the page cache or user memory.
   */
  beforeInPlaceChange(ctx: ModelContext, s: State, folio: number): number;
}

/** A kernel variant, with its id as a literal type (the table of kernels/index.ts derives `KernelId` from it). */
export function defineKernel<const Id extends string>(variant: KernelVariant<Id>): KernelVariant<Id> {
  return variant;
}

export interface ModelContext {
  readonly L: Layout;
  readonly kernel: KernelVariant;
  /** The file system's page-cache behaviour: the hooks the operations call (model/fs/). */
  readonly fs: FsProfile;
  /** The Linux release modelled (model/fs/release.ts): the file system's hooks may differ by it. */
  readonly release: KernelRelease;
  /**
   * Answers the profile hooks' kernel choices (model/choices.ts) in the step
   * being taken; absent when choices are not explored (every hook then takes
   * option 0, what the kernel was measured doing).
   */
  readonly chooser?: Chooser | undefined;
}
