/**
 * One measurement of each kind the bench makes, repeated `reps` times and
 * reduced to medians: an exploration through the library (explore() in this
 * process), through the command line (`pipecheck check ... --json`, wall time
 * of the whole process) and through SPIN's pan (bench/spin.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explore } from '../explorer/bfs.js';
import { DEFAULT_INVARIANTS } from '../invariants/builtins.js';
import { toProperties } from '../invariants/property.js';
import { parseScenario, type ScenarioInput } from '../model/scenario.js';
import { ScenarioModel } from '../model/scenario-model.js';
import { bareLoop } from './bare-loop.js';
import { buildPan, removePan, runPan, type SpinModelOptions } from './spin.js';

/** What one tool reported for one question: medians over `reps` runs. */
export interface Measurement {
  readonly tool:
    'spin' | 'pipecheck-cli' | 'pipecheck-library' | 'pipecheck-engine' | 'bare-loop' | 'pipecheck-simulate';
  readonly statesDistinct: number;
  readonly transitions: number;
  readonly wallMs: number;
  readonly reps: number;
  /** Bytes the explorer holds per visited state (visited set and frontier), pipecheck only. */
  readonly bytesPerState?: number;
  /** Steps of the violation found, when one was. */
  readonly violationSteps?: number;
  /** `holds` or `violated`. */
  readonly result: 'holds' | 'violated';
  /** simulate: walks taken, and the median time from the start to the first violation. */
  readonly walks?: number;
  readonly firstViolationMs?: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Run {
  readonly states: number;
  readonly transitions: number;
  readonly ms: number;
  readonly memoryBytes?: number;
  readonly violationSteps?: number;
  readonly violated: boolean;
}

function summarize(tool: Measurement['tool'], runs: readonly Run[]): Measurement {
  const first = runs[0]!;
  const memory = runs.map((r) => r.memoryBytes).filter((m): m is number => m !== undefined);
  return {
    tool,
    statesDistinct: first.states,
    transitions: first.transitions,
    wallMs: Math.round(median(runs.map((r) => r.ms))),
    reps: runs.length,
    ...(memory.length > 0 ? { bytesPerState: Math.round((median(memory) / first.states) * 10) / 10 } : {}),
    ...(first.violationSteps !== undefined ? { violationSteps: first.violationSteps } : {}),
    result: first.violated ? 'violated' : 'holds',
  };
}

function repeat(reps: number, once: () => Run): Run[] {
  return Array.from({ length: Math.max(1, reps) }, once);
}

/** explore() in this process, the default invariants judged on every step (as `pipecheck check` does). */
export function measureLibrary(scenario: ScenarioInput, depth: number, reps: number): Measurement {
  const once = (): Run => {
    const parsed = parseScenario({ ...scenario, bounds: { ...scenario.bounds, depth } }, 'bench');
    const model = new ScenarioModel(parsed);
    const t0 = performance.now();
    const r = explore(model, toProperties(model, DEFAULT_INVARIANTS), { maxDepth: depth, minimize: false });
    const ms = performance.now() - t0;
    return {
      states: r.statistics.statesDistinct,
      transitions: r.statistics.transitions,
      ms,
      memoryBytes: r.statistics.memoryBytes,
      violated: r.status !== 'holds',
    };
  };
  return summarize('pipecheck-library', repeat(reps, once));
}

/**
 * The engine against the bare loop (bench/bare-loop.ts) on one thread, the
 * same model and depth: explore() with no property (as the bare loop has
 * none) and the bare loop. Both are run once untimed at depth 3 first, so
 * neither meets the model's code cold; then each rep times the engine, then
 * the bare loop. The model is built outside the timing.
 */
export function measureThroughput(
  scenario: ScenarioInput,
  depth: number,
  reps: number,
): { readonly engine: Measurement; readonly bare: Measurement } {
  const model = new ScenarioModel(parseScenario({ ...scenario, bounds: { ...scenario.bounds, depth } }, 'bench'));
  const engineRun = (d: number): Run => {
    const t0 = performance.now();
    const r = explore(model, [], { maxDepth: d, minimize: false });
    const ms = performance.now() - t0;
    const { statesDistinct, transitions, memoryBytes } = r.statistics;
    return { states: statesDistinct, transitions, ms, memoryBytes, violated: false };
  };
  const bareRun = (d: number): Run => {
    const t0 = performance.now();
    const r = bareLoop(model, d);
    const ms = performance.now() - t0;
    return { states: r.statesDistinct, transitions: r.transitions, ms, violated: false };
  };
  engineRun(Math.min(3, depth));
  bareRun(Math.min(3, depth));
  const engine: Run[] = [];
  const bare: Run[] = [];
  for (let i = 0; i < Math.max(1, reps); i++) {
    engine.push(engineRun(depth));
    bare.push(bareRun(depth));
  }
  return { engine: summarize('pipecheck-engine', engine), bare: summarize('bare-loop', bare) };
}

/** dist/cli/main.js, from dist/bench/measure.js (or from the sources, when a test imports this module). */
function cliPath(): string {
  const fromDist = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  return import.meta.url.includes('/dist/') ? fromDist : fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
}

interface CheckJson {
  readonly statesDistinct: number;
  readonly transitions: number;
  readonly memoryBytes: number;
  readonly violations: readonly { readonly length: number }[];
}

/** `pipecheck check <args> --json`: wall time of the whole process, figures from its JSON. */
export function measureCli(args: readonly string[], reps: number): Measurement {
  const once = (): Run => {
    const out = mkdtempSync(join(tmpdir(), 'pipecheck-bench-'));
    try {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [cliPath(), 'check', ...args, '--json', '--out', out], {
        encoding: 'utf8',
        maxBuffer: 256 * 2 ** 20,
      });
      const ms = performance.now() - t0;
      if (r.status !== 0 && r.status !== 1)
        throw new Error(`pipecheck check ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      const doc = JSON.parse(r.stdout) as CheckJson;
      const shortest = doc.violations.length > 0 ? Math.min(...doc.violations.map((v) => v.length)) : undefined;
      return {
        states: doc.statesDistinct,
        transitions: doc.transitions,
        ms,
        memoryBytes: doc.memoryBytes,
        violated: r.status === 1,
        ...(shortest !== undefined ? { violationSteps: shortest } : {}),
      };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  };
  return summarize('pipecheck-cli', repeat(reps, once));
}

interface SimulateJson {
  readonly walks: number;
  readonly firstViolationMs: number | null;
  readonly violations: readonly { readonly length: number }[];
}

/**
 * `pipecheck simulate <args> --seed S --json` with seeds 1 .. reps (a
 * different walk each rep): wall time of the whole process, and the time to
 * the first violation from its JSON. States and transitions are 0: random
 * walks count walks.
 */
export function measureSimulate(args: readonly string[], reps: number): Measurement {
  const runs: Array<Run & { readonly walks: number; readonly firstMs: number | null }> = [];
  for (let seed = 1; seed <= Math.max(1, reps); seed++) {
    const out = mkdtempSync(join(tmpdir(), 'pipecheck-bench-'));
    try {
      const t0 = performance.now();
      const r = spawnSync(
        process.execPath,
        [cliPath(), 'simulate', ...args, '--seed', String(seed), '--json', '--out', out],
        { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
      );
      const ms = performance.now() - t0;
      if (r.status !== 0 && r.status !== 1 && r.status !== 3)
        throw new Error(`pipecheck simulate ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      const doc = JSON.parse(r.stdout) as SimulateJson;
      const shortest = doc.violations.length > 0 ? Math.min(...doc.violations.map((v) => v.length)) : undefined;
      runs.push({
        states: 0,
        transitions: 0,
        ms,
        violated: r.status === 1,
        walks: doc.walks,
        firstMs: doc.firstViolationMs,
        ...(shortest !== undefined ? { violationSteps: shortest } : {}),
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  const firsts = runs.map((r) => r.firstMs).filter((x): x is number => x !== null);
  return {
    ...summarize('pipecheck-simulate', runs),
    walks: Math.round(median(runs.map((r) => r.walks))),
    ...(firsts.length > 0 ? { firstViolationMs: Math.round(median(firsts)) } : {}),
  };
}

/** SPIN: generate and compile once (not timed), then time `./pan` `reps` times (2^hashBits hash slots). */
export function measureSpin(options: SpinModelOptions, reps: number, hashBits?: number): Measurement {
  const pan = buildPan(options);
  try {
    const once = (): Run => {
      const r = runPan(pan, hashBits);
      return {
        states: r.states,
        transitions: r.transitions,
        ms: r.wallMs,
        violated: r.errors > 0,
        ...(r.violationSteps !== undefined ? { violationSteps: r.violationSteps } : {}),
      };
    };
    return summarize('spin', repeat(reps, once));
  } finally {
    removePan(pan);
  }
}

/** A measurement as the bench document lists it: which case, at what depth, and its rates. */
export interface Row extends Measurement {
  readonly group: string;
  readonly case: string;
  /** Which of a case's runs by one tool this is (`workers 1`, `symmetry on`), when it has several. */
  readonly variant?: string;
  readonly depth: number;
  readonly transitionsPerSecond: number;
  readonly statesPerSecond: number;
}

/** A case the bench could not run, and why. */
export interface Skip {
  readonly group: string;
  readonly reason: string;
}
