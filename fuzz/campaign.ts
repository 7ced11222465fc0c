/**
 * One fuzzing campaign: `runs` inputs of each kind in-process (scenarios,
 * counterexamples, plugins) and `cliRuns` of each through the command line,
 * seeded; fast-check shrinks a failure to a small input. Returns what
 * happened, for `npm run fuzz` to print and for the seeded test to assert.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  COUNTEREXAMPLE_SEEDS,
  jsonText,
  mutatedJson,
  pluginSource,
  SCENARIO_SEEDS,
  type PluginSource,
} from './inputs.js';
import {
  checkWhole,
  cliTarget,
  counterexampleTarget,
  FuzzFailure,
  pluginTarget,
  scenarioTarget,
  type Outcome,
} from './targets.js';

export interface KindReport {
  readonly kind: string;
  readonly runs: number;
  readonly refused: number;
  readonly taken: number;
  /** The shrunk failure, if any. */
  readonly failure?: { readonly kind: FuzzFailure['kind']; readonly message: string; readonly input: string };
  readonly elapsedMs: number;
}

export interface CampaignOptions {
  readonly runs: number;
  readonly cliRuns: number;
  readonly seed: number;
  readonly onReport?: (r: KindReport) => void;
}

function failureOf<T>(details: fc.RunDetails<T>): KindReport['failure'] {
  if (!details.failed) return undefined;
  const e = details.errorInstance;
  if (e instanceof FuzzFailure) return { kind: e.kind, message: e.message, input: e.input };
  return { kind: 'crash', message: String(e), input: jsonText(details.counterexample).slice(0, 2000) };
}

async function kind<T>(
  name: string,
  arb: fc.Arbitrary<T>,
  runs: number,
  seed: number,
  target: (x: T) => Outcome | Promise<Outcome>,
): Promise<KindReport> {
  const counts = { refused: 0, taken: 0 };
  const t0 = Date.now();
  const details = await fc.check(
    fc.asyncProperty(arb, async (x) => {
      counts[await target(x)]++;
    }),
    { numRuns: runs, seed, endOnFailure: true },
  );
  const failure = failureOf(details);
  return { kind: name, runs: details.numRuns, ...counts, ...(failure ? { failure } : {}), elapsedMs: Date.now() - t0 };
}

const dir = (): string => mkdtempSync(join(tmpdir(), 'pipecheck-fuzz-'));

/** A CLI target over a file holding the input: exit 0-3, within time, nothing half-written. */
function viaFile(write: (path: string) => void, args: (path: string, out: string) => string[][], ext = '.json') {
  return (input: unknown): Outcome => {
    const d = dir();
    try {
      const file = join(d, `input${ext}`);
      write(file);
      const text = typeof input === 'string' ? input : jsonText(input);
      let refused = false;
      for (const a of args(file, join(d, 'out'))) {
        if (cliTarget(a, text.slice(0, 4000)) === 2) refused = true;
        checkWhole(join(d, 'out'), text.slice(0, 4000));
      }
      return refused ? 'refused' : 'taken';
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  };
}

export async function runCampaign(opts: CampaignOptions): Promise<KindReport[]> {
  const reports: KindReport[] = [];
  const report = (r: KindReport): void => {
    reports.push(r);
    opts.onReport?.(r);
  };
  const { runs, cliRuns, seed } = opts;
  report(await kind('scenarios', mutatedJson(SCENARIO_SEEDS), runs, seed, scenarioTarget));
  report(await kind('counterexamples', mutatedJson(COUNTEREXAMPLE_SEEDS), runs, seed, counterexampleTarget));
  report(await kind('plugins', pluginSource(), runs, seed, pluginTarget));
  if (cliRuns === 0) return reports;
  const scenarioCli = (x: unknown): Outcome =>
    viaFile(
      (f) => writeFileSync(f, jsonText(x)),
      (f, out) => [['check', f, '--max-states', '2000', '--timeout', '3', '--out', out]],
    )(x);
  const counterexampleCli = (x: unknown): Outcome =>
    viaFile(
      (f) => writeFileSync(f, jsonText(x)),
      (f, out) => [
        ['replay', f],
        ['export-itf', f, '-o', `${out}.itf.json`],
      ],
    )(x);
  const pluginCli = (p: PluginSource): Outcome =>
    viaFile(
      (f) => writeFileSync(f, p.text),
      (f, out) => [
        [
          'check',
          '--ops',
          'splice,write,pipe-read',
          '--pages',
          '1',
          '--depth',
          '2',
          '--plugin',
          f,
          '--timeout',
          '2',
          '--out',
          out,
        ],
      ],
      p.ext,
    )(p.text);
  report(await kind('scenarios (command line)', mutatedJson(SCENARIO_SEEDS), cliRuns, seed, scenarioCli));
  report(
    await kind('counterexamples (command line)', mutatedJson(COUNTEREXAMPLE_SEEDS), cliRuns, seed, counterexampleCli),
  );
  report(await kind('plugins (command line)', pluginSource({ hangs: true }), cliRuns, seed, pluginCli));
  return reports;
}
