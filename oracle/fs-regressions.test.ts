import { describe, expect, it } from 'vitest';
import { fsProfileById } from '../model/folio-policy.js';
import { reads, runSteps } from '../model/run-steps.js';
import { FS_REGRESSIONS } from './fs-regressions.js';

describe.each(FS_REGRESSIONS.map((r) => [`${r.profile}: ${r.title}`, r] as const))('%s', (_title, r) => {
  it('the model reads what the kernel read', () => {
    const run = runSteps(r.case.steps, {
      fs: fsProfileById(r.profile)!,
      bounds: r.case.bounds,
      initial: r.case.initial,
    });
    expect(run.completed).toBe(true);
    expect(reads(run)).toEqual(r.reads);
  });
});
