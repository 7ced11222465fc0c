/**
 * Running SPIN on bench/spin/pipe.pml: `spin -a` with the model's -D options,
 * `gcc -O2 -DSAFETY` (not timed), then `./pan` (timed by the caller), and
 * parsing what pan prints. Used by the bench (bench/run.ts) and by the test
 * that SPIN's model and pipecheck's agree (bench/spin.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the Promela model is compiled for. */
export interface SpinModelOptions {
  readonly depth: number;
  /** The `linux` kernel (splice and vmsplice by reference); else `copy`. */
  readonly linux?: boolean;
  /** Breadth-first (-DBFS): the first violation found has the fewest steps. */
  readonly shortest?: boolean;
  /**
   * Depth-first with `pan -i` (compiled -DREACH, as pan's manual asks): at
   * each violation found pan lowers its depth bound below it and searches on,
   * so its last trail is a shortest one, in pan's steps (statements, each
   * `select` value counting), which need not be the fewest model steps.
   */
  readonly iterative?: boolean;
  /** Leave one invariant's asserts out. */
  readonly omit?: 'data-stability' | 'file-integrity';
}

/** What one pan run reported. */
export interface PanResult {
  readonly states: number;
  readonly transitions: number;
  readonly errors: number;
  /** Wall time of the pan process, ms. */
  readonly wallMs: number;
  /** Steps of the violation pan found (from its trail), when it found one. */
  readonly violationSteps?: number;
}

/** A compiled pan, in a directory of its own. */
export interface Pan {
  readonly dir: string;
  readonly options: SpinModelOptions;
  /** The -D options given to spin (to replay a trail with the same model). */
  readonly defines: readonly string[];
}

/** Why SPIN cannot run here (the bench prints it and skips SPIN's rows), or undefined. */
export function spinUnavailable(): string | undefined {
  for (const tool of ['spin', 'gcc']) {
    const r = spawnSync(tool, [tool === 'spin' ? '-V' : '--version'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) return `${tool} is not installed (Debian: apt-get install ${tool})`;
  }
  return undefined;
}

/** `spin -V`'s first line, e.g. "Spin Version 6.5.2 -- 6 December 2019". */
export function spinVersion(): string {
  return spawnSync('spin', ['-V'], { encoding: 'utf8' }).stdout.trim().split('\n')[0] ?? 'spin';
}

/** The Promela model: beside this module in the sources, two levels up from dist/bench. */
function promelaModelPath(): string {
  const candidates = ['spin/pipe.pml', '../../bench/spin/pipe.pml'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`bench/spin/pipe.pml not found (looked at ${candidates.join(', ')})`);
  return found;
}

function defines(o: SpinModelOptions): string[] {
  const d = [`-DDEPTH=${o.depth}`];
  if (o.linux) d.push('-DLINUX');
  // pan's BFS refuses hidden variables.
  if (o.shortest) d.push('-DNOHIDDEN');
  if (o.omit === 'data-stability') d.push('-DNO_DATA_STABILITY');
  if (o.omit === 'file-integrity') d.push('-DNO_FILE_INTEGRITY');
  return d;
}

function run(cmd: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/**
 * Generate and compile pan for `options` in a fresh temporary directory.
 * -DNOCOMP and -DNOBOUNDCHECK are pan's documented speed options (no state
 * compression, no array bound checks: the model indexes within bounds).
 */
export function buildPan(options: SpinModelOptions): Pan {
  const dir = mkdtempSync(join(tmpdir(), 'pipecheck-spin-'));
  copyFileSync(promelaModelPath(), join(dir, 'pipe.pml'));
  const d = defines(options);
  run('spin', [...d, '-a', 'pipe.pml'], dir);
  const search = [...(options.shortest ? ['-DBFS'] : []), ...(options.iterative ? ['-DREACH'] : [])];
  const cflags = ['-O2', '-w', '-DSAFETY', '-DNOCOMP', '-DNOBOUNDCHECK', ...search];
  run('gcc', [...cflags, '-o', 'pan', 'pan.c'], dir);
  return { dir, options, defines: d };
}

/** A number pan printed before `label` ("5692497 states, stored"), or an error naming the label. */
export function panNumber(output: string, label: RegExp): number {
  const m = new RegExp(String.raw`(\d+)\s+` + label.source).exec(output);
  if (!m) throw new Error(`pan's output has no "${label.source}":\n${output}`);
  return Number(m[1]);
}

/** The value of `step` at the end of a replayed trail: the violation's length in steps. */
export function trailSteps(replay: string): number | undefined {
  const m = /^\s*step = (\d+)\s*$/m.exec(replay);
  return m ? Number(m[1]) : undefined;
}

/**
 * Run pan once (exhaustive safety search; -E: stopping at the depth bound is
 * no deadlock; -i for a pan built `iterative`). `hashBits`: pan's hash table
 * has 2^hashBits slots; 24 (the default) is enough for the depth-6 question
 * without long chains, a smaller question runs faster with a smaller table
 * (allocating 2^24 slots alone takes tens of milliseconds).
 */
export function runPan(pan: Pan, hashBits = 24): PanResult {
  const trail = join(pan.dir, 'pipe.pml.trail');
  rmSync(trail, { force: true });
  const t0 = performance.now();
  const out = run('./pan', ['-E', '-n', `-w${hashBits}`, ...(pan.options.iterative ? ['-i'] : [])], pan.dir);
  const wallMs = performance.now() - t0;
  const errs = Number(/errors: (\d+)/.exec(out)?.[1] ?? NaN);
  const result = {
    states: panNumber(out, /states, stored/),
    transitions: panNumber(out, /transitions/),
    errors: errs,
    wallMs,
  };
  if (errs === 0 || !existsSync(trail)) return result;
  const replay = run('spin', ['-t', ...pan.defines, 'pipe.pml'], pan.dir);
  return { ...result, violationSteps: trailSteps(replay) };
}

export function removePan(pan: Pan): void {
  rmSync(pan.dir, { recursive: true, force: true });
}
