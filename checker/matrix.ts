/**
 * `matrix`: one exploration per kernel variant (and per Linux release, with
 * `--releases`), every invariant's verdict and the pages each variant copied
 * and stole, side by side.
 *
 * @public
 */
import { DEFAULT_RELEASE, type KernelRelease } from '../model/fs/index.js';
import type { KernelId } from '../model/kernels/index.js';
import type { JobResult } from './explore.js';
import { verdictOf, type InvariantVerdict } from './verdict.js';

export interface MatrixRow {
  readonly kernel: KernelId;
  /** The Linux release the model described (model/fs/release.ts). */
  readonly release: KernelRelease;
  readonly invariants: Record<string, InvariantVerdict>;
  readonly pagesCopied: number;
  readonly pagesStolen: number;
  readonly statesDistinct: number;
  readonly depthExplored: number;
  readonly complete: boolean;
  readonly elapsedMs: number;
}

/** The row of one kernel's exploration on `release`. */
export function matrixRow(kernel: KernelId, job: JobResult, release: KernelRelease = DEFAULT_RELEASE): MatrixRow {
  const { result, cost, invariants } = job;
  const cells: Record<string, InvariantVerdict> = {};
  for (const inv of invariants) cells[inv.id] = verdictOf(inv, result);
  const s = result.statistics;
  return {
    kernel,
    release,
    invariants: cells,
    ...cost,
    statesDistinct: s.statesDistinct,
    depthExplored: s.depthExplored,
    complete: result.complete,
    elapsedMs: s.elapsedMs,
  };
}
