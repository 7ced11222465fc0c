/**
 * Steps: one operation with its arguments, exactly as scenario programs and
 * counterexample traces spell them (`pipecheck list ops`). Offsets and
 * lengths are in cells, counted from the start of the file. The type is
 * inferred from the operations' schemas (model/ops/), never written by hand.
 *
 * @public
 */
import { z } from 'zod';
import { OPERATION_LIST, OPERATIONS, STEP_SCHEMAS, type OpName } from './ops/index.js';

/** A step of any operation: its zod schema (a discriminated union on `op`). */
export const StepSchema = z.discriminatedUnion('op', STEP_SCHEMAS);

export type Step = Readonly<z.output<typeof StepSchema>>;

export type { OpName };

/** Every operation, in the fixed order in which actions are enumerated. */
export const OP_NAMES: readonly OpName[] = OPERATION_LIST.map((op) => op.name);

/** The operations of a scenario that lists none: the seed thread's calls and the user-memory ones (the rest opt in). */
export const DEFAULT_ENVIRONMENT_OPS: readonly OpName[] = OPERATION_LIST.filter((op) => op.inDefaultEnvironment).map(
  (op) => op.name,
);

export type StepOf<N extends OpName> = Extract<Step, { op: N }>;

/** Whether `ops` names every operation of the default environment (`DEFAULT_ENVIRONMENT_OPS`). */
export function coversDefaultEnvironment(ops: readonly string[]): boolean {
  return DEFAULT_ENVIRONMENT_OPS.every((op) => ops.includes(op));
}

/** A step with every default filled in (`splice` without `move` moves nothing). */
export type CompleteStep = ReturnType<(typeof OPERATION_LIST)[number]['complete']>;

/** `step` with every default filled in. */
export function completeStep(step: Step): CompleteStep {
  return (OPERATIONS[step.op] as { complete(s: Step): CompleteStep }).complete(step);
}

/** A step as the seed's reproducer would say it: `write(off=0, len=2, value=2)` (the arguments it gives). */
export function formatStep(step: Step): string {
  return OPERATIONS[step.op].show(step);
}

/** Two steps that do the same thing: equal once defaults are filled in. */
export function sameStep(a: Step, b: Step): boolean {
  if (a.op !== b.op) return false;
  const ca = completeStep(a) as Readonly<Record<string, unknown>>;
  const cb = completeStep(b) as Readonly<Record<string, unknown>>;
  return OPERATIONS[a.op].argNames.every((k) => ca[k] === cb[k]);
}
