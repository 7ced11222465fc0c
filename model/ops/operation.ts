/**
 * The operation descriptor: everything about one operation, in its module
 * under model/ops/. From its name and its arguments (kinds from args.ts) the
 * descriptor gets its zod schema (the `Step` type is inferred from the
 * schemas), its argument domain, its bounds check, its defaults, how a step
 * is shown and how the oracle helper receives it. The module adds what only
 * it knows: `apply`, the cells a step moves (compared with the kernel's
 * return value) and how often conform draws it.
 *
 * `apply(ctx, state, step)` is pure: it copies the state, changes the copy
 * and returns it, or returns `undefined` when the step is not enabled (it
 * would block, fail, or the kernel returns EAGAIN).
 */
import { z } from 'zod';
import type { Bounds } from '../bounds.js';
import type { ModelContext } from '../context.js';
import type { FsProfile } from '../fs/index.js';
import type { ReadObservation } from '../pipe.js';
import type { Layout, LayoutFeature, State } from '../state.js';
import type { ArgKind, ArgRange, ArgScalar, ArgValue, ArgValues } from './args.js';

export interface OpResult {
  readonly state: State;
  /** Set by pipe-read (and every read of a queue): what the reader saw. */
  readonly observed?: ReadObservation;
  /**
   * The system call failed with this errno (`EOPNOTSUPP`, `EINVAL`), as the
   * kernel fails it: the step is taken (a process goes on to its next step)
   * and changes nothing but the program counter. The oracle must fail it
   * with the same errno.
   */
  readonly failed?: string;
}

/** An operation's arguments: kinds by name, in the order steps spell them. */
export type ArgKinds = Readonly<Record<string, ArgKind>>;

/** The zod shape of a step of operation `N`. */
export type StepShape<N extends string, A extends ArgKinds> = { readonly op: z.ZodLiteral<N> } & {
  readonly [K in keyof A]: A[K]['schema'];
};

/** A step of operation `N` with every default filled in (what `apply` receives). */
export type CompleteStep<N extends string, A extends ArgKinds> = { readonly op: N } & {
  readonly [K in keyof A]: ArgValue<A[K]>;
};

/** What one step did, for `cellsMoved`. */
export interface StepRun<P> {
  readonly L: Layout;
  /** The file system the step ran on (copy_file_range copies less where it reflinks). */
  readonly fs: FsProfile;
  readonly before: State;
  readonly after: State;
  readonly step: P;
  readonly observed?: ReadObservation | undefined;
}

/** What an operation's module writes. */
export interface OperationDefinition<N extends string, A extends ArgKinds> {
  readonly name: N;
  /** What it does, in the kernel's words (`pipecheck list ops`). */
  readonly summary: string;
  readonly args: A;
  /** The order in which the free environment enumerates the arguments (default: `args` order). */
  readonly enumerate?: readonly (keyof A & string)[];
  /** The next state, or undefined when not enabled. Never mutates `s`. */
  apply(ctx: ModelContext, s: State, step: CompleteStep<N, A>): OpResult | undefined;
  /**
   * Cells the step moved: written, spliced, teed or read (default 0). The
   * oracle compares it with the system call's return value.
   */
  cellsMoved?(run: StepRun<CompleteStep<N, A>>): number;
  /**
   * The system call returns 0 when nothing happened (splice at EOF, tee of an
   * empty pipe): the model does not enable such a step (default false).
   */
  readonly zeroReturnIsRefusal?: boolean;
  /** How often `pipecheck conform` draws it, relative to the others. */
  readonly conformWeight: number;
  /** Parts of the state it needs beyond the file, the pipes and user memory (default none). */
  readonly needs?: readonly LayoutFeature[];
  /**
   * Whether a scenario that lists no operations lets its environment use it
   * (default true). The operations added after the seed thread's calls
   * (O_DIRECT, copy_file_range, sendfile, ...) say false: they join when a
   * scenario or `--ops` names them, so the default scenario, its state
   * counts and the verdicts of existing scenario files stay as they were.
   */
  readonly inDefaultEnvironment?: boolean;
  /**
   * Whether it works on the file (through an fd of it or a mapping of it),
   * so that it is not enabled once the file is unlinked and those fds and
   * mappings are closed (`unlink`; `Layout.unlinked`). Default true: a new
   * file operation is right without thinking of unlink. The pipe, socket
   * and user-memory operations say false. Checked once, where the model
   * applies a step (ScenarioModel), so no module tests the flag itself.
   */
  readonly usesFile?: boolean;
  /**
   * The most outcomes the kernel choices the operation asks itself
   * (model/choices.ts; not those of the page cache it goes through) give one
   * step: splice-out's overlapping copy, 2. Default 1: none.
   */
  readonly ownChoices?: number;
}

/** An operation, as the model, scenarios, the oracle and conform use it. */
export interface Operation<N extends string = string, A extends ArgKinds = ArgKinds> {
  readonly name: N;
  readonly summary: string;
  readonly args: A;
  /** Argument names, in the order steps spell them. */
  readonly argNames: readonly (keyof A & string)[];
  /** The zod schema of its steps: `{ op: N, ...args }`, strict. */
  readonly schema: z.ZodObject<StepShape<N, A>, z.core.$strict>;
  /** Every argument combination the bounds allow, in a fixed order (so that action indices replay). */
  domain(b: Bounds): CompleteStep<N, A>[];
  /** What is wrong with a step's arguments under `b` ("off: 9 is out of range 0..3 (a cell of the file)"). */
  problems(step: z.output<z.ZodObject<StepShape<N, A>>>, b: Bounds): string[];
  /** The step with every default filled in. */
  complete(step: z.output<z.ZodObject<StepShape<N, A>>>): CompleteStep<N, A>;
  /**
   * The step without the arguments that have opt-in values and are at their
   * default (vmsplice's `source: "anon"`), as traces show an environment's
   * step: the same as before the argument existed, counterexample hashes too.
   */
  plain<T extends object>(step: T): T;
  apply(ctx: ModelContext, s: State, step: CompleteStep<N, A>): OpResult | undefined;
  cellsMoved(run: StepRun<CompleteStep<N, A>>): number;
  readonly zeroReturnIsRefusal: boolean;
  readonly conformWeight: number;
  readonly needs: readonly LayoutFeature[];
  /** What a step needs: `needs`, and what its arguments' values need (vmsplice from a private mapping). */
  stepNeeds(step: object): readonly LayoutFeature[];
  readonly inDefaultEnvironment: boolean;
  /** Whether it works on the file: not enabled once the file is unlinked. */
  readonly usesFile: boolean;
  /** The most outcomes its own kernel choices give one step (1: none). */
  readonly ownChoices: number;
  /** The step as the seed's reproducer would say it: `write(off=0, len=2, value=2)` (given arguments only). */
  show(step: object): string;
  /** The arguments as the oracle helper reads them after the op's name: `[off, len, value]`. */
  oracleArgs(step: object): number[];
}

/** An operation of any name and arguments, for code that handles every operation alike. */
export interface AnyOperation {
  readonly name: string;
  readonly summary: string;
  readonly args: ArgKinds;
  readonly argNames: readonly string[];
  readonly schema: z.ZodObject;
  domain(b: Bounds): object[];
  problems(step: object, b: Bounds): string[];
  complete(step: object): object;
  plain<T extends object>(step: T): T;
  apply(ctx: ModelContext, s: State, step: object): OpResult | undefined;
  cellsMoved(run: StepRun<object>): number;
  readonly zeroReturnIsRefusal: boolean;
  readonly conformWeight: number;
  readonly needs: readonly LayoutFeature[];
  stepNeeds(step: object): readonly LayoutFeature[];
  readonly inDefaultEnvironment: boolean;
  readonly usesFile: boolean;
  readonly ownChoices: number;
  show(step: object): string;
  oracleArgs(step: object): number[];
}

/**
 * "is out of range 0..3 (a cell of the file)", or, when the bounds leave no
 * value at all, why ("is not allowed: bounds.userPages is 0, so there is no user page").
 */
export function outOfRange(r: ArgRange): string {
  if (r.hi >= r.lo) return `is out of range ${r.lo}..${r.hi} (${r.what})`;
  return `is not allowed: ${r.empty ?? `the bounds leave no value (${r.what})`}`;
}

/** Build an operation's descriptor from its definition. */
export function defineOperation<const N extends string, const A extends ArgKinds>(
  def: OperationDefinition<N, A>,
): Operation<N, A> {
  const argNames = Object.keys(def.args) as (keyof A & string)[];
  const order = def.enumerate ?? argNames;
  const kinds = def.args as ArgKinds;
  const shape = { op: z.literal(def.name), ...Object.fromEntries(argNames.map((k) => [k, kinds[k]!.schema])) };
  const schema = z.object(shape).strict() as unknown as Operation<N, A>['schema'];
  const valueOf = (step: object, k: string): ArgScalar | undefined =>
    (step as Record<string, ArgScalar | undefined>)[k] ?? kinds[k]!.default;
  const usesFile = def.usesFile ?? true;
  const complete = (step: object): CompleteStep<N, A> => {
    const out: Record<string, unknown> = { op: def.name };
    for (const k of argNames) out[k] = valueOf(step, k);
    return out as CompleteStep<N, A>;
  };
  return {
    name: def.name,
    summary: def.summary,
    args: def.args,
    argNames,
    schema,
    domain(b) {
      const out: CompleteStep<N, A>[] = [];
      const chosen: Record<string, ArgScalar> = {};
      const pick = (i: number): void => {
        if (i === order.length) {
          out.push(complete(chosen));
          return;
        }
        const k = order[i]!;
        for (const v of kinds[k]!.values(b, chosen)) {
          chosen[k] = v;
          pick(i + 1);
        }
        delete chosen[k];
      };
      pick(0);
      return out;
    },
    problems(step, b) {
      const out: string[] = [];
      const given = step as ArgValues;
      for (const k of argNames) {
        const v = given[k];
        const r = typeof v === 'number' ? kinds[k]!.range?.(b, given) : undefined;
        if (r && typeof v === 'number' && (v < r.lo || v > r.hi)) out.push(`${k}: ${v} ${outOfRange(r)}`);
      }
      return out;
    },
    complete,
    plain(step) {
      const out: Record<string, unknown> = { ...(step as Record<string, unknown>) };
      for (const k of argNames) if (kinds[k]!.optIn && out[k] === kinds[k]!.default) delete out[k];
      return out as typeof step;
    },
    apply: def.apply,
    cellsMoved: def.cellsMoved ?? (() => 0),
    zeroReturnIsRefusal: def.zeroReturnIsRefusal ?? false,
    conformWeight: def.conformWeight,
    needs: def.needs ?? [],
    stepNeeds(step) {
      const out = [...(def.needs ?? [])];
      for (const k of argNames) {
        const v = valueOf(step, k);
        if (v !== undefined) out.push(...(kinds[k]!.needs?.(v as never) ?? []));
      }
      return out;
    },
    inDefaultEnvironment: def.inDefaultEnvironment ?? true,
    usesFile,
    ownChoices: def.ownChoices ?? 1,
    show(step) {
      const args = argNames
        .filter((k) => (step as Record<string, unknown>)[k] !== undefined)
        .map((k) => `${k}=${String((step as Record<string, unknown>)[k])}`);
      return `${def.name}(${args.join(', ')})`;
    },
    oracleArgs(step) {
      return argNames.map((k) => {
        const v = valueOf(step, k);
        const kind = kinds[k]!;
        const n = typeof v === 'boolean' ? Number(v) : typeof v === 'string' ? kind.encode?.(v as never) : v;
        const max = kind.oracleMax;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) {
          throw new RangeError(`${def.name}.${k} must be an integer in 0..${max}, got ${String(v)}`);
        }
        return n;
      });
    },
  };
}
