import { readFromPipe } from '../pipe.js';
import { range1, type Operation } from './operation.js';
import { copyState } from '../state.js';

/**
 * read(pipe, len) on an O_NONBLOCK pipe: copies up to `len` cells out from the
 * oldest buffer on, freeing the slots it empties. An empty pipe returns
 * EAGAIN (a blocking reader waits): not a step. Yields what the reader saw.
 */
export const pipeRead: Operation<'pipe-read'> = {
  name: 'pipe-read',
  summary: 'read() from a pipe',
  domain(b) {
    return [0, 1].flatMap((pipe) =>
      range1(b.slots * b.cells).map((len) => ({ op: 'pipe-read' as const, len, pipe: pipe as 0 | 1 })),
    );
  },
  apply(ctx, before, { len, pipe }) {
    const { L } = ctx;
    const p = pipe ?? 0;
    if (len < 1 || (p !== 0 && p !== 1) || L.count(before, p) === 0) return undefined;
    const s = copyState(before);
    const observed = readFromPipe(L, s, p, len);
    return { state: s, observed };
  },
};
