import { defineKernel } from '../context.js';
import { changeInPlace, spliceByCopy, moveBuffers, teeBuffers, vmspliceByWrite } from './policies.js';

/** Torvalds: turn splice and vmsplice into wrappers around read and write; always copy. */
export const copy = defineKernel({
  id: 'copy',
  summary: 'splice, vmsplice and tee always copy (wrappers around read/write)',
  source: 'Linus Torvalds in the seed thread: "turning it into wrappers around read/write"',
  spliceToPipe: (ctx, s, off, len, _move, queue) => spliceByCopy(ctx, s, off, len, queue),
  vmspliceToPipe: (ctx, s, page, _gift, source) => vmspliceByWrite(ctx, s, page, source),
  teeToPipe: (ctx, s, len) => teeBuffers(ctx, s, len, 'copy'),
  pipeToPipe: (ctx, s, len) => moveBuffers(ctx, s, len, 'copy'),
  beforeInPlaceChange: changeInPlace,
});
