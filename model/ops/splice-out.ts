import { choose } from '../choices.js';
import type { ModelContext } from '../context.js';
import { OVERLAPPING_COPY, TORN, tornByTailFirst } from '../overlapping-copy.js';
import { readFromPipe } from '../pipe.js';
import { copyState, type State } from '../state.js';
import { fileLength, fileOffset } from './args.js';
import { defineOperation } from './operation.js';
import { bufferedWrite } from './write.js';

/**
 * splice(pipe 0, NULL, fd, &off, len) with an explicit offset: pipe to file
 * (iter_file_splice_write). It takes up to `len` cells from the oldest
 * buffers on, copies them into the file at `off` like a pwrite (the same
 * page-cache path: folios created, pages dirtied, the file grown past EOF)
 * and consumes them: a buffer wholly written is released, a partly written
 * one keeps the rest. An empty pipe is EAGAIN (O_NONBLOCK; a blocking
 * splice waits): not a step. A reader that waits for the file's contents
 * sees what the pipe held at this step, so the step is judged like a pipe
 * read: what the buffers hold now against what they held when they entered
 * the pipe; the file then holds what was written.
 *
 * Measured on 6.18 on ext4 (4 KiB and 1 KiB blocks), xfs, btrfs and tmpfs,
 * a 4-page file, page i filled with 'A' + i:
 *
 * - splice page 0 (4096 bytes) to the pipe, pwrite 512 'W' at 0, splice-out
 *   1024 at page 2: returns 1024; page 2 reads W A C C ..; 3072 bytes stay
 *   in the pipe.
 * - splice-out of an empty pipe: EAGAIN.
 * - splice bytes 0..2047 of page 1 to the pipe, pwrite 512 'X' at page 1,
 *   splice-out 2048 at page 1 + 512: page 1 reads X X X X X B B B. The
 *   source is the page being written, copied forward: each cell copies the
 *   one just written.
 * - splice-out 4096 at page 5 of a 4-page file: returns 4096; 6 pages.
 *
 * Kernel variants differ only where a buffer references the folio being
 * written: under linux the source sees the cells just written (the forward
 * copy above); under cow the cache gets a copy first and the pipe's buffer
 * keeps the old data. Where a copy's source lies after its destination in
 * the same page, the order of memcpy's stores is the kernel's choice
 * (model/overlapping-copy.ts: 6.1 under qemu tears a cell).
 */
export const spliceOut = defineOperation({
  name: 'splice-out',
  summary: 'splice(pipe 0 -> file at off)',
  args: { off: fileOffset, len: fileLength },
  conformWeight: 2,
  inDefaultEnvironment: false,
  cellsMoved: ({ observed }) => observed?.observed.length ?? 0,
  ownChoices: 2,
  apply(ctx, before, { off, len }) {
    const { L } = ctx;
    const n = Math.min(len, L.pipeCells(before, 0));
    if (n < 1 || off < 0 || off + n > L.P * L.C) return undefined;
    const s = copyState(before);
    const source = sourceCells(ctx, s, n);
    const moved: number[] = [];
    let tailFirst: boolean | undefined;
    bufferedWrite(ctx, s, off, n, (pos) => {
      const i = pos - off;
      const f = source.folios[i]!;
      const v = L.folioCell(s, f, source.cells[i]!);
      // Only a run that explores kernel choices, and has not chosen the forward copy, can tear a cell.
      const torn = ctx.chooser === undefined || tailFirst === false ? undefined : tornCell(ctx, s, source, off, i);
      let out = v;
      if (torn !== undefined && L.folioCell(s, f, torn) !== v) {
        tailFirst ??= choose(ctx, OVERLAPPING_COPY, 2, { page: Math.floor(pos / L.C), pages: 1 }) === 1;
        if (tailFirst) out = TORN;
      }
      moved.push(out);
      return out;
    });
    const { expected } = readFromPipe(L, s, 0, n);
    return { state: s, observed: { pipe: 0, observed: moved, expected } };
  },
});

/** Where each of the first `n` cells of pipe 0 is: its folio and cell index, and the memcpy it is copied in. */
interface SourceCells {
  readonly folios: number[];
  readonly cells: number[];
  /** Per cell, the index of the first cell of its run: the same buffer and source page. */
  readonly runStart: number[];
}

function sourceCells(ctx: ModelContext, s: State, n: number): SourceCells {
  const { L } = ctx;
  const out: SourceCells = { folios: [], cells: [], runStart: [] };
  for (let i = 0; out.folios.length < n; i++) {
    const slot = L.slotAt(s, 0, i);
    const f = L.slotFolio(s, 0, slot);
    const base = L.slotPage(s, 0, slot) * L.C + L.slotOffset(s, 0, slot);
    for (let k = 0; k < L.slotLen(s, 0, slot) && out.folios.length < n; k++) {
      const cell = base + k;
      const newRun = k === 0 || cell % L.C === 0;
      out.runStart.push(newRun ? out.folios.length : out.runStart[out.runStart.length - 1]!);
      out.folios.push(f);
      out.cells.push(cell);
    }
  }
  return out;
}

/**
 * The source cell whose value a tail-first memcpy puts in the end of cell
 * `i` of the splice-out at `off`, or undefined: cell `i` is copied in one
 * memcpy (a run of one buffer's source page, within one destination page)
 * whose source lies after its destination in the same folio, overlapping,
 * and it is the cell that memcpy tears.
 */
function tornCell(ctx: ModelContext, s: State, source: SourceCells, off: number, i: number): number | undefined {
  const { L } = ctx;
  const f = source.folios[i]!;
  const dest = L.pageFolio(s, Math.floor((off + i) / L.C));
  if (dest !== f) return undefined;
  // The memcpy: from the later of the run's start and the destination page's start, to the earlier end.
  const pageStart = Math.floor((off + i) / L.C) * L.C - off;
  const first = Math.max(source.runStart[i]!, pageStart);
  let last = i;
  while (
    last + 1 < source.folios.length &&
    source.runStart[last + 1] === source.runStart[i] &&
    (off + last + 1) % L.C !== 0
  )
    last++;
  const destCell = (p: number): number => p - L.folioIndex(s, dest) * L.C;
  const run = { from: source.cells[first]!, to: destCell(off + first), length: last - first + 1 };
  const torn = tornByTailFirst(run);
  return torn !== undefined && first + torn.index === i ? torn.tailSource : undefined;
}
