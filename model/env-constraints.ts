/**
 * Constraints on the free environment's arguments: an entry of a scenario's
 * `environment.ops` is an operation's name (any arguments), or an object
 * naming the operation and constraining some of its arguments:
 *
 *     { "op": "write", "off": { "min": 4 }, "value": 1 }
 *
 * An argument's constraint is a value (exactly it), a list of values (one
 * of them) or `{ "min": a, "max": b }` (either end may be left out); the
 * arguments not named are free. The environment then takes only the steps
 * every constraint admits. Defined once here: the syntax (zod), the checks
 * against the operation and the bounds, and the test a step must pass.
 *
 * @public
 */
import { z } from 'zod';
import type { Bounds } from './bounds.js';
import type { ArgScalar } from './ops/args.js';
import { operationNamed, type AnyOperation } from './ops/index.js';
import type { LayoutFeature } from './state.js';
import { OP_NAMES, type OpName } from './step.js';

const scalar = z.union([z.number().int(), z.boolean(), z.string()]);

/** One argument's constraint. */
export const ArgConstraintSchema = z.union([
  scalar,
  z.array(scalar).min(1),
  z
    .object({ min: z.number().int().optional(), max: z.number().int().optional() })
    .strict()
    .refine((r) => r.min !== undefined || r.max !== undefined, { error: 'give min, max or both' }),
]);

export type ArgConstraint = z.infer<typeof ArgConstraintSchema>;

/** An operation's arguments, constrained by name. */
export type ArgConstraints = Readonly<Record<string, ArgConstraint>>;

const OpNameSchema = z.enum(OP_NAMES as [OpName, ...OpName[]]);

/** An entry of `environment.ops`: a name, or `{ op, ...constraints }`. */
export const EnvEntrySchema = z.union([OpNameSchema, z.object({ op: OpNameSchema }).catchall(ArgConstraintSchema)], {
  // A name that is no operation's gets the operations listed, not zod's "Invalid input".
  error: (issue) =>
    typeof issue.input === 'string'
      ? `not an operation; expected one of ${OP_NAMES.map((n) => `"${n}"`).join(', ')}`
      : 'expected an operation\'s name, or { "op": NAME, ARGUMENT: value | [values] | { "min", "max" } }',
});

export type EnvEntry = z.infer<typeof EnvEntrySchema>;

/** The operation an entry names, and its constraints (empty for a bare name). */
export function splitEntry(entry: EnvEntry): { readonly op: OpName; readonly args: ArgConstraints } {
  if (typeof entry === 'string') return { op: entry, args: {} };
  const { op, ...args } = entry;
  return { op, args: args as ArgConstraints };
}

/** Whether `value` meets `c`. */
export function admitsValue(c: ArgConstraint, value: ArgScalar): boolean {
  if (Array.isArray(c)) return c.includes(value);
  if (typeof c === 'object') {
    return (
      typeof value === 'number' && (c.min === undefined || value >= c.min) && (c.max === undefined || value <= c.max)
    );
  }
  return c === value;
}

/** Whether a complete step meets every constraint. */
export function admitsStep(args: ArgConstraints, step: object): boolean {
  const given = step as Readonly<Record<string, ArgScalar>>;
  for (const [k, c] of Object.entries(args)) if (!admitsValue(c, given[k]!)) return false;
  return true;
}

/**
 * Whether the free environment takes `step` of `operation` under `args`:
 * every constraint admits it, and each argument left free has one of its
 * ordinary values (an opt-in value, such as vmsplice's `source:
 * "file-shared"`, is taken only where a constraint names it).
 */
export function environmentAdmits(operation: AnyOperation, args: ArgConstraints, step: object): boolean {
  if (!admitsStep(args, step)) return false;
  const given = step as Readonly<Record<string, ArgScalar>>;
  for (const k of operation.argNames) {
    const optIn = operation.args[k]!.optIn;
    if (optIn && args[k] === undefined && optIn.includes(given[k]!)) return false;
  }
  return true;
}

/** The layout features the environment's steps of `operation` under `args` need (its arguments' values too). */
export function environmentNeeds(operation: AnyOperation, args: ArgConstraints, b: Bounds): LayoutFeature[] {
  const out = new Set<LayoutFeature>(operation.needs);
  const valued = operation.argNames.filter((k) => operation.args[k]!.needs);
  if (valued.length === 0) return [...out];
  for (const step of operation.domain(b))
    if (environmentAdmits(operation, args, step)) for (const f of operation.stepNeeds(step)) out.add(f);
  return [...out];
}

/**
 * The environment entries that let a model take exactly these steps'
 * operations (conform, replays): each operation by name, with, for an
 * argument whose opt-in values the steps use, the values they use.
 */
export function environmentOfSteps(steps: readonly object[]): EnvEntry[] {
  const used = new Map<string, Map<string, Set<ArgScalar>>>();
  for (const step of steps) {
    const name = (step as { op: string }).op;
    const operation = operationNamed(name);
    if (!operation) continue;
    const args = used.get(name) ?? new Map<string, Set<ArgScalar>>();
    used.set(name, args);
    const complete = operation.complete(step) as Readonly<Record<string, ArgScalar>>;
    for (const k of operation.argNames) {
      const optIn = operation.args[k]!.optIn;
      if (!optIn || !optIn.includes(complete[k]!)) continue;
      const values =
        args.get(k) ??
        new Set<ArgScalar>(operation.args[k]!.default !== undefined ? [operation.args[k]!.default!] : []);
      values.add(complete[k]!);
      args.set(k, values);
    }
  }
  return [...used].map(([op, args]) =>
    args.size === 0
      ? (op as OpName)
      : ({ op, ...Object.fromEntries([...args].map(([k, v]) => [k, [...v]])) } as EnvEntry),
  );
}

/** `off>=4`, `value=1`, `len in 1,2`: a constraint as headings and traces say it. */
export function constraintText(name: string, c: ArgConstraint): string {
  if (Array.isArray(c)) return `${name} in ${c.join(',')}`;
  if (typeof c === 'object') {
    if (c.min !== undefined && c.max !== undefined) return `${name} ${c.min}..${c.max}`;
    return c.min !== undefined ? `${name}>=${c.min}` : `${name}<=${c.max}`;
  }
  return `${name}=${String(c)}`;
}

/** `write(off>=4, value=1)`, or just `write` when nothing is constrained. */
export function entryText(op: string, args: ArgConstraints): string {
  const parts = Object.entries(args).map(([k, c]) => constraintText(k, c));
  return parts.length === 0 ? op : `${op}(${parts.join(', ')})`;
}

/**
 * What is wrong with the constraints of operation `op` under `b`, each
 * prefixed by `at` (`environment.ops[0]`): arguments it does not have, a
 * range on a flag, and constraints that admit none of the steps the bounds allow.
 */
export function constraintProblems(op: OpName, args: ArgConstraints, b: Bounds, at: string): string[] {
  const operation = operationNamed(op)!;
  const out: string[] = [];
  for (const [k, c] of Object.entries(args)) {
    if (!operation.argNames.includes(k)) {
      const has = operation.argNames.length > 0 ? `its arguments: ${operation.argNames.join(', ')}` : 'it has none';
      out.push(`${at}.${k}: ${op} has no argument "${k}" (${has})`);
      continue;
    }
    const sample = operation.complete({ op })[k as never] as unknown;
    if (typeof sample === 'boolean' && typeof c === 'object' && !Array.isArray(c))
      out.push(`${at}.${k}: a flag takes true, false or a list, not a range`);
    if (typeof sample === 'string') {
      const names = operation.args[k]!.values(b, {}).map(String);
      if (typeof c === 'object' && !Array.isArray(c)) out.push(`${at}.${k}: takes a name or a list, not a range`);
      for (const v of Array.isArray(c) ? c : typeof c === 'object' ? [] : [c])
        if (!names.includes(String(v)))
          out.push(`${at}.${k}: ${JSON.stringify(v)} is not one of ${names.map((n) => `"${n}"`).join(', ')}`);
    }
  }
  if (out.length === 0 && !operation.domain(b).some((step) => environmentAdmits(operation, args, step)))
    out.push(`${at}: ${entryText(op, args)} admits no step under these bounds`);
  return out;
}
