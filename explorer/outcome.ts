/**
 * The edges of the search loop (search.ts), whatever its expander: the
 * options checked, the initial states seeded, and the findings turned into
 * the result (traces rebuilt from the
 * parent links, checked to replay, minimized).
 *
 * @internal
 */
import type { Frontier } from './frontier.js';
import { resolveModel, type ExplorableModel, type Property } from './model.js';
import { minimizeTrace, tracePath, verifyPath } from './path.js';
import type { EndReason, ExploreOptions, ExploreResult, Finding, LimitReason, PropertyError } from './result.js';
import { NO_PARENT, type VisitedSet } from './visited.js';

/** One step found to violate (or witness) a property, or on which it threw. */
export interface Found<O> {
  readonly parent: number;
  readonly action: number;
  readonly message: string;
  readonly observed: O | undefined;
}

/** The options and the model, checked; numbers defaulted. */
export interface SearchSettings {
  readonly maxDepth: number;
  readonly maxStates: number;
  readonly timeoutMs: number;
  readonly progressIntervalMs: number;
  readonly clock: () => number;
  readonly allViolations: boolean;
}

function checkCount(name: string, value: number | undefined, allowZero: boolean): number {
  if (value === undefined) return Infinity;
  if (Number.isNaN(value) || value < (allowZero ? 0 : 1) || (Number.isFinite(value) && !Number.isInteger(value))) {
    throw new RangeError(
      `explore: ${name} must be ${allowZero ? 'a non-negative' : 'a positive'} integer, got ${value}`,
    );
  }
  return value;
}

export function settingsOf<S, O>(
  model: ExplorableModel<S, O>,
  properties: readonly Property<S, O>[],
  options: ExploreOptions<S, O>,
): SearchSettings {
  const maxDepth = checkCount('maxDepth', options.maxDepth, true);
  const maxStates = checkCount('maxStates', options.maxStates, false);
  // Checks the contract (encode and decode go together).
  resolveModel(model);
  const actionCount = model.actionCount;
  if (!Number.isInteger(actionCount) || actionCount < 0 || actionCount > NO_PARENT) {
    throw new RangeError(`explore: model.actionCount must be a non-negative integer, got ${actionCount}`);
  }
  const ids = new Set<string>();
  for (const p of properties) {
    if (ids.has(p.id)) throw new RangeError(`explore: two properties have the id ${JSON.stringify(p.id)}`);
    ids.add(p.id);
  }
  return {
    maxDepth,
    maxStates,
    timeoutMs: options.timeoutMs ?? Infinity,
    progressIntervalMs: options.progressIntervalMs ?? 3000,
    clock: options.clock ?? (() => performance.now()),
    allViolations: options.allViolations === true,
  };
}

/**
 * Depth 0: the initial states, deduplicated by fingerprint, into `visited`
 * and (when there is a step to take) `current`. Returns the index in
 * initialStates() of each initial state id, and 'max-states' when the cap
 * stopped it.
 */
export function seedInitialStates<S, O>(
  model: ExplorableModel<S, O>,
  settings: SearchSettings,
  visited: VisitedSet,
  current: Frontier,
  fingerprintOf: (encoded: Uint8Array, out: Uint32Array) => void,
  aborted: boolean,
): { roots: number[]; stop: LimitReason | undefined } {
  const roots: number[] = [];
  if (aborted) return { roots, stop: 'aborted' };
  const fp = new Uint32Array(2);
  const inits = model.initialStates();
  if (model.encode === undefined && !inits.every((s) => s instanceof Uint8Array)) {
    throw new TypeError('explore: a model without encode() must have Uint8Array states');
  }
  for (let i = 0; i < inits.length; i++) {
    const encoded = model.encode === undefined ? (inits[i] as unknown as Uint8Array) : model.encode(inits[i]!);
    fingerprintOf(encoded, fp);
    if (visited.size >= settings.maxStates) {
      if (visited.lookup(fp[0]!, fp[1]!) < 0) return { roots, stop: 'max-states' };
      continue;
    }
    const id = visited.insert(fp[0]!, fp[1]!, NO_PARENT, 0);
    if (id >= 0) {
      roots.push(i);
      if (settings.maxDepth > 0) current.push(encoded);
    }
  }
  return { roots, stop: undefined };
}

/** Where a search ended: what the result is built from. */
export interface SearchEnd<O> {
  readonly visited: VisitedSet;
  readonly roots: readonly number[];
  readonly found: readonly (readonly Found<O>[])[];
  readonly errors: readonly (Found<O> | undefined)[];
  readonly reason: EndReason;
  readonly transitions: number;
  readonly depthExplored: number;
  readonly peakBytes: number;
  readonly start: number;
  /** Time run in earlier sessions (a search resumed from a checkpoint). */
  readonly elapsedBefore?: number;
}

/** The result: findings' traces rebuilt, checked to replay and minimized; statistics; the verdict. */
export function resultOf<S, O>(
  model: ExplorableModel<S, O>,
  properties: readonly Property<S, O>[],
  options: ExploreOptions<S, O>,
  settings: SearchSettings,
  end: SearchEnd<O>,
): ExploreResult<O> {
  const { visited, roots, found, errors, reason } = end;
  const { clock, timeoutMs } = settings;
  const { signal } = options;
  const traceTo = (f: Found<O>): { trace: number[]; initialIndex: number } => ({
    trace: tracePath(visited, f.parent, f.action),
    initialIndex: roots[visited.root(f.parent)]!,
  });
  const violations: Finding<O>[] = [];
  const propertyErrors: PropertyError[] = [];
  const witnessesMissing: string[] = [];

  /** A finding's trace, checked to replay, minimized when the model can. */
  const findingOf = (property: Property<S, O>, f: Found<O>): Finding<O> => {
    const { trace, initialIndex } = traceTo(f);
    const base = { propertyId: property.id, kind: property.kind, length: trace.length, initialIndex };
    const replayError = verifyPath(model, trace, initialIndex, visited, f.parent);
    if (replayError !== undefined) {
      return { ...base, trace, message: f.message, ...observedOf(f.observed), replayError };
    }
    const minimized =
      options.minimize === false || model.simplerActions === undefined
        ? undefined
        : minimizeTrace(model, property, trace, initialIndex, {
            ...(signal === undefined ? {} : { signal }),
            // Minimizing is part of the run: --timeout bounds it too (a trace not yet minimal is still shortest).
            outOfTime: () => clock() - end.start >= timeoutMs,
          });
    if (minimized === undefined) return { ...base, trace, message: f.message, ...observedOf(f.observed) };
    if (!minimized.changed) return { ...base, trace, message: minimized.message, ...observedOf(minimized.observed) };
    return {
      ...base,
      trace: minimized.trace,
      message: minimized.message,
      ...observedOf(minimized.observed),
      unminimizedTrace: trace,
    };
  };

  for (let i = 0; i < properties.length; i++) {
    const property = properties[i]!;
    const err = errors[i];
    if (err !== undefined) {
      propertyErrors.push({ propertyId: property.id, message: err.message, ...traceTo(err) });
    }
    if (found[i]!.length === 0 && property.kind === 'sometimes' && err === undefined) {
      witnessesMissing.push(property.id);
    }
    /** Minimized traces already reported for this property: several findings can minimize to one. */
    const reported = new Set<string>();
    for (const f of found[i]!) {
      const v = findingOf(property, f);
      const key = `${v.initialIndex}:${v.trace.join(',')}`;
      if (reported.has(key)) continue;
      reported.add(key);
      violations.push(v);
    }
  }

  const statistics = {
    statesDistinct: visited.size,
    transitions: end.transitions,
    depthExplored: end.depthExplored,
    elapsedMs: Math.round(clock() - end.start) + (end.elapsedBefore ?? 0),
    memoryBytes: end.peakBytes,
  };
  const common = { statistics, violations, witnessesMissing, propertyErrors };
  if (violations.some((v) => v.kind === 'always')) {
    return { status: 'violated', complete: !isLimit(reason), reason, ...common };
  }
  if (isLimit(reason)) return { status: 'incomplete', complete: false, reason, ...common };
  return { status: 'holds', complete: true, reason, ...common };
}

function isLimit(reason: EndReason): reason is LimitReason {
  return reason === 'max-states' || reason === 'timeout' || reason === 'aborted';
}

function observedOf<O>(observed: O | undefined): { observed?: O } {
  return observed === undefined ? {} : { observed };
}
