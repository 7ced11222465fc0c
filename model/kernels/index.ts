import type { KernelId, KernelVariant } from '../context.js';
import { linux } from './linux.js';
import { dirtyPipe } from './dirty-pipe.js';
import { howellsRfc } from './howells-rfc.js';
import { copy } from './copy.js';
import { move } from './move.js';
import { cow } from './cow.js';

/** The six kernel variants of the seed thread, by id. */
export const KERNELS: { readonly [K in KernelId]: KernelVariant } = {
  linux,
  'dirty-pipe': dirtyPipe,
  'howells-rfc': howellsRfc,
  copy,
  move,
  cow,
};

export function kernelById(id: string): KernelVariant | undefined {
  return Object.prototype.hasOwnProperty.call(KERNELS, id) ? KERNELS[id as KernelId] : undefined;
}
