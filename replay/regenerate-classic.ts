/**
 * The classic counterexamples are not written by hand: this finds each one by
 * running the checker on its scenario (counterexamples/classic/scenarios/),
 * exactly as `pipecheck check SCENARIO.json` does, and writes NAME.json next
 * to the scenarios' directory. Run it after a model change that moves them:
 *
 *     npm run build && node dist/replay/regenerate-classic.js
 *
 * `classic.test.ts` replays every committed file and checks that the checker
 * still finds the same traces.
 */
import { readdirSync, realpathSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exploreScenario } from '../checker/explore.js';
import { resolveRequest, resolveScenario } from '../checker/inputs.js';
import { buildReport } from '../checker/report.js';
import { writeFileAtomic } from '../counterexamples/file.js';
import type { Counterexample } from '../counterexamples/format.js';

export interface Classic {
  readonly name: string;
  /** Repo-relative path of the scenario. */
  readonly scenarioPath: string;
  readonly counterexample: Counterexample;
}

/**
 * Find the counterexample of every scenario in `dir/scenarios` (each names
 * exactly one invariant). `root` is what paths in `command` are relative to.
 */
export async function findClassics(dir: string, root: string): Promise<Classic[]> {
  const scenarios = readdirSync(join(dir, 'scenarios'))
    .filter((f) => f.endsWith('.json'))
    .sort();
  const out: Classic[] = [];
  for (const f of scenarios) {
    const scenarioPath = relative(root, join(dir, 'scenarios', f))
      .split('\\')
      .join('/');
    const { scenario } = resolveScenario(resolve(root, scenarioPath));
    const request = { scenarioIds: scenario.invariants };
    const { invariants } = await resolveRequest(request);
    const job = exploreScenario({ scenario, invariants: request }, invariants);
    const found: Counterexample[] = [];
    buildReport({
      scenario,
      file: scenarioPath,
      job,
      command: `pipecheck check ${scenarioPath}`,
      plugins: [],
      write: (cx) => {
        // Timing differs from run to run; keep the committed files stable.
        const { elapsedMs: _t, ...stats } = cx.stats;
        found.push({ ...cx, stats });
        return '';
      },
    });
    const [cx] = found;
    if (found.length !== 1 || cx === undefined) {
      throw new Error(`${scenarioPath}: expected exactly one violation, found ${found.length}`);
    }
    out.push({ name: basename(f, '.json'), scenarioPath, counterexample: cx });
  }
  return out;
}

async function main(): Promise<void> {
  const root = resolve(fileURLToPath(new URL('../../', import.meta.url)));
  const dir = resolve(process.argv[2] ?? join(root, 'counterexamples', 'classic'));
  for (const { name, counterexample: cx } of await findClassics(dir, root)) {
    const path = join(dir, `${name}.json`);
    writeFileAtomic(path, `${JSON.stringify(cx, null, 2)}\n`);
    process.stdout.write(
      `${relative(process.cwd(), path)}: ${cx.invariant} on ${cx.kernel}, ${cx.trace.length} steps\n`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  await main();
}
