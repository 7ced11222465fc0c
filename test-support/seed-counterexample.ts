/**
 * Real counterexamples for the tests of what renders them: the checker run
 * on the seed's reproducer (examples/seed-reproducer.json: truncate, write
 * "old", splice, write "new", read), found by the library as `pipecheck
 * check` finds it, with the check report it belongs to.
 */
import { join } from 'node:path';
import { resolveScenario } from '../checker/inputs.js';
import { exploreScenario } from '../checker/explore.js';
import { buildReport, type CheckReport } from '../checker/report.js';
import { counterexampleFileName } from '../counterexamples/file.js';
import type { Counterexample } from '../counterexamples/format.js';
import { dataStability } from '../invariants/data-stability.js';
import { DEFAULT_FS } from '../model/fs/index.js';
import { ROOT } from './imports.js';

export const SEED_REPRODUCER = join(ROOT, 'examples', 'seed-reproducer.json');

/** Check a scenario file for data stability; the report and the counterexamples it would write to `outDir`. */
export function checkDataStability(
  file: string,
  outDir = 'out',
): { report: CheckReport; counterexamples: Counterexample[] } {
  const { scenario } = resolveScenario(file);
  const job = exploreScenario({ scenario, invariants: { ids: ['data-stability'] } }, [dataStability]);
  const counterexamples: Counterexample[] = [];
  const report = buildReport({
    scenario,
    file,
    job,
    invariantIds: ['data-stability'],
    fs: DEFAULT_FS,
    command: `pipecheck check ${file}`,
    plugins: [],
    write: (cx) => {
      counterexamples.push(cx);
      return join(outDir, counterexampleFileName(cx));
    },
  });
  return { report, counterexamples };
}

/** The shortest data-stability violation of the seed's reproducer (5 steps, on linux). */
export function seedCounterexample(): Counterexample {
  const cx = checkDataStability(SEED_REPRODUCER).counterexamples[0];
  if (!cx) throw new Error('the seed reproducer no longer violates data-stability');
  return cx;
}
