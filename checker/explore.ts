/**
 * One exploration of a scenario: the model, the invariants as the explorer's
 * properties, and a visitor that keeps the cost (the most pages copied and
 * stolen in any state reached). Synchronous; the command line runs it in a
 * worker thread so that it can be interrupted (cli/explore-job.ts).
 *
 * @public
 */
import { explore } from '../explorer/bfs.js';
import type { StepVisitor } from '../explorer/model.js';
import type { ExploreEvent, ExploreResult } from '../explorer/result.js';
import { builtinById, builtinIds } from '../invariants/builtins.js';
import type { Invariant } from '../invariants/define.js';
import { loadPlugin } from '../invariants/plugin-loader.js';
import { toProperties } from '../invariants/property.js';
import { DEFAULT_FS, fsProfileById, type FsProfile } from '../model/folio-policy.js';
import type { ReadObservation } from '../model/pipe.js';
import type { Scenario } from '../model/scenario.js';
import { ScenarioModel } from '../model/scenario-model.js';
import type { Layout, State } from '../model/state.js';
import { PACKAGE_ENTRY, type InvariantSource } from './inputs.js';

/** Everything an exploration needs, as plain data (it crosses to a worker thread). */
export interface ExploreJob {
  readonly scenario: Scenario;
  readonly invariants: readonly InvariantSource[];
  readonly maxStates?: number | undefined;
  readonly timeoutMs?: number | undefined;
  /** The file-system profile's id (default ext4). */
  readonly fs?: FsProfile['id'] | undefined;
}

export interface Cost {
  readonly pagesCopied: number;
  readonly pagesStolen: number;
}

export interface JobResult {
  readonly result: ExploreResult<ReadObservation>;
  /** The most pages copied and stolen in any state reached. */
  readonly cost: Cost;
}

/**
 * A visitor keeping the largest cost counters of any state reached. (Cost
 * rides along outside the state's identity bytes, so it is per path; the
 * maximum over every step taken is the most any explored path paid.)
 */
export class CostVisitor implements StepVisitor<State, ReadObservation> {
  private copied = 0;
  private stolen = 0;
  constructor(private readonly L: Layout) {}
  visit({ after }: { readonly after: State }): void {
    const c = this.L.pagesCopied(after);
    const s = this.L.pagesStolen(after);
    if (c > this.copied) this.copied = c;
    if (s > this.stolen) this.stolen = s;
  }
  cost(): Cost {
    return { pagesCopied: this.copied, pagesStolen: this.stolen };
  }
}

/** Run a job here, synchronously. */
export function exploreScenario(
  job: ExploreJob,
  invariants: readonly Invariant[],
  hooks: { signal?: AbortSignal; onEvent?: (e: ExploreEvent) => void } = {},
): JobResult {
  const model = new ScenarioModel(job.scenario, fsProfileById(job.fs ?? DEFAULT_FS.id) ?? DEFAULT_FS);
  const cost = new CostVisitor(model.L);
  const result = explore(model, toProperties(model, invariants), {
    maxDepth: job.scenario.bounds.depth,
    visitors: [cost],
    ...(job.maxStates !== undefined ? { maxStates: job.maxStates } : {}),
    ...(job.timeoutMs !== undefined ? { timeoutMs: job.timeoutMs } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}),
  });
  return { result, cost: cost.cost() };
}

/** Built-ins by id; plugins loaded again from their files (a worker cannot receive functions). */
export async function invariantsOf(sources: readonly InvariantSource[]): Promise<Invariant[]> {
  const taken = new Set(builtinIds());
  const out: Invariant[] = [];
  for (const src of sources) {
    if ('builtin' in src) {
      const inv = builtinById(src.builtin);
      if (!inv) throw new Error(`unknown built-in invariant ${src.builtin}`);
      out.push(inv);
    } else {
      const inv = await loadPlugin(src.plugin, taken, PACKAGE_ENTRY);
      taken.add(inv.id);
      out.push(inv);
    }
  }
  return out;
}
