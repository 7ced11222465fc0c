import { defineKernel } from '../context.js';
import { changeInPlace, spliceStealOrCopy, moveBuffers, teeBuffers, vmspliceStealOrCopy } from './policies.js';

/**
 * David Howells' RFC (patches 1-2): steal the folio if nobody else uses it,
 * else copy; vmsplice steals only a gifted, whole, unshared page. tee has to
 * copy too, so that every page in a pipe belongs to that pipe alone.
 */
export const howellsRfc = defineKernel({
  id: 'howells-rfc',
  summary: 'splice steals an unused folio or copies; vmsplice steals a gifted page or copies',
  source: "David Howells' RFC, splice: Fix corruption in data spliced to pipe (2023)",
  spliceToPipe: (ctx, s, off, len, _move, queue) => spliceStealOrCopy(ctx, s, off, len, queue),
  vmspliceToPipe: (ctx, s, page, gift, source) => vmspliceStealOrCopy(ctx, s, page, gift, source),
  teeToPipe: (ctx, s, len) => teeBuffers(ctx, s, len, 'copy'),
  pipeToPipe: (ctx, s, len) => moveBuffers(ctx, s, len, 'reference'),
  beforeInPlaceChange: changeInPlace,
});
