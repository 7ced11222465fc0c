import { readFromPipe } from '../pipe.js';
import { copyState } from '../state.js';
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
 * keeps the old data.
 */
export const spliceOut = defineOperation({
  name: 'splice-out',
  summary: 'splice(pipe 0 -> file at off)',
  args: { off: fileOffset, len: fileLength },
  conformWeight: 2,
  inDefaultEnvironment: false,
  cellsMoved: ({ observed }) => observed?.observed.length ?? 0,
  apply(ctx, before, { off, len }) {
    const { L } = ctx;
    const n = Math.min(len, L.pipeCells(before, 0));
    if (n < 1 || off < 0 || off + n > L.P * L.C) return undefined;
    const s = copyState(before);
    // Where each cell to move is: the folio and cell index its buffer references.
    const folios: number[] = [];
    const cells: number[] = [];
    for (let i = 0; folios.length < n; i++) {
      const slot = L.slotAt(s, 0, i);
      const f = L.slotFolio(s, 0, slot);
      const base = L.slotPage(s, 0, slot) * L.C + L.slotOffset(s, 0, slot);
      for (let k = 0; k < L.slotLen(s, 0, slot) && folios.length < n; k++) {
        folios.push(f);
        cells.push(base + k);
      }
    }
    const moved: number[] = [];
    bufferedWrite(ctx, s, off, n, (pos) => {
      const v = L.folioCell(s, folios[pos - off]!, cells[pos - off]!);
      moved.push(v);
      return v;
    });
    const { expected } = readFromPipe(L, s, 0, n);
    return { state: s, observed: { pipe: 0, observed: moved, expected } };
  },
});
