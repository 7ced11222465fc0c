/**
 * An invariant plugin: `pipecheck check --plugin examples/no-zero-read.ts`.
 *
 * Matt Whitlock's backups (the seed thread): he spliced a file into a pipe,
 * then punched a hole in what he had just spliced, expecting the pipe to keep
 * the data. With large folios the punch zeroes the folio in place, and the
 * backup received zeroes. This invariant is the weaker promise a backup needs:
 * a reader may see changed data, but never zeroes where non-zero data was
 * spliced.
 */
import { defineInvariant } from 'pipecheck';

export default defineInvariant({
  id: 'no-zero-read',
  description: "a pipe reader never sees zeroes where non-zero data entered the pipe (Whitlock's lost backups)",
  check({ observed, step }) {
    if (!observed) return undefined;
    for (let i = 0; i < observed.observed.length; i++) {
      const spliced = observed.expected[i] ?? 0;
      if (observed.observed[i] === 0 && spliced !== 0) {
        const where = `pipe ${observed.pipe} got a zero at cell ${i}`;
        return `${step.process}'s read of ${where} where ${spliced} entered the pipe`;
      }
    }
    return undefined;
  },
});
