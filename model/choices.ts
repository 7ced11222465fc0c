/**
 * Kernel choices: where the kernel may do one of several things for the same
 * system call in the same state (the order of a folio it allocates, how xfs
 * takes a large folio out of the page cache), the model explores every one,
 * as SibylFS explores POSIX's allowed outcomes. A profile hook asks
 * `choose(ctx, point, count)` at such a place; option 0 is what the kernel
 * was measured doing here (and what the model does when choices are not
 * explored), the others are what the kernel's code also allows.
 *
 * One step's choices form a tree: each answer may lead to further choice
 * points (a write that makes a smaller folio makes another one after it).
 * `choiceRuns` walks the tree depth first, running the step once per leaf,
 * so a step with no choice point runs once, as without choices.
 *
 * @public
 */

/** Where the kernel may choose: an id and what each option means. */
export interface ChoicePoint {
  /** Lower-case words joined by dashes: how counterexample files name it. */
  readonly id: string;
  /** What option `index` of `count` means here, as a trace shows it ("a folio of pages 0-1"). */
  describe(index: number, count: number, at: ChoiceAt): string;
}

/** The place a choice was asked at (a page, a folio's first page and size), for its description. */
export interface ChoiceAt {
  readonly page: number;
  readonly pages: number;
}

/** One choice made: the point, the option taken (0: the measured one) and how many there were. */
export interface ChoiceMade {
  readonly point: string;
  readonly index: number;
  readonly count: number;
  /** What the option taken means; with `count` > 1, what the others mean too. */
  readonly says: string;
}

/** What answers a hook's `choose`: given to the model context of one step. */
export interface Chooser {
  choose(point: ChoicePoint, count: number, at: ChoiceAt): number;
}

/**
 * The option the kernel takes at `point` among `count` (0 .. count - 1):
 * 0 unless the model explores kernel choices and this run takes another.
 */
export function choose(
  ctx: { readonly chooser?: Chooser | undefined },
  point: ChoicePoint,
  count: number,
  at: ChoiceAt,
): number {
  if (count <= 1 || ctx.chooser === undefined) return 0;
  return ctx.chooser.choose(point, count, at);
}

/**
 * A chooser that answers `prefix` in order, then option 0, and records every
 * answer it gave. Reusable: `reset` starts another run.
 */
export class RecordingChooser implements Chooser {
  made: readonly ChoiceMade[] = NO_CHOICES;
  private prefix: readonly number[] = [];

  /** Start a run that answers `prefix` first. */
  reset(prefix: readonly number[]): this {
    this.prefix = prefix;
    // A fresh list once a choice is made (the last run's is kept by whoever asked for it); most
    // steps make none, and share the one empty list (the search runs this on every step).
    this.made = NO_CHOICES;
    return this;
  }

  choose(point: ChoicePoint, count: number, at: ChoiceAt): number {
    const k = this.made.length;
    const index = k < this.prefix.length ? Math.min(this.prefix[k]!, count - 1) : 0;
    const made = { point: point.id, index, count, says: point.describe(index, count, at) };
    if (k === 0) this.made = [made];
    else (this.made as ChoiceMade[]).push(made);
    return index;
  }
}

/** The choices of a step that made none (shared: never modified). */
export const NO_CHOICES: readonly ChoiceMade[] = Object.freeze([]);

/** One leaf of a step's choice tree: the choices made and what the step did. */
export interface ChoiceRun<R> {
  readonly choices: readonly ChoiceMade[];
  readonly result: R;
}

/**
 * Run `run` once per leaf of its choice tree, depth first (option 0 first),
 * with a chooser that takes that leaf's options. `limit` caps the leaves
 * (an error past it: the caller numbers them). `first`: the first leaf's
 * run, when the caller has made it already (with option 0 everywhere).
 */
export function choiceRuns<R>(
  run: (chooser: Chooser) => R,
  limit = Infinity,
  chooser = new RecordingChooser(),
  first?: ChoiceRun<R>,
): ChoiceRun<R>[] {
  const out: ChoiceRun<R>[] = [first ?? { result: run(chooser.reset([])), choices: chooser.made }];
  for (;;) {
    if (out.length > limit) throw new Error(`a step has more than ${limit} kernel-choice outcomes`);
    const prefix = nextPrefix(out[out.length - 1]!.choices);
    if (prefix === undefined) return out;
    const result = run(chooser.reset(prefix));
    out.push({ choices: chooser.made, result });
  }
}

/** The next leaf's answers after the leaf that made `made`: the last answer that can grow, grown. */
function nextPrefix(made: readonly ChoiceMade[]): number[] | undefined {
  for (let k = made.length - 1; k >= 0; k--) {
    if (made[k]!.index + 1 < made[k]!.count) return [...made.slice(0, k).map((m) => m.index), made[k]!.index + 1];
  }
  return undefined;
}

/** A step's choices as counterexample files keep them: the point and the option, in order. */
export interface ChoiceTaken {
  readonly point: string;
  readonly index: number;
}

/** Whether a run's choices are the ones a trace recorded (a trace without any took option 0 everywhere). */
export function sameChoices(made: readonly ChoiceMade[], taken: readonly ChoiceTaken[] | undefined): boolean {
  if (taken === undefined || taken.length === 0) return made.every((m) => m.index === 0);
  return (
    made.length === taken.length && made.every((m, k) => m.point === taken[k]!.point && m.index === taken[k]!.index)
  );
}

/**
 * The choices a trace keeps of a step: none when the kernel took option 0
 * everywhere (what it does by default here), else every one, in order.
 */
export function choicesToKeep(made: readonly ChoiceMade[]): ChoiceTaken[] | undefined {
  if (made.every((m) => m.index === 0)) return undefined;
  return made.map((m) => ({ point: m.point, index: m.index }));
}
