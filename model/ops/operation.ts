/**
 * One module per operation, each pure: `apply(ctx, state, step)` copies the
 * state, changes the copy and returns it, or returns `undefined` when the
 * step is not enabled (it would block, fail, or the kernel returns EAGAIN).
 * Each operation also enumerates its argument domain from the bounds, in a
 * fixed order, so that action indices replay.
 */
import type { Bounds } from '../bounds.js';
import type { ModelContext } from '../context.js';
import type { ReadObservation } from '../pipe.js';
import type { State } from '../state.js';
import type { OpName, StepOf } from '../step.js';

export interface OpResult {
  readonly state: State;
  /** Set by pipe-read: what the reader saw. */
  readonly observed?: ReadObservation;
}

export interface Operation<N extends OpName = OpName> {
  readonly name: N;
  /** What it does, in the kernel's words. */
  readonly summary: string;
  /** Every argument combination the bounds allow, simplest first. */
  domain(bounds: Bounds): StepOf<N>[];
  /** The next state, or undefined when not enabled. Never mutates `s`. */
  apply(ctx: ModelContext, s: State, step: StepOf<N>): OpResult | undefined;
}

/** 1..n */
export function range1(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
/** 0..n-1 */
export function range0(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
