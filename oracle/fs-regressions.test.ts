import { describe, expect, it } from 'vitest';
import { fsProfileById } from '../model/fs/index.js';
import { allReads, reads, runSteps } from '../model/run-steps.js';
import { compareCase, profileForDir } from './compare.js';
import { FS_REGRESSIONS } from '../test-support/fs-regressions.js';
import { oracleAvailable } from './kernel.js';

const oracle = oracleAvailable();
const tmp = oracle.ok ? await profileForDir() : { ok: false as const, reason: oracle.reason };
const onTmp = tmp.ok ? tmp.profile.id : undefined;

describe.each(FS_REGRESSIONS.map((r) => [`${r.profile}: ${r.title}`, r] as const))('%s', (_title, r) => {
  it('the model reads what the kernel read', () => {
    const run = runSteps(r.case.steps, {
      fs: fsProfileById(r.profile)!,
      bounds: r.case.bounds,
      initial: r.case.initial,
    });
    expect(run.completed).toBe(true);
    const { steps, bounds, initial } = r.case;
    // Option 0 at every kernel choice reads what the kernel read, unless the kernel took another choice.
    if (r.byChoice) expect(allReads(steps, { fs: fsProfileById(r.profile)!, bounds, initial })).toContainEqual(r.reads);
    else expect(reads(run)).toEqual(r.reads);
  });

  const why = tmp.ok ? `the OS temp dir is ${tmp.profile.id}` : tmp.reason;
  // The others run on a loop mount of their file system (oracle/conform-fs.test.ts).
  if (r.profile === 'ext4')
    it.skipIf(onTmp !== 'ext4')(`agrees with the live kernel on the OS temp dir (${why})`, async () => {
      const c = await compareCase(r.case, fsProfileById(r.profile)!);
      expect(c.status).toBe('compared');
      if (c.status !== 'compared') return;
      expect(c.disagreement).toBeUndefined();
      // The kernel's reads: the ones measured when the trace was found, or another the model allows.
      const { steps, bounds, initial } = r.case;
      const allowed = allReads(steps, { fs: fsProfileById(r.profile)!, bounds, initial });
      expect(allowed).toContainEqual(c.steps.flatMap((st) => (st.kernel.read ? [st.kernel.read] : [])));
    });
});
