/**
 * ext4 with 1 KiB blocks (mkfs.ext4 -b 1024), built on ext4's hooks. A cell
 * (1 or 2 KiB) is always whole blocks, so no zeroing is ever of part of a
 * block: ext4_zero_partial_blocks and the EOF block's tail zeroing have
 * nothing to do, and no folio is created for a partly zeroed uncached page
 * (measured on 6.18). Each block is dirty or clean of its own (buffer
 * heads): invalidating the blocks a punch or truncate covers inside a page
 * leaves the page clean when no other block of it was dirty
 * (block_invalidate_folio). Measured on 6.18, ext4 with 1 KiB blocks
 * (conform seed 3): write 1 cell, punch it, truncate: the pipe-held large
 * folio is clean and leaves the cache, so a later append does not reach the
 * socket. COLLAPSE_RANGE and INSERT_RANGE need offsets and lengths of whole
 * 1 KiB blocks.
 */
import { leaveUncachedPage, nothingFirst } from './common.js';
import { EXT4 } from './ext4.js';
import { defineFs, expectFacts, type ProbedFacts } from './profile.js';

function recogniseExt4With1kBlocks(p: ProbedFacts) {
  if (p.fsType !== 'ext4' || p.blockSize !== 1024) return undefined;
  return expectFacts(p, 'ext4-1k', true, true);
}

export const EXT4_1K = defineFs({
  ...EXT4,
  id: 'ext4-1k',
  description: 'ext4 with 1 KiB blocks (as ext4, but every cell is whole blocks: no partial-block zeroing)',
  blockBytes: 1024,
  dirtyPerBlock: true,
  recognise: recogniseExt4With1kBlocks,
  zeroUncachedPartialPage: leaveUncachedPage,
  extendPastEof: nothingFirst,
});
