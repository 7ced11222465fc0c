/**
 * The whole contract between a model and the explorer.
 *
 * The explorer knows nothing about pipes, files or kernels: it sees states it
 * cannot read (only their canonical byte encoding), a fixed, numbered list of
 * actions, and properties that judge one step at a time. Nothing under
 * `explorer/` imports `model/` or `invariants/` (a test enforces this).
 *
 * @public
 */
import { fingerprint64 } from './fingerprint.js';

/** One step taken: the state it leads to and what it let a reader observe. */
export interface Transition<S, O = unknown> {
  /** The next state. Must not share mutable storage with the state before. */
  readonly next: S;
  /** What the step made observable (a pipe read's cells, say), if anything. */
  readonly observed?: O | undefined;
}

/**
 * A model the explorer can search exhaustively: what it must provide is its
 * initial states, its numbered actions and `step`; the rest has defaults.
 *
 * Every method must be deterministic and must not mutate its arguments: the
 * explorer replays action indices to rebuild traces, and a replay that does
 * not reach the same fingerprint is reported as a model error.
 */
export interface ExplorableModel<S, O = unknown> {
  /** The initial states, in a fixed order. */
  initialStates(): readonly S[];
  /**
   * How many actions exist. Actions are numbered `0 .. actionCount - 1` in a
   * fixed order that depends only on the model's configuration, so an action
   * index means the same step on every run.
   */
  readonly actionCount: number;
  /** Take action `action` in `state`; `undefined` when it is not enabled there. */
  step(state: S, action: number): Transition<S, O> | undefined;
  /**
   * The next action worth trying in `state` after `action` (which the
   * explorer has just taken or found disabled there): a model whose actions
   * come in runs where only the first few can be enabled in a given state
   * (one step's several outcomes, say) skips the rest. Must be greater than
   * `action`; `actionCount` or more ends the state's actions. Default:
   * `action + 1`.
   */
  nextAction?(state: S, action: number): number;
  /**
   * A partial-order reduction: the actions worth taking in `state`, a subset
   * of its enabled actions (ascending, each below `actionCount`); undefined
   * for all of them (then `nextAction` steps through them as usual). The
   * explorer takes these and no other action there, on one thread and on
   * several, and judges only the steps it takes. Sound for the properties
   * when the model's ample sets keep, for every path to a step a property
   * judges, one that reaches a step it judges alike (the model's own
   * argument: see model/partial-order.ts for one); the explorer does not
   * check it, and a violation found is then still a real one, but may be
   * longer than the shortest: a model that reduces says how it restores the
   * shortest. Default: every action.
   */
  ampleActions?(state: S): readonly number[] | undefined;
  /**
   * The canonical encoding of a state: two states the model considers equal
   * encode to the same bytes. The explorer fingerprints these bytes and
   * stores them for the frontier; it never looks inside. Default: the state
   * itself, for a model whose states are canonical `Uint8Array`s.
   */
  encode?(state: S): Uint8Array;
  /** The inverse of `encode` (for states the frontier stored as bytes). Default: the bytes themselves. */
  decode?(bytes: Uint8Array): S;
  /**
   * How many leading bytes of `encode(state)` identify the state. Bytes after
   * this prefix ride along (statistics such as cost counters) but two states
   * that agree on the prefix are the same state. Default: the whole encoding.
   */
  fingerprintBytes?(encoded: Uint8Array): number;
  /**
   * A symmetry reduction: the bytes that identify the class of states the
   * model considers interchangeable with this one (the same state with its
   * data values relabelled, say), computed from `encode(state)`. The explorer
   * fingerprints these bytes instead of the identifying prefix, so it visits
   * one state per class: the first found, in BFS order. The frontier keeps
   * that state itself, so traces replay as they are. The key may be
   * `encoded` itself, for a state that is its class's representative: then
   * its identifying prefix (`fingerprintBytes`) is the key. Sound only when every
   * action maps to an action and every property judges states of one class
   * alike; then the shortest violation keeps its length. Default: no
   * reduction (the identifying prefix).
   */
  symmetryKey?(encoded: Uint8Array): Uint8Array;
  /** A one-line description of an action, for progress and errors. Default: `action #N`. */
  formatAction?(action: number): string;
  /**
   * Simpler variants of an action (smaller offsets, lengths, values), the
   * simplest first. The explorer tries them when it minimizes a trace's
   * arguments; a model without the notion leaves this out.
   */
  simplerActions?(action: number): readonly number[];
}

/** A model with every default filled in. @internal */
export interface ResolvedModel<S> {
  encode(state: S): Uint8Array;
  decode(bytes: Uint8Array): S;
  fingerprintBytes(encoded: Uint8Array): number;
  /** Fingerprint the state `encoded` (its class, under a symmetry) into `out` (two words). */
  fingerprintState(encoded: Uint8Array, out: Uint32Array): void;
  formatAction(action: number): string;
}

/**
 * The defaults of the contract. A model that leaves out `encode` must have
 * `Uint8Array` states; `encode` and `decode` go together.
 * @internal
 */
export function resolveModel<S, O>(model: ExplorableModel<S, O>): ResolvedModel<S> {
  if ((model.encode === undefined) !== (model.decode === undefined)) {
    throw new TypeError('explore: a model gives both encode() and decode(), or neither (its states are their bytes)');
  }
  return {
    // Without encode() the states are their bytes (explore checks the initial states once).
    encode: model.encode !== undefined ? (state) => model.encode!(state) : (state) => state as unknown as Uint8Array,
    decode: model.decode !== undefined ? (bytes) => model.decode!(bytes) : (bytes) => bytes as unknown as S,
    fingerprintBytes:
      model.fingerprintBytes !== undefined
        ? (encoded) => model.fingerprintBytes!(encoded)
        : (encoded) => encoded.length,
    fingerprintState: fingerprinterOf(model),
    formatAction: model.formatAction !== undefined ? (action) => model.formatAction!(action) : (a) => `action #${a}`,
  };
}

/** What a property sees of one step. */
export interface StepView<S, O = unknown> {
  readonly before: S;
  readonly action: number;
  readonly after: S;
  readonly observed?: O | undefined;
  /** Steps taken before this one (0 for the first step). */
  readonly depth: number;
}

/**
 * An observer of the search: sees every step the explorer takes (including
 * steps to states already seen), after the properties judged it. For
 * statistics over the explored states (the most pages any path copied, say);
 * unlike a property it never decides anything, so it never keeps the search
 * from stopping once every property is decided. Must not mutate the states.
 */
export interface StepVisitor<S, O = unknown> {
  visit(step: StepView<S, O>): void;
  /** What the visitor has gathered, as JSON, for a checkpoint (ExploreOptions.checkpoint). */
  saveState?(): unknown;
  /** Take up what saveState returned (a resumed search, before any step). */
  restoreState?(state: unknown): void;
}

/**
 * A property judged on every step the explorer takes.
 *
 * `always`: `check` returns a violation message (or nothing); the explorer
 * reports the shortest trace to the first step that violates it.
 * `sometimes`: a witness; `check` returns a message when the step shows the
 * interesting thing happening, and the explorer reports the shortest trace to
 * it (so a pass of the `always` properties is never vacuous).
 */
export interface Property<S, O = unknown> {
  readonly id: string;
  readonly kind: 'always' | 'sometimes';
  /**
   * 'state' when `check` reads only `after` (never `before`, `action`,
   * `observed` or `depth`): it then says the same of every step into one
   * state, so the explorer judges it on the first step into each state only
   * (and on every step into an initial state), which finds the same shortest
   * trace. Default 'step': judged on every step. With `allViolations` every
   * step is judged.
   */
  readonly judges?: 'step' | 'state';
  /** Must be pure. A throw is reported as an error of this property, never a violation. */
  check(step: StepView<S, O>): string | undefined;
}

/** What a property said of one step: `message` undefined when it holds; `error` when its check threw. */
export interface Judgement {
  message: string | undefined;
  error: boolean;
}

/**
 * Judge one step by `property` into `out` (one object per expander, reused:
 * this runs on every transition): a check that throws is an error whose
 * message is the thrown one.
 */
export function judgeStep<S, O>(property: Property<S, O>, view: StepView<S, O>, out: Judgement): Judgement {
  try {
    const message = property.check(view);
    out.message = message === undefined ? undefined : String(message);
    out.error = false;
  } catch (e) {
    out.message = e instanceof Error ? e.message : String(e);
    out.error = true;
  }
  return out;
}

/**
 * How the explorer fingerprints an encoded state of `model`: its class under
 * the model's symmetry, else its identifying prefix, else all of it.
 * @internal
 */
export function fingerprinterOf<S, O>(model: ExplorableModel<S, O>): (encoded: Uint8Array, out: Uint32Array) => void {
  if (model.symmetryKey !== undefined) {
    const prefix = model.fingerprintBytes;
    return (encoded, out) => {
      const key = model.symmetryKey!(encoded);
      const n = key !== encoded ? key.length : prefix !== undefined ? prefix.call(model, encoded) : encoded.length;
      fingerprint64(key, n, out);
    };
  }
  if (model.fingerprintBytes !== undefined) {
    return (encoded, out) => fingerprint64(encoded, model.fingerprintBytes!(encoded), out);
  }
  return (encoded, out) => fingerprint64(encoded, encoded.length, out);
}

/**
 * Which properties the search judges once per state (Property.judges
 * 'state'): none with allViolations, which judges every step. The one-thread
 * search and the workers' units decide alike. @internal
 */
export function judgedOncePerState<S, O>(properties: readonly Property<S, O>[], allViolations: boolean): boolean[] {
  return properties.map((p) => p.judges === 'state' && !allViolations);
}

/**
 * The actions the search takes in a state, ascending: a reducing model's
 * ample set (ampleActions), else every action, skipping as nextAction says.
 * One per loop, reused from state to state (it allocates nothing); the
 * one-thread search, the workers' units and the re-walk of a cut unit take
 * the same actions through it. @internal
 */
export class ActionCursor<S> {
  /** Past the last action. */
  readonly end: number;
  private readonly reduces: boolean;
  private readonly skips: boolean;
  private state: S | undefined;
  private ample: readonly number[] | undefined;
  private index = 0;

  constructor(private readonly model: ExplorableModel<S, unknown>) {
    this.end = model.actionCount;
    this.reduces = model.ampleActions !== undefined;
    this.skips = model.nextAction !== undefined;
  }

  /** The first action to take in `state` (`end`: none). */
  first(state: S): number {
    this.state = state;
    this.index = 0;
    this.ample = this.reduces ? this.model.ampleActions!(state) : undefined;
    return this.ample === undefined ? 0 : (this.ample[0] ?? this.end);
  }

  /** The action to take after `action` in the state `first` was given (`end`: none). */
  after(action: number): number {
    if (this.ample !== undefined) return this.ample[++this.index] ?? this.end;
    return this.skips ? this.model.nextAction!(this.state!, action) : action + 1;
  }

  /** Whether the state's actions are an ample set (not every action). */
  get reduced(): boolean {
    return this.ample !== undefined;
  }
}
