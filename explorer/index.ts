/**
 * The explorer: a generic breadth-first model checker. It knows nothing about
 * pipes; see `model.ts` for the contract a model implements.
 *
 * @public
 */
export type { ExplorableModel, Property, StepView, StepVisitor, Transition } from './model.js';
export type {
  EndReason,
  ExploreEvent,
  ExploreOptions,
  ExploreResult,
  ExploreStatistics,
  Finding,
  LevelEvent,
  LimitReason,
  ProgressEvent,
  PropertyError,
  ViolationEvent,
} from './result.js';
export { explore } from './bfs.js';
export { exploreParallel, parallelAvailable } from './parallel.js';
export type { ExplorationParts, MergeableVisitor, ParallelSpec } from './parallel.js';
export { checkLastStep, describeAction, minimizeTrace, replayTrace, walk } from './path.js';
export type { LastStepVerdict, MinimizedTrace, MinimizeOptions, ReplayedStep, ReplayResult, Walked } from './path.js';
export { fingerprint64, fingerprintHex, FINGERPRINT_SEED_HI, FINGERPRINT_SEED_LO } from './fingerprint.js';
