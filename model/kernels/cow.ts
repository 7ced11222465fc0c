import { defineKernel } from '../context.js';
import { copyOnWriteShared, spliceByReference, moveBuffers, teeBuffers, vmspliceByReference } from './policies.js';

/**
 * Torvalds' COW write() trick applied to the page cache: share the folio
 * read-only; the first in-place change of a shared folio gives the page cache
 * (or the process) a private copy first.
 */
export const cow = defineKernel({
  id: 'cow',
  summary: 'splice shares folios read-only; the first change of a shared folio copies it',
  source: 'Linus Torvalds in the seed thread: the COW write() trick',
  spliceToPipe: (ctx, s, off, len, _move, queue) => spliceByReference(ctx, s, off, len, { set: 0 }, queue),
  vmspliceToPipe: (ctx, s, page, gift, source) => vmspliceByReference(ctx, s, page, gift, source),
  teeToPipe: (ctx, s, len) => teeBuffers(ctx, s, len, 'reference'),
  pipeToPipe: (ctx, s, len) => moveBuffers(ctx, s, len, 'reference'),
  beforeInPlaceChange: copyOnWriteShared,
});
