/**
 * The kernel variants of the seed thread: one module each, listed once here.
 * Their ids (`KernelId`, `KERNEL_IDS`) come from this table; adding a
 * variant is its module, its line here and its pinned counts in
 * model/state-space.test.ts (the compiler asks for them).
 */
import type { KernelVariant } from '../context.js';
import { copy } from './copy.js';
import { cow } from './cow.js';
import { dirtyPipe } from './dirty-pipe.js';
import { howellsRfc } from './howells-rfc.js';
import { linux } from './linux.js';
import { move } from './move.js';

/** Every kernel variant, in report order (linux first: the default). */
export const KERNEL_LIST = [linux, dirtyPipe, howellsRfc, copy, move, cow] as const;

export type KernelId = (typeof KERNEL_LIST)[number]['id'];

export const KERNEL_IDS: readonly KernelId[] = KERNEL_LIST.map((k) => k.id);

/** The kernel variants by id. */
export const KERNELS = Object.fromEntries(KERNEL_LIST.map((k) => [k.id, k])) as {
  readonly [K in KernelId]: KernelVariant<K>;
};

/** What a kernel variant is, for people: its id, what it does, where it comes from. */
export type KernelInfo = Pick<KernelVariant, 'id' | 'summary' | 'source'>;

/** Every kernel variant's id, summary and source, in report order (`pipecheck list kernels`). */
export const KERNEL_INFO: readonly KernelInfo[] = KERNEL_LIST.map(({ id, summary, source }) => ({
  id,
  summary,
  source,
}));

export function kernelById(id: string): KernelVariant | undefined {
  return Object.prototype.hasOwnProperty.call(KERNELS, id) ? KERNELS[id as KernelId] : undefined;
}
