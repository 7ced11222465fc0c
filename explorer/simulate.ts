/**
 * Random walks over any ExplorableModel, for bounds exhaustive search cannot
 * reach. It knows nothing about pipes: like the BFS it sees states it cannot
 * read, numbered actions and properties judged one step at a time.
 *
 * A walk is driven by an array of choice numbers that fast-check generates;
 * each step takes an action chosen uniformly among those enabled in the
 * current state (rejection sampling seeded by the step's choice), and every
 * property is judged on it; the first step on which a property fires ends the
 * walk. fast-check's shrinker (fc.check with endOnFailure false) shortens and
 * simplifies the choices of a walk that fails, and `minimizeTrace` then makes
 * each step's arguments as simple as the model says.
 *
 * Runs are cut into chunks of CHUNK_RUNS with seeds derived from the run's
 * seed, so the walks taken do not depend on how many workers share them nor
 * on their timing; `mergeChunks` keeps, per property, the shortest finding,
 * ties to the lowest chunk.
 *
 * @public
 */
import fc from 'fast-check';
import type { ExplorableModel, Property, StepView, Transition } from './model.js';
import { checkLastStep, minimizeTrace } from './path.js';
import { CHUNK_RUNS, chunkCount } from './shard.js';

// The chunk arithmetic lives with the shards (shard.ts), which the command line loads without fast-check.
export { CHUNK_RUNS, chunkCount } from './shard.js';

/** Choice numbers are `0 .. MAX_CHOICE`. */
export const MAX_CHOICE = 0x7fffffff;

/** Candidates drawn at random before a step enumerates every action to find the enabled ones. */
const RANDOM_TRIES = 32;

/** One chunk of a simulation: which runs, and the seed its fast-check runs start from. */
export interface Chunk {
  readonly index: number;
  readonly runs: number;
  readonly seed: number;
}

/** A 32-bit mix (murmur3's finalizer) of `seed` and `n`, as a signed integer (what fast-check takes). */
export function deriveSeed(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Chunk `index` of `runs` cut into chunks of CHUNK_RUNS (the last one shorter); undefined past the last. */
export function chunkAt(runs: number, seed: number, index: number): Chunk | undefined {
  if (!Number.isInteger(index) || index < 0 || index >= chunkCount(runs)) return undefined;
  return { index, runs: Math.min(CHUNK_RUNS, runs - index * CHUNK_RUNS), seed: deriveSeed(seed, index) };
}

/** Every chunk of `runs`, each with its derived seed. */
export function chunkPlan(runs: number, seed: number): Chunk[] {
  return Array.from({ length: chunkCount(runs) }, (_, i) => chunkAt(runs, seed, i)!);
}

function xorshift(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

/**
 * The action a step takes in `state` for choice `choice`: uniform among the
 * enabled actions (rejection sampling: the first candidate is `choice` modulo
 * the action count, so a choice shrunk to 0 tries action 0 first; then
 * candidates from a generator seeded by the choice; after RANDOM_TRIES, one
 * of the enabled actions by enumeration). Undefined when none is enabled.
 */
export function pickAction<S, O>(
  model: ExplorableModel<S, O>,
  state: S,
  choice: number,
): { readonly action: number; readonly transition: Transition<S, O> } | undefined {
  const count = model.actionCount;
  if (count === 0) return undefined;
  let action = choice % count;
  let random = xorshift((choice ^ 0x5bd1e995) >>> 0 || 1);
  for (let k = 0; k < RANDOM_TRIES; k++) {
    const transition = model.step(state, action);
    if (transition !== undefined) return { action, transition };
    // A model whose action numbers come in runs (nextAction) tries the next run's first action:
    // most of a run's numbers are never enabled, and a random pick would land on them.
    const next = model.nextAction?.(state, action);
    if (next !== undefined && next > action && next < count) {
      const t = model.step(state, next);
      if (t !== undefined) return { action: next, transition: t };
    }
    random = xorshift(random);
    action = random % count;
  }
  const enabled: { action: number; transition: Transition<S, O> }[] = [];
  for (let a = 0; a < count; a = model.nextAction ? model.nextAction(state, a) : a + 1) {
    const transition = model.step(state, a);
    if (transition !== undefined) enabled.push({ action: a, transition });
  }
  return enabled.length === 0 ? undefined : enabled[xorshift(random) % enabled.length];
}

/** A property that fired on a walk's last step. */
export interface Fired<O> {
  readonly property: number;
  readonly message: string;
  readonly observed?: O | undefined;
}

/** A property that threw on a walk's step. */
export interface Threw {
  readonly property: number;
  readonly message: string;
}

/** Where a walk went and why it ended. */
export interface WalkOutcome<O> {
  /** The actions taken; the last one is the step the properties in `fired` fired on. */
  readonly trace: number[];
  /** The properties (of those judged) that fired on the last step, in property order; empty: none did. */
  readonly fired: Fired<O>[];
  /** Properties that threw (each stops being judged on this walk). */
  readonly threw: Threw[];
}

/**
 * Walk from `initial` taking one step per choice, in order, and judge the
 * properties in `judged` (indices into `properties`) on every step; the
 * first step on which one fires ends the walk, as does a state where no
 * action is enabled.
 */
export function walkChoices<S, O>(
  model: ExplorableModel<S, O>,
  properties: readonly Property<S, O>[],
  judged: readonly number[],
  initial: S,
  choices: readonly number[],
): WalkOutcome<O> {
  const trace: number[] = [];
  const threw: Threw[] = [];
  let live = judged;
  let state = initial;
  for (let depth = 0; depth < choices.length; depth++) {
    const picked = pickAction(model, state, choices[depth]!);
    if (picked === undefined) break;
    trace.push(picked.action);
    const { next, observed } = picked.transition;
    const view: StepView<S, O> = { before: state, action: picked.action, after: next, observed, depth };
    const fired: Fired<O>[] = [];
    for (const p of live) {
      let message: string | undefined;
      try {
        message = properties[p]!.check(view);
      } catch (e) {
        threw.push({ property: p, message: e instanceof Error ? e.message : String(e) });
        live = live.filter((q) => q !== p);
        continue;
      }
      if (message !== undefined) fired.push({ property: p, message, observed });
    }
    if (fired.length > 0) return { trace, fired, threw };
    state = next;
  }
  return { trace, fired: [], threw };
}

/**
 * The walks' arbitrary: arrays of `depth` choices, generated without
 * fast-check's bias toward small values (so actions are uniform), shrunk as
 * fast-check shrinks any array of choices: shorter, then smaller values.
 * The walk reads the array from its end, so that fast-check's length
 * shrinking, which keeps an array's tail, keeps a walk's first steps.
 */
class ChoicesArbitrary extends fc.Arbitrary<number[]> {
  private readonly element = fc.noBias(fc.nat(MAX_CHOICE));
  private readonly shrinker: fc.Arbitrary<number[]>;
  constructor(private readonly depth: number) {
    super();
    this.shrinker = fc.array(fc.nat(MAX_CHOICE), { maxLength: depth });
  }
  override generate(mrng: fc.Random): fc.Value<number[]> {
    const out: number[] = [];
    for (let i = 0; i < this.depth; i++) out.push(this.element.generate(mrng, undefined).value);
    return new fc.Value(out, undefined);
  }
  override canShrinkWithoutContext(value: unknown): value is number[] {
    return this.shrinker.canShrinkWithoutContext(value);
  }
  override shrink(value: number[], context: unknown): fc.Stream<fc.Value<number[]>> {
    return this.shrinker.shrink(value, context);
  }
}

/** The choices of a walk, in step order, from fast-check's value (which the walk reads from its end). */
export function choicesOf(value: readonly number[]): number[] {
  return [...value].reverse();
}

export interface SimulateChunkOptions {
  readonly maxDepth: number;
  /** Stop early (the runs not taken are not counted). */
  readonly signal?: AbortSignal | undefined;
  /** Told after each run (not each shrink step). */
  readonly onRun?: (() => void) | undefined;
  /** Told when a run first fails, before fast-check shrinks it. */
  readonly onFailure?: ((property: string) => void) | undefined;
  /** Minimize the shrunk trace's arguments with `model.simplerActions` (default true). */
  readonly minimize?: boolean | undefined;
}

/** A property's finding in a chunk: its trace shrunk and minimized, and how to find it again. */
export interface SimulationFinding<O = unknown> {
  readonly propertyId: string;
  readonly kind: 'always' | 'sometimes';
  readonly length: number;
  /** Action indices from the first initial state; the last step is the one the property fired on. */
  readonly trace: number[];
  readonly message: string;
  readonly observed?: O | undefined;
  readonly chunk: number;
  /** The seed given to fc.check for the run that found it. */
  readonly fastCheckSeed: number;
  /** fast-check's path to the shrunk counterexample (fc.check's `path` option replays it). */
  readonly path: string;
  /** The shrunk walk's choices, in step order. */
  readonly choices: number[];
  /** The walk as fast-check shrank it, before its arguments were minimized (only when they changed). */
  readonly unminimizedTrace?: number[];
  /** Steps of the walk before fast-check shrank it. */
  readonly unshrunkLength: number;
  /** Set when the trace does not replay to the property firing (the model or the property is not deterministic). */
  readonly replayError?: string;
}

export interface SimulationError {
  readonly propertyId: string;
  readonly trace: number[];
  readonly message: string;
  readonly chunk: number;
}

export interface ChunkResult<O = unknown> {
  readonly chunk: number;
  /** At most one per property, in property order. */
  readonly findings: SimulationFinding<O>[];
  readonly errors: SimulationError[];
  /** Runs taken (fewer than the chunk's when aborted). */
  readonly runs: number;
  /** Walks taken, shrinking included. */
  readonly walks: number;
  readonly aborted: boolean;
}

/**
 * Run one chunk: fc.check over random walks until every property fired,
 * threw, or the chunk's runs are done. Each failure is shrunk by fast-check
 * (the property that fired is then no longer a target, and the remaining
 * runs go on from a seed derived from the chunk's).
 */
export function simulateChunk<S, O>(
  model: ExplorableModel<S, O>,
  properties: readonly Property<S, O>[],
  chunk: Chunk,
  options: SimulateChunkOptions,
): ChunkResult<O> {
  const initial = model.initialStates()[0];
  const findings: SimulationFinding<O>[] = [];
  const errors: SimulationError[] = [];
  if (initial === undefined) return { chunk: chunk.index, findings, errors, runs: 0, walks: 0, aborted: false };
  const arbitrary = new ChoicesArbitrary(options.maxDepth);
  let targets = properties.map((_, i) => i);
  let runs = 0;
  let walks = 0;
  let aborted = false;
  for (let round = 0; runs < chunk.runs && targets.length > 0 && !aborted; round++) {
    const judged = targets;
    const seed = round === 0 ? chunk.seed : deriveSeed(chunk.seed, round);
    let failed = false;
    let roundRuns = 0;
    let unshrunkLength = 0;
    const predicate = (value: number[]): boolean => {
      if (options.signal?.aborted) {
        aborted = true;
        return true;
      }
      walks++;
      if (!failed) {
        roundRuns++;
        options.onRun?.();
      }
      const outcome = walkChoices(model, properties, judged, initial, choicesOf(value));
      for (const t of outcome.threw) {
        if (errors.some((e) => e.propertyId === properties[t.property]!.id)) continue;
        errors.push({
          propertyId: properties[t.property]!.id,
          trace: outcome.trace,
          message: t.message,
          chunk: chunk.index,
        });
      }
      if (outcome.fired.length === 0) return true;
      if (!failed) {
        options.onFailure?.(properties[outcome.fired[0]!.property]!.id);
        unshrunkLength = outcome.trace.length;
      }
      failed = true;
      return false;
    };
    const details = fc.check(fc.property(arbitrary, predicate), {
      seed,
      numRuns: chunk.runs - runs,
      endOnFailure: false,
    });
    runs += roundRuns;
    const thrown = new Set(errors.map((e) => e.propertyId));
    targets = targets.filter((p) => !thrown.has(properties[p]!.id));
    if (!details.failed || details.counterexample === null || details.counterexamplePath === null) continue;
    const choices = choicesOf(details.counterexample[0]);
    const outcome = walkChoices(model, properties, judged, initial, choices);
    const first = outcome.fired[0];
    if (first === undefined) continue; // the aborted run's "pass" cut shrinking short: nothing to keep
    findings.push(
      findingOf(model, properties, first, outcome.trace, options, {
        chunk: chunk.index,
        fastCheckSeed: seed,
        path: details.counterexamplePath,
        choices,
        unshrunkLength,
      }),
    );
    targets = targets.filter((p) => p !== first.property);
  }
  findings.sort((a, b) => indexOf(properties, a.propertyId) - indexOf(properties, b.propertyId));
  return { chunk: chunk.index, findings, errors, runs, walks, aborted };
}

function indexOf<S, O>(properties: readonly Property<S, O>[], id: string): number {
  return properties.findIndex((p) => p.id === id);
}

function findingOf<S, O>(
  model: ExplorableModel<S, O>,
  properties: readonly Property<S, O>[],
  fired: Fired<O>,
  trace: number[],
  options: SimulateChunkOptions,
  found: Pick<SimulationFinding, 'chunk' | 'fastCheckSeed' | 'path' | 'choices' | 'unshrunkLength'>,
): SimulationFinding<O> {
  const property = properties[fired.property]!;
  const base = { propertyId: property.id, kind: property.kind, ...found };
  const minimized =
    options.minimize === false
      ? undefined
      : minimizeTrace(model, property, trace, 0, options.signal ? { signal: options.signal } : {});
  if (minimized === undefined || !minimized.changed) {
    return { ...base, length: trace.length, trace, message: fired.message, observed: fired.observed };
  }
  const check = checkLastStep(model, property, minimized.trace, 0);
  return {
    ...base,
    length: minimized.trace.length,
    trace: minimized.trace,
    message: minimized.message,
    observed: minimized.observed,
    unminimizedTrace: trace,
    ...(check.fires ? {} : { replayError: check.reason }),
  };
}

/** Per property, the shortest finding of any chunk (ties: the lowest chunk), in property order of `ids`. */
export function mergeChunks<O>(chunks: readonly ChunkResult<O>[], ids: readonly string[]): SimulationFinding<O>[] {
  const best = new Map<string, SimulationFinding<O>>();
  for (const c of [...chunks].sort((a, b) => a.chunk - b.chunk)) {
    for (const f of c.findings) {
      const kept = best.get(f.propertyId);
      if (kept === undefined || f.length < kept.length) best.set(f.propertyId, f);
    }
  }
  return ids.flatMap((id) => best.get(id) ?? []);
}

/** Per property, the error of the lowest chunk. */
export function mergeErrors(chunks: readonly ChunkResult<unknown>[]): SimulationError[] {
  const first = new Map<string, SimulationError>();
  for (const c of [...chunks].sort((a, b) => a.chunk - b.chunk)) {
    for (const e of c.errors) if (!first.has(e.propertyId)) first.set(e.propertyId, e);
  }
  return [...first.values()];
}
