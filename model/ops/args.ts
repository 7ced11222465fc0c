/**
 * The kinds of argument an operation takes. Each is defined once: its syntax
 * (a zod type, for scenario files and traces), the range a value must be in
 * under the bounds (checked when a scenario is read), the values the free
 * environment enumerates, its default when a step leaves it out, and how the
 * oracle helper receives it. An operation lists its arguments by these kinds
 * (see `defineOperation`), and everything else about its steps follows.
 */
import { z } from 'zod';
import { maxFileCells, type Bounds } from '../bounds.js';
import type { LayoutFeature } from '../state.js';

/** A value an argument takes: a number, a flag, or one of a few names (`source: "file-shared"`). */
export type ArgScalar = number | boolean | string;

/** The arguments a step has so far, by name (a range may depend on an earlier argument: `len` on `off`). */
export type ArgValues = Readonly<Record<string, ArgScalar>>;

/** What a value must be in under the bounds, and what that range is (for the error message). */
export interface ArgRange {
  readonly lo: number;
  readonly hi: number;
  readonly what: string;
  /** Why no value is allowed, when the bounds leave none (hi < lo). */
  readonly empty?: string;
}

/**
 * One argument. `Z` is its zod type; `V` its value once defaults are filled
 * in (what `apply` receives).
 */
export interface ArgKind<Z extends z.ZodType = z.ZodType, V extends ArgScalar = ArgScalar> {
  readonly schema: Z;
  /** The value of an optional argument a step leaves out. */
  readonly default?: V;
  /** The values the free environment enumerates, simplest first; `earlier`: the arguments enumerated before it. */
  values(b: Bounds, earlier: ArgValues): readonly V[];
  /** The range a scenario's value must be in (undefined: whatever the schema accepts). */
  range?(b: Bounds, earlier: ArgValues): ArgRange | undefined;
  /** The helper's encoding (a non-negative integer), and the largest it accepts. */
  readonly oracleMax: number;
  /** The helper's number for a named value (its place in `values`); numbers and flags need none. */
  encode?(v: V): number;
  /**
   * Values the free environment takes only when a constraint on the argument
   * admits them (scenario `environment.ops`): a plain operation name keeps to
   * the others, so adding a value leaves the state counts of existing
   * scenarios as they were. Process steps and conform use every value.
   */
  readonly optIn?: readonly V[];
  /** Layout features a value needs beyond the operation's own `needs` (default none). */
  needs?(v: V): readonly LayoutFeature[];
}

/** The value an argument of kind `K` has once its default is filled in. */
export type ArgValue<K> = K extends ArgKind<z.ZodType, infer V> ? V : never;

/** lo..hi */
function span(lo: number, hi: number): number[] {
  return Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);
}

const nat = z.number().int().min(0);
const length = z.number().int().min(1).max(64);
const POSITION_MAX = 1 << 24;
const VALUE_MAX = 255;

/** An integer argument: enumerated and checked over the same range. */
function integer(
  schema: z.ZodNumber,
  range: (b: Bounds, earlier: ArgValues) => ArgRange | undefined,
): ArgKind<z.ZodNumber, number> {
  return {
    schema,
    values: (b, earlier) => {
      const r = range(b, earlier);
      return r ? span(r.lo, r.hi) : [];
    },
    range,
    oracleMax: POSITION_MAX,
  };
}

/** A cell of the file: 0 .. pages * cells - 1. */
export const fileOffset = integer(nat, (b) => ({ lo: 0, hi: maxFileCells(b) - 1, what: 'a cell of the file' }));

/** Cells from `off` on, up to the largest file; not checked when `off` is itself out of range. */
export const fileLength = integer(length, (b, { off }) => {
  const max = maxFileCells(b);
  return typeof off === 'number' && off < max
    ? { lo: 1, hi: max - off, what: 'cells up to the largest file' }
    : undefined;
});

/** Cells written at the end of the file: 1 .. pages * cells (whether they fit depends on the size when it runs). */
export const appendLength = integer(length, (b) => ({
  lo: 1,
  hi: maxFileCells(b),
  what: 'cells up to the largest file',
}));

/** A file size in cells: 0 .. pages * cells. */
export const fileSize = integer(nat, (b) => ({ lo: 0, hi: maxFileCells(b), what: 'pages * cells' }));

/** A page of the file. */
export const filePage = integer(nat, (b) => ({ lo: 0, hi: b.pages - 1, what: 'a file page' }));

const userPageRange = (b: Bounds): ArgRange => ({
  lo: 0,
  hi: b.userPages - 1,
  what: 'a user page',
  empty: 'bounds.userPages is 0, so there is no user page',
});

/** One of the process's user pages. */
export const userPage = integer(nat, userPageRange);

export const MEMORY_SOURCES = ['anon', 'file-shared', 'file-private'] as const;
export type MemorySource = (typeof MEMORY_SOURCES)[number];
const sourceSchema = z.enum(MEMORY_SOURCES).optional();
/**
 * What the user memory is: `anon` (the process's anonymous pages, the
 * default), `file-shared` or `file-private` (a MAP_SHARED or MAP_PRIVATE
 * mapping of the file). The environment takes a file source only where a
 * constraint names it.
 */
export const memorySource: ArgKind<typeof sourceSchema, MemorySource> = {
  schema: sourceSchema,
  default: 'anon',
  values: () => MEMORY_SOURCES,
  oracleMax: MEMORY_SOURCES.length - 1,
  encode: (v) => MEMORY_SOURCES.indexOf(v),
  optIn: ['file-shared', 'file-private'],
  needs: (v) => (v === 'file-private' ? ['privateMapping'] : []),
};

/** A page of user memory: one of the process's user pages with `source` `anon`, else a page of the mapped file. */
export const memoryPage = integer(nat, (b, { source }) =>
  source === undefined || source === 'anon'
    ? userPageRange(b)
    : { lo: 0, hi: b.pages - 1, what: 'a page of the mapped file' },
);

/** A cell within one page. */
export const pageCell = integer(nat, (b) => ({ lo: 0, hi: b.cells - 1, what: 'a cell of a page' }));

/** A pipe write of at most one page. */
export const pipeWriteLength = integer(length, (b) => ({ lo: 1, hi: b.cells, what: 'at most one page' }));

/** Cells of a pipe: at most what its ring holds. */
export const pipeLength = integer(length, (b) => ({ lo: 1, hi: b.slots * b.cells, what: 'what a pipe can hold' }));

/**
 * A data value, 0..values (0 is zero, as a hole reads). The free environment
 * writes 1..values only: zeroes come from punches and truncates, and a
 * scenario may still write 0.
 */
export const dataValue: ArgKind<z.ZodNumber, number> = {
  schema: nat,
  values: (b) => span(1, b.values),
  range: (b) => ({ lo: 0, hi: b.values, what: 'bounds.values' }),
  oracleMax: VALUE_MAX,
};

/** A boolean flag of the system call (SPLICE_F_MOVE, SPLICE_F_GIFT); off unless given. */
export const flag: ArgKind<z.ZodOptional<z.ZodBoolean>, boolean> = {
  schema: z.boolean().optional(),
  default: false,
  values: () => [false, true],
  oracleMax: 1,
};

/** Which pipe: 0 the main pipe (the default), 1 the `tee` target. */
const pipeSchema = z.union([z.literal(0), z.literal(1)]).optional();
export const pipeIndex: ArgKind<typeof pipeSchema, 0 | 1> = {
  schema: pipeSchema,
  default: 0,
  values: () => [0, 1],
  oracleMax: 1,
};
