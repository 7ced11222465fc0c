import { defineKernel } from '../context.js';
import { changeInPlace, spliceByCopy, spliceStealOrCopy, teeBuffers, vmspliceStealOrCopy } from './policies.js';

/**
 * Matt Whitlock's reading of the man page: copy, unless the caller passes
 * SPLICE_F_MOVE; then move (steal the folio where nobody else uses it).
 * vmsplice has no MOVE: a gift is its way of handing the page over.
 */
export const move = defineKernel({
  id: 'move',
  summary: 'splice copies unless SPLICE_F_MOVE, then steals an unused folio',
  source: 'Matt Whitlock in the seed thread: "If you want zero copies, then call splice() with SPLICE_F_MOVE"',
  spliceToPipe: (ctx, s, off, len, moveFlag) =>
    moveFlag ? spliceStealOrCopy(ctx, s, off, len) : spliceByCopy(ctx, s, off, len),
  vmspliceToPipe: (ctx, s, page, gift) => vmspliceStealOrCopy(ctx, s, page, gift),
  teeToPipe: (ctx, s, len) => teeBuffers(ctx, s, len, 'copy'),
  beforeInPlaceChange: changeInPlace,
});
