/**
 * The one way a counterexample is made, by `check` (a violation the search
 * found) and by `conform` (a disagreement with the kernel) alike.
 *
 * @public
 */
import { DEFAULT_RELEASE, type FsProfile, type KernelRelease } from '../model/fs/index.js';
import { scenarioToJson, type Scenario } from '../model/scenario.js';
import type { TraceStep } from '../model/scenario-model.js';
import { COUNTEREXAMPLE_FORMAT, type Counterexample } from './format.js';

export interface CounterexampleInput {
  /** The scenario the trace runs in (normalized into the file); its kernel is the file's. */
  readonly scenario: Scenario;
  readonly invariant: string;
  /** The file-system profile the model used. */
  readonly fs: FsProfile['id'];
  /** The Linux release the model described (default: the scenario's, else 6.18). */
  readonly release?: KernelRelease | undefined;
  /** The steps, the violating one last. */
  readonly trace: readonly TraceStep[];
  readonly message: string;
  /** What a reader expected and saw at the violating step, where that applies. */
  readonly expected?: readonly number[] | undefined;
  readonly observed?: readonly number[] | undefined;
  readonly stats: Counterexample['stats'];
  /** The command line that finds it again. */
  readonly command: string;
  /** How `pipecheck simulate` found it. */
  readonly simulation?: Counterexample['simulation'] | undefined;
}

/** A counterexample file's contents (validate with `parseCounterexample`, write with `writeCounterexample`). */
export function counterexampleOf(input: CounterexampleInput): Counterexample {
  const { scenario } = input;
  return {
    format: COUNTEREXAMPLE_FORMAT,
    kernel: scenario.kernel,
    invariant: input.invariant,
    bounds: { ...scenario.bounds },
    scenario: scenarioToJson(scenario),
    fs: input.fs,
    release: input.release ?? scenario.release ?? DEFAULT_RELEASE,
    trace: input.trace.map((s) => ({ ...s })),
    violation: {
      step: input.trace.length - 1,
      message: input.message,
      ...(input.expected ? { expected: [...input.expected] } : {}),
      ...(input.observed ? { observed: [...input.observed] } : {}),
    },
    stats: input.stats,
    command: input.command,
    ...(input.simulation ? { simulation: input.simulation } : {}),
  };
}
