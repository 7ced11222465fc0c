/**
 * Exhaustive breadth-first exploration: levels, limits and judging, as
 * Stateright's `bfs.rs`. Per successor, in this order: judge the step with
 * every property still undecided, show it to the visitors, fingerprint the
 * new state, add it to the next level if it is new. Traces are rebuilt,
 * checked and minimized by the path module (path.ts).
 *
 * @public
 */
import { Frontier } from './frontier.js';
import { fingerprinterOf, type ExplorableModel, type Property, type StepView } from './model.js';
import { resultOf, seedInitialStates, settingsOf, type Found } from './outcome.js';
import type { EndReason, ExploreOptions, ExploreResult, LimitReason } from './result.js';
import { VisitedSet } from './visited.js';

/** Steps (enabled or not) between two looks at the clock and the signal. */
const POLL_MASK = 4095;

/** The most findings per property `allViolations` keeps. */
export const ALL_VIOLATIONS_CAP = 100;

/**
 * Explore every state reachable from `model.initialStates()` in at most
 * `options.maxDepth` steps, breadth first, judging every step (including
 * steps to states already seen) with every property still undecided.
 *
 * The first step found to violate (or witness) a property is at the smallest
 * depth, so its trace is a shortest one; ties go to the first in BFS order
 * (initial states in order, actions in index order), so the result is the
 * same on every run. Initial states are depth 0 and are not judged.
 *
 * The search ends as soon as every property is decided (violated or
 * witnessed), or at the depth bound, or when no new state is found, or at a
 * limit. Visitors (`options.visitors`) see every step taken until then.
 *
 * Never throws for a property that throws (that is a `propertyError`); a
 * model method that throws is a bug in the model and propagates.
 */
export function explore<S, O>(
  model: ExplorableModel<S, O>,
  properties: readonly Property<S, O>[],
  options: ExploreOptions<S, O> = {},
): ExploreResult<O> {
  const settings = settingsOf(model, properties, options);
  const { maxDepth, maxStates, timeoutMs, progressIntervalMs, clock, allViolations } = settings;
  const { signal, onEvent } = options;
  const visitors = options.visitors ?? [];
  // The hot loop calls the model directly: no defaulting closure per step.
  const bytesAreStates = model.encode === undefined;
  const actionCount = model.actionCount;

  const start = clock();
  const visited = new VisitedSet(actionCount);
  const fp = new Uint32Array(2);
  const fingerprintState = fingerprinterOf(model);
  const fingerprintOf = (encoded: Uint8Array): void => fingerprintState(encoded, fp);

  /** Per property, its findings: the first only, or (allViolations) every one at the shortest depth, capped. */
  const found: Found<O>[][] = properties.map(() => []);
  /** allViolations: properties found on this level, judged to its end, then retired. */
  let retireAtLevelEnd: number[] = [];
  const errors: Array<Found<O> | undefined> = properties.map(() => undefined);
  /** Indices of properties still judged, ascending. */
  const active: number[] = properties.map((_, i) => i);
  /** Properties violated or witnessed; the search stops when all are (errors do not count). */
  let foundCount = 0;

  let transitions = 0;
  let work = 0;
  let peakBytes = 0;
  let stop: LimitReason | 'all-properties-decided' | undefined;
  let depth = 0;
  let depthExplored = 0;
  let current = new Frontier();
  let next = new Frontier();
  let lastProgressAt = start;
  let lastProgressStates = 0;
  let lastProgressTransitions = 0;
  const memory = (): number => {
    const bytes = visited.bytesUsed() + current.bytesUsed() + next.bytesUsed();
    if (bytes > peakBytes) peakBytes = bytes;
    return bytes;
  };

  const poll = (): void => {
    const now = clock();
    const memoryBytes = memory();
    if (signal?.aborted) stop = 'aborted';
    else if (now - start >= timeoutMs) stop = 'timeout';
    else if (onEvent !== undefined && now - lastProgressAt >= progressIntervalMs) {
      const seconds = Math.max(now - lastProgressAt, 1) / 1000;
      onEvent({
        type: 'progress',
        depth,
        statesDistinct: visited.size,
        transitions,
        statesPerSecond: Math.round((visited.size - lastProgressStates) / seconds),
        transitionsPerSecond: Math.round((transitions - lastProgressTransitions) / seconds),
        queue: current.remaining + next.length,
        memoryBytes,
        elapsedMs: Math.round(now - start),
      });
      lastProgressAt = now;
      lastProgressStates = visited.size;
      lastProgressTransitions = transitions;
    }
  };

  const judgeStep = (view: StepView<S, O>, parent: number): void => {
    for (let k = 0; k < active.length;) {
      const index = active[k]!;
      const property = properties[index]!;
      let message: string | undefined;
      try {
        message = property.check(view);
      } catch (e) {
        const text = e instanceof Error ? e.message : String(e);
        errors[index] = { parent, action: view.action, message: text, observed: view.observed };
        active.splice(k, 1);
        continue;
      }
      if (message !== undefined) {
        const first = found[index]!.length === 0;
        found[index]!.push({ parent, action: view.action, message: String(message), observed: view.observed });
        if (first) {
          foundCount++;
          onEvent?.({ type: 'violation', propertyId: property.id, kind: property.kind, length: view.depth + 1 });
        }
        if (!allViolations || found[index]!.length >= ALL_VIOLATIONS_CAP) {
          active.splice(k, 1);
          continue;
        }
        if (first) retireAtLevelEnd.push(index);
      }
      k++;
    }
  };

  // Depth 0: the initial states, deduplicated by fingerprint.
  const seeded = seedInitialStates(model, settings, visited, current, fingerprintState, signal?.aborted === true);
  stop = seeded.stop;
  const roots = seeded.roots;
  let levelFirst = 0;
  let levelEnd = visited.size;

  expansion: while (stop === undefined && depth < maxDepth && levelEnd > levelFirst) {
    const queueNext = depth + 1 < maxDepth;
    for (let id = levelFirst; id < levelEnd; id++) {
      const bytes = current.shift();
      const state = bytesAreStates ? (bytes as unknown as S) : model.decode!(bytes);
      for (let action = 0; action < actionCount; action++) {
        if ((++work & POLL_MASK) === 0) {
          poll();
          if (stop !== undefined) break expansion;
        }
        const t = model.step(state, action);
        if (t === undefined) continue;
        transitions++;
        if (active.length > 0 || visitors.length > 0) {
          const view = { before: state, action, after: t.next, observed: t.observed, depth };
          if (active.length > 0) judgeStep(view, id);
          for (let v = 0; v < visitors.length; v++) visitors[v]!.visit(view);
        }
        const encoded = bytesAreStates ? (t.next as unknown as Uint8Array) : model.encode!(t.next);
        fingerprintOf(encoded);
        if (visited.size >= maxStates) {
          if (visited.lookup(fp[0]!, fp[1]!) < 0) {
            stop = 'max-states';
            break expansion;
          }
        } else if (visited.insert(fp[0]!, fp[1]!, id, action) >= 0 && queueNext) {
          next.push(encoded);
        }
        if (!allViolations && foundCount === properties.length && foundCount > 0) {
          stop = 'all-properties-decided';
          break expansion;
        }
      }
    }
    if (retireAtLevelEnd.length > 0) {
      const retired = new Set(retireAtLevelEnd);
      for (let k = active.length - 1; k >= 0; k--) if (retired.has(active[k]!)) active.splice(k, 1);
      retireAtLevelEnd = [];
    }
    // With allViolations the level that decides the last property is finished first.
    if (allViolations && foundCount === properties.length && foundCount > 0) stop = 'all-properties-decided';
    depth++;
    depthExplored = depth;
    levelFirst = levelEnd;
    levelEnd = visited.size;
    const memoryBytes = memory();
    current.release();
    current = next;
    next = new Frontier();
    onEvent?.({
      type: 'level',
      depth,
      statesDistinct: visited.size,
      transitions,
      queue: levelEnd - levelFirst,
      memoryBytes,
      elapsedMs: Math.round(clock() - start),
    });
  }
  memory();
  current.release();
  next.release();

  let reason: EndReason;
  if (stop !== undefined) reason = stop;
  else if (depth >= maxDepth && levelEnd > levelFirst) reason = 'depth-bound';
  else reason = 'state-space-exhausted';
  return resultOf(model, properties, options, settings, {
    visited,
    roots,
    found,
    errors,
    reason,
    transitions,
    depthExplored,
    peakBytes,
    start,
  });
}
