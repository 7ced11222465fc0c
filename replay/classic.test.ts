import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCounterexample } from '../counterexamples/file.js';
import { replay } from './replay.js';
import { findClassics } from './regenerate-classic.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'counterexamples', 'classic');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

// The mutating step of each classic: the data-stability violations on linux, and Dirty Pipe's pipe-write.
const MUTATION: Record<string, string> = {
  'write.json': 'write',
  'mmap-store.json': 'mmap-store',
  'fallocate-punch.json': 'fallocate-punch',
  'whitlock-punch-large-folio.json': 'fallocate-punch',
  'truncate.json': 'truncate',
  'vmsplice.json': 'user-store',
  'dirty-pipe.json': 'pipe-write',
};

describe('the classic counterexamples', () => {
  it('are all there', () => {
    expect(files).toEqual(Object.keys(MUTATION).sort());
  });

  it.each(files)('%s reproduces at its recorded step', (f) => {
    const cx = readCounterexample(join(dir, f));
    const r = replay(join(dir, f));
    expect(r.stopped).toBeUndefined();
    expect(r.reproduced).toBe(true);
    expect(r.violation?.step).toBe(cx.violation.step);
    expect(r.violation?.message).toBe(cx.violation.message);
    const last = cx.trace.length - 1;
    expect(cx.violation.step).toBe(last);
    // data-stability: the mutation comes just before the read; file-integrity: it is the violating step.
    const mutating = cx.invariant === 'data-stability' ? last - 1 : last;
    expect(cx.trace[mutating]?.op).toBe(MUTATION[f]);
    if (cx.invariant === 'data-stability') expect(cx.trace[last]?.op).toBe('pipe-read');
  });

  it('the seed reproducer (pwrite after splice) reads new data on linux, old data on copy and cow', () => {
    const path = join(dir, 'write.json');
    const linux = replay(path);
    expect(linux.violation?.message).toContain('expected [1] (what entered the pipe) but saw [2]');
    for (const kernel of ['copy', 'cow', 'howells-rfc'] as const) {
      const r = replay(path, { kernel });
      expect(r.stopped).toBeUndefined();
      expect(r.reproduced).toBe(false);
    }
  });

  it('Dirty Pipe needs the dirty-pipe kernel: mainline resets the slot flags on splice', () => {
    const r = replay(join(dir, 'dirty-pipe.json'), { kernel: 'linux' });
    expect(r.reproduced).toBe(false);
    expect(replay(join(dir, 'dirty-pipe.json')).violation?.message).toMatch(/^file cell \d+ reads 2/);
  });

  it('are what the checker finds today (regenerate with dist/replay/regenerate-classic.js)', async () => {
    const found = await findClassics(dir, root);
    expect(found.map((c) => `${c.name}.json`)).toEqual(files);
    for (const c of found) {
      const committed = readCounterexample(join(dir, `${c.name}.json`));
      expect({ file: c.name, trace: c.counterexample.trace, violation: c.counterexample.violation }).toEqual({
        file: c.name,
        trace: committed.trace,
        violation: committed.violation,
      });
    }
  });
});
