import { defineKernel } from '../context.js';
import { changeInPlace, spliceByReference, moveBuffers, teeBuffers, vmspliceByReference } from './policies.js';

/** Mainline since 2005: splice and vmsplice reference the folio (zero copy); measured on 6.18. */
export const linux = defineKernel({
  id: 'linux',
  summary: 'splice and vmsplice put references to page-cache and user folios in the pipe (zero copy)',
  source: 'mainline since 2005; measured on Linux 6.18',
  spliceToPipe: (ctx, s, off, len, _move, queue) => spliceByReference(ctx, s, off, len, { set: 0 }, queue),
  vmspliceToPipe: (ctx, s, page, gift, source) => vmspliceByReference(ctx, s, page, gift, source),
  teeToPipe: (ctx, s, len) => teeBuffers(ctx, s, len, 'reference'),
  pipeToPipe: (ctx, s, len) => moveBuffers(ctx, s, len, 'reference'),
  beforeInPlaceChange: changeInPlace,
});
