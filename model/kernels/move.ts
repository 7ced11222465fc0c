import { defineKernel } from '../context.js';
import {
  changeInPlace,
  spliceByCopy,
  spliceStealOrCopy,
  moveBuffers,
  teeBuffers,
  vmspliceStealOrCopy,
} from './policies.js';

/**
 * Matt Whitlock's reading of the man page: copy, unless the caller passes
 * SPLICE_F_MOVE; then move (steal the folio where nobody else uses it).
 * vmsplice has no MOVE: a gift is its way of handing the page over.
 */
export const move = defineKernel({
  id: 'move',
  summary: 'splice copies unless SPLICE_F_MOVE, then steals an unused folio',
  source: 'Matt Whitlock in the seed thread: "If you want zero copies, then call splice() with SPLICE_F_MOVE"',
  spliceToPipe: (ctx, s, off, len, moveFlag, queue) =>
    moveFlag ? spliceStealOrCopy(ctx, s, off, len, queue) : spliceByCopy(ctx, s, off, len, queue),
  vmspliceToPipe: (ctx, s, page, gift, source) => vmspliceStealOrCopy(ctx, s, page, gift, source),
  teeToPipe: (ctx, s, len) => teeBuffers(ctx, s, len, 'copy'),
  pipeToPipe: (ctx, s, len) => moveBuffers(ctx, s, len, 'reference'),
  beforeInPlaceChange: changeInPlace,
});
