/**
 * What a probe hands on (cli/explore-job.ts, cli/explore-worker.ts): a
 * search that a probe's budget (not a limit of the user's) stopped is not
 * dropped, but saved, in memory, at the start of the level it was in (the
 * snapshot a checkpoint takes: explorer/snapshot.ts), and the next stage
 * resumes it there: the main thread's probe hands it to the worker, the
 * worker's probe to the multi-thread search. A resumed search ends as the
 * search never stopped, so nothing changes but the time; the level the probe
 * was in is expanded again.
 *
 * So that little is expanded twice, a probe also stops at a level start when
 * the level looks too large for its budget (LevelForecast): the next level
 * is taken to grow as the last one did.
 */
import type { LevelEvent } from '../explorer/result.js';
import type { CheckpointHooks, SearchSnapshot } from '../explorer/snapshot.js';
import { unpack } from '../explorer/parallel-unit.js';

/** A probe's search, saved at a level start, and what the forecast knew of the level before it. */
export interface Handover {
  readonly snapshot: SearchSnapshot;
  /** States of the level before the snapshot's (undefined: not known, the snapshot is of depth 0). */
  readonly previousLevelSize: number | undefined;
}

/** A Handover as it crosses to another thread: the frontier in one buffer (a few objects, not one per state). */
export interface PackedHandover {
  readonly snapshot: Omit<SearchSnapshot, 'frontier'>;
  readonly frontierBytes: Uint8Array;
  readonly frontierEnds: Uint32Array;
  readonly previousLevelSize: number | undefined;
}

/** `h` packed, and the buffers to move (the packed copy's own: the snapshot's columns and the frontier). */
export function packHandover(h: Handover): { packed: PackedHandover; transfer: ArrayBuffer[] } {
  const { frontier, ...rest } = h.snapshot;
  let total = 0;
  for (const r of frontier) total += r.length;
  const frontierBytes = new Uint8Array(total);
  const frontierEnds = new Uint32Array(frontier.length);
  let at = 0;
  frontier.forEach((r, k) => {
    frontierBytes.set(r, at);
    at += r.length;
    frontierEnds[k] = at;
  });
  const { hi, lo, parent, action } = rest.states;
  // The columns are exportPrefix's copies, each with its own buffer.
  const transfer = [hi, lo, parent, action, frontierBytes, frontierEnds].map((a) => a.buffer as ArrayBuffer);
  return {
    packed: { snapshot: rest, frontierBytes, frontierEnds, previousLevelSize: h.previousLevelSize },
    transfer: [...new Set(transfer)],
  };
}

export function unpackHandover(p: PackedHandover): Handover {
  return {
    snapshot: { ...p.snapshot, frontier: unpack(p.frontierBytes, p.frontierEnds) },
    previousLevelSize: p.previousLevelSize,
  };
}

/** The fewest states of a level whose time forecasts the next level's (LevelForecast.levelEndsAt). */
export const TIMED_LEVEL = 256;

/**
 * A probe's search, level by level (its 'level' events): by the growth of
 * the level before, the states and the time the level just started will
 * have taken at its end.
 */
export class LevelForecast {
  /** States of the level being expanded, and of the one before. */
  private size: number | undefined;
  private previousSize: number | undefined;
  /** States visited when the level started. */
  private states = 0;
  /** When the level started, and how long the one before took (ms). */
  private startedAt: number;
  private previousMs: number | undefined;

  /** From the search's start (`now`), or from the handover it resumes. */
  constructor(now: number, from?: Handover) {
    this.startedAt = now;
    if (from !== undefined) {
      this.size = from.snapshot.levelEnd - from.snapshot.levelFirst;
      this.previousSize = from.previousLevelSize;
      this.states = from.snapshot.levelEnd;
    }
  }

  /** A level starts (the search's 'level' event), at `now`. */
  level(e: LevelEvent, now: number): void {
    this.previousSize = this.size ?? e.statesDistinct - e.queue;
    this.previousMs = now - this.startedAt;
    this.size = e.queue;
    this.states = e.statesDistinct;
    this.startedAt = now;
  }

  /** States of the level being expanded. */
  get levelSize(): number | undefined {
    return this.size;
  }

  /** States of the level before the one expanded (what a handover of its start carries). */
  get previousLevelSize(): number | undefined {
    return this.previousSize;
  }

  /** States visited by the end of the level being expanded, if it grows as the one before did. */
  statesAtLevelEnd(): number | undefined {
    const { size, previousSize } = this;
    if (size === undefined || previousSize === undefined || previousSize === 0) return undefined;
    return this.states + (size * size) / previousSize;
  }

  /**
   * When (on `now`'s clock) the level being expanded ends, if its states
   * take as long each as the last level's; not known after a level of fewer
   * than TIMED_LEVEL states (the first levels run cold, the JIT compiling:
   * their time per state says little).
   */
  levelEndsAt(): number | undefined {
    const { size, previousSize, previousMs } = this;
    if (size === undefined || previousSize === undefined || previousSize < TIMED_LEVEL || previousMs === undefined) {
      return undefined;
    }
    return this.startedAt + (size * previousMs) / previousSize;
  }
}

/** Checkpoint hooks that keep in memory the level start where a limit stops the search, resuming `from`. */
export function handoverHooks(from: Handover | undefined): CheckpointHooks & { saved(): SearchSnapshot | undefined } {
  let saved: SearchSnapshot | undefined;
  return {
    save: (s) => (saved = s),
    ...(from === undefined ? {} : { resume: from.snapshot }),
    saved: () => saved,
  };
}

/** PIPECHECK_PARALLEL_PROFILE=1: what the probes did and handed on, on stderr (measurement only). */
export function probeProfile(what: string): void {
  if (process.env.PIPECHECK_PARALLEL_PROFILE === '1') process.stderr.write(`probe profile: ${what}\n`);
}

/** How a handover reads in the profile. */
export function handoverText(h: Handover | SearchSnapshot | undefined): string {
  if (h === undefined) return 'nothing';
  const s = 'snapshot' in h ? h.snapshot : h;
  return `the start of level ${s.depth} (${s.levelEnd} states, ${s.frontier.length} to expand)`;
}
