import { defineKernel } from '../context.js';
import { linux } from './linux.js';
import { spliceByReference } from './policies.js';

/**
 * CVE-2022-0847 (5.8 to 5.16.10): splice does not initialise the slot's
 * flags, so a CAN_MERGE left by an earlier pipe-write lets a later pipe-write
 * write into the page-cache folio of the file.
 */
export const dirtyPipe = defineKernel({
  ...linux,
  id: 'dirty-pipe',
  summary: 'like linux, but splice leaves a stale CAN_MERGE in the slot (Dirty Pipe)',
  source: 'Linux 5.8 to 5.16.10, CVE-2022-0847',
  spliceToPipe: (ctx, s, off, len, _move, queue) => spliceByReference(ctx, s, off, len, 'keep-stale', queue),
});
