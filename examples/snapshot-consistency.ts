/**
 * An invariant plugin with a history: `pipecheck check SCENARIO --plugin
 * examples/snapshot-consistency.ts`.
 *
 * A backup that splices a file into a pipe from its start, page after page,
 * wants more than each page as it was when spliced (data-stability): it wants
 * the file as it was when the backup began, a consistent snapshot. One step
 * cannot tell: the invariant keeps, as its history, the file at the first
 * splice and the cells read from the pipe so far, and fails when what was
 * read is not the start of that snapshot. Even the copying kernel variant,
 * where pipe data never changes, fails it when a write lands between two
 * splices.
 */
import { defineInvariant } from 'pipecheck';

interface Snapshot {
  /** The file when the first splice ran, or null before it. */
  readonly file: readonly number[] | null;
  /** Every cell read from pipe 0 so far, in order. */
  readonly read: readonly number[];
}

export default defineInvariant<Snapshot>({
  id: 'snapshot-consistency',
  description: 'what a backup reads from the pipe is the file as it was when the backup began splicing',
  history: {
    initial: { file: null, read: [] },
    next(h, { before, step, observed }) {
      if (step.op === 'splice' && h.file === null) return { ...h, file: before.file() };
      if (observed && observed.pipe === 0) return { ...h, read: [...h.read, ...observed.observed] };
      return h;
    },
  },
  check({ history, observed }) {
    if (!observed || !history || history.file === null) return undefined;
    const { file, read } = history;
    const at = read.findIndex((v, i) => v !== file[i]);
    if (at < 0) return undefined;
    return (
      `the backup read [${read.join(', ')}], but the file held [${file.slice(0, read.length).join(', ')}] ` +
      `when the backup began (cell ${at} differs)`
    );
  },
});
