/**
 * tmpfs mounted huge=always, built on tmpfs's hooks: a write into the file
 * makes the largest folio that fits, whatever its length (the model's
 * `folioPages` stands for the 2 MiB PMD folio, so a model of it needs
 * `folioPages` = `pages`; shmem_suitable_orders: measured on 6.18, a 1-page
 * pwrite into an empty file makes a 512-page folio; with page 1 cached, a
 * pwrite at page 2 makes a 2-page one); faults through a small mapping make
 * order-0 folios, holes splice the zero page, and a folio a punch or
 * truncate covers in part splits at the range's edges, as on ext4, unless a
 * pipe holds it, when it is zeroed in place and stays whole (measured on
 * 6.18: a 512-page folio, punch of page 1 -> 1, hole, 1, 1 and larger
 * pieces past the model's pages). Only a shrink touches the page cache
 * (shmem_setattr; measured on 6.18, tmpfs huge=always).
 */
import { createLargestFreeFolio } from '../pagecache.js';
import { defineFs, type InitialShape, type ProbedFacts } from './profile.js';
import { coldFileRefused, recogniseTmpfs, TMPFS } from './tmpfs.js';

/** tmpfs huge=always builds a file only in the page cache, in one folio. */
export function unbuildableOnHugeTmpfs(initial: InitialShape): string | undefined {
  const cold = coldFileRefused('tmpfs-huge', initial);
  if (cold !== undefined || !initial.cached) return cold;
  return initial.folios.length <= 1
    ? undefined
    : `tmpfs-huge builds a written file in one folio; got ${initial.folios.length} folios`;
}

/** A tmpfs directory mounted huge=always (large folios). */
function recogniseHugeTmpfs(p: ProbedFacts) {
  return recogniseTmpfs(p, true);
}

export const TMPFS_HUGE = defineFs({
  ...TMPFS,
  id: 'tmpfs-huge',
  description: 'tmpfs, huge=always (a write makes the largest folio that fits)',
  largeFolios: true,
  pmdFolios: true,
  // A model of tmpfs huge=always has one folio size, the PMD's: folioPages = pages.
  conform: { pageCounts: [1, 2, 4], coldFiles: false, layouts: ['one'] },
  recognise: recogniseHugeTmpfs,
  unbuildableInitial: unbuildableOnHugeTmpfs,
  writeFolio: createLargestFreeFolio,
});
