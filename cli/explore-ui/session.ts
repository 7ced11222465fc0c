/**
 * What `pipecheck explore` serves from: one scenario as check would explore
 * it (the same model, the same invariants judging every step), and the
 * search that finds the shortest violation of an invariant (check's own,
 * run as check runs it). Built once when the server starts.
 */
import type { ExploreJob, JobResult } from '../../checker/explore.js';
import type { InvariantRequest } from '../../checker/inputs.js';
import type { Property } from '../../explorer/model.js';
import type { Invariant } from '../../invariants/define.js';
import { scenarioModelFor, toProperties } from '../../invariants/property.js';
import type { FsProfile } from '../../model/fs/index.js';
import type { ReadObservation } from '../../model/pipe.js';
import type { Scenario } from '../../model/scenario.js';
import type { ScenarioModel } from '../../model/scenario-model.js';
import type { State } from '../../model/state.js';

/** An invariant as the page lists it. */
export interface InvariantEntry {
  readonly id: string;
  readonly kind: 'always' | 'sometimes';
  readonly description: string;
}

export interface ExploreSession {
  readonly scenario: Scenario;
  /** The scenario file, or null for the default scenario. */
  readonly file: string | null;
  readonly fs: FsProfile;
  /** The scenario's model, with the history variables of the invariants judged. */
  readonly model: ScenarioModel;
  readonly invariants: readonly InvariantEntry[];
  /** The invariants as the explorer's properties: each step shown is judged by them. */
  readonly properties: readonly Property<State, ReadObservation>[];
  /** `pipecheck explore ...`: the command line that opens the same explorer (a saved counterexample records it). */
  readonly command: string;
  /** Where "save this path as a counterexample" writes (--out). */
  readonly outDir: string;
  /** Check's search for the shortest violation (or witness) of invariant `id` (cached by the api). */
  readonly search: (id: string) => Promise<JobResult>;
}

export interface SessionInput {
  readonly scenario: Scenario;
  readonly file: string | null;
  readonly fs: FsProfile;
  /** The invariants, loaded (built-ins and plugins). */
  readonly invariants: readonly Invariant[];
  readonly command: string;
  readonly outDir: string;
  /** Runs one job (check's runJobs, say). */
  readonly run: (job: ExploreJob) => Promise<JobResult>;
  /** The job without its invariants: the limits and workers check would use. */
  readonly job: Omit<ExploreJob, 'scenario' | 'invariants' | 'fs'>;
  /** The request the invariants came from (its plugins are loaded again where the search runs). */
  readonly request: InvariantRequest;
}

export function createSession(input: SessionInput): ExploreSession {
  const model = scenarioModelFor(input.scenario, input.fs, input.invariants);
  return {
    scenario: input.scenario,
    file: input.file,
    fs: input.fs,
    model,
    invariants: input.invariants.map(({ id, kind, description }) => ({ id, kind, description })),
    properties: toProperties(model, input.invariants),
    command: input.command,
    outDir: input.outDir,
    // Only the invariant asked for among the built-ins (plugins are always checked: invariants/inputs).
    search: (id) =>
      input.run({
        ...input.job,
        scenario: input.scenario,
        fs: input.fs.id,
        invariants: { ...input.request, ids: [id] },
      }),
  };
}
