/**
 * A search saved at the start of a level, and resumed from there: what a
 * checkpoint holds (TLC's `-checkpoint`/`-recover`). The start of a level is
 * the one point where the search is a few arrays: the visited states by id
 * (fingerprint, parent, action), the level's states, the counts and the
 * findings so far, and each visitor's own state. A search stopped inside a
 * level saves that level's start (the visited set's ids are dense in
 * discovery order, so its prefix is the set as the level began, and the
 * level's frontier is kept whole while it is read), so a resumed search
 * expands the level again from its first state and ends as the search that
 * was never stopped: the same counts, the same findings, the same traces.
 *
 * The engine only builds and takes snapshots; where they are written is the
 * caller's (checkpoint-codec.ts turns one into bytes and back).
 *
 * @public
 */
import type { VisitedColumns } from './visited.js';

/** A finding (or a property's throw) as saved: the step from state `parent` by `action`. */
export interface SavedFinding {
  readonly parent: number;
  readonly action: number;
  readonly message: string;
  /** The step's observation: saved as JSON, so it must survive JSON.stringify and JSON.parse. */
  readonly observed?: unknown;
}

/** The search at the start of level `depth` (its states: ids `levelFirst .. levelEnd - 1`). */
export interface SearchSnapshot {
  /** Levels expanded: the level to expand next holds the states `depth` steps from an initial state. */
  readonly depth: number;
  readonly depthExplored: number;
  readonly levelFirst: number;
  /** Also the number of states visited. */
  readonly levelEnd: number;
  readonly transitions: number;
  /** Steps (enabled or not) of the levels before this one (the memory polls count them). */
  readonly workBeforeLevel: number;
  readonly peakBytes: number;
  /** Time the search ran before this level, over every session. */
  readonly elapsedMs: number;
  /** The model's actionCount and the properties' ids: a snapshot resumes only the same search. */
  readonly actionCount: number;
  readonly propertyIds: readonly string[];
  /** Per initial state id, its index in model.initialStates(). */
  readonly roots: readonly number[];
  /** Per property, its findings so far. */
  readonly found: readonly (readonly SavedFinding[])[];
  /** Per property, the step it threw on (null: none). */
  readonly errors: readonly (SavedFinding | null)[];
  /** Properties still judged, ascending. */
  readonly active: readonly number[];
  /** Per visitor, what its saveState() returned (JSON). */
  readonly visitors: readonly unknown[];
  /** Ids 0 .. levelEnd - 1. */
  readonly states: VisitedColumns;
  /** The level's states, encoded, in id order (levelEnd - levelFirst of them). */
  readonly frontier: readonly Uint8Array[];
}

/**
 * How a search saves itself and resumes (ExploreOptions.checkpoint), on one
 * thread or several. Without `save` the search only resumes (and keeps no
 * level whole for a save).
 */
export interface CheckpointHooks {
  /** Asked at the start of each level but the first (of this session): is a save due? (Absent: never.) */
  due?(): boolean;
  /** Save `snapshot` (synchronously). Called when due, and when a limit stops the search. */
  save?(snapshot: SearchSnapshot): void;
  /** Go on from this snapshot instead of the initial states. */
  readonly resume?: SearchSnapshot | undefined;
}

/** A snapshot that cannot be resumed here: the message says which field and why. */
export class SnapshotError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}

/** Check that `snapshot` belongs to this search (model, properties, visitors) and is whole. */
export function checkSnapshot(
  snapshot: SearchSnapshot,
  actionCount: number,
  propertyIds: readonly string[],
  visitors: number,
): void {
  const bad = (field: string, why: string): never => {
    throw new SnapshotError(field, `${field}: ${why}`);
  };
  if (snapshot.actionCount !== actionCount) {
    bad('actionCount', `the checkpoint's model has ${snapshot.actionCount} actions, this one ${actionCount}`);
  }
  if (snapshot.propertyIds.join('\n') !== propertyIds.join('\n')) {
    bad('propertyIds', `the checkpoint checks ${snapshot.propertyIds.join(', ')}; this run ${propertyIds.join(', ')}`);
  }
  if (snapshot.visitors.length !== visitors) {
    bad('visitors', `the checkpoint saved ${snapshot.visitors.length} visitors, this search has ${visitors}`);
  }
  const n = snapshot.levelEnd;
  if (!(snapshot.levelFirst >= 0 && snapshot.levelFirst <= n)) bad('levelFirst', 'out of range');
  for (const c of ['hi', 'lo', 'parent', 'action'] as const) {
    if (snapshot.states[c].length !== n) bad(`states.${c}`, `holds ${snapshot.states[c].length} states, not ${n}`);
  }
  if (snapshot.frontier.length !== n - snapshot.levelFirst) {
    bad('frontier', `holds ${snapshot.frontier.length} states, not ${n - snapshot.levelFirst}`);
  }
  if (snapshot.found.length !== propertyIds.length) bad('found', 'not one list per property');
  if (snapshot.errors.length !== propertyIds.length) bad('errors', 'not one entry per property');
  if (snapshot.active.some((i) => !Number.isInteger(i) || i < 0 || i >= propertyIds.length)) {
    bad('active', 'names a property that does not exist');
  }
}
