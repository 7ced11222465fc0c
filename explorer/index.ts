/**
 * The explorer: a generic breadth-first model checker. It knows nothing about
 * pipes; see `model.ts` for the contract a model implements.
 *
 * @public
 */
export type { ExplorableModel, Property, StepView, Transition } from './model.js';
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
export { checkLastStep, describeAction, replayTrace } from './replay.js';
export type { LastStepVerdict, ReplayedStep, ReplayResult } from './replay.js';
export { minimizeTrace } from './minimize.js';
export type { MinimizedTrace, MinimizeOptions } from './minimize.js';
export { fingerprint64, fingerprintHex, FINGERPRINT_SEED_HI, FINGERPRINT_SEED_LO } from './fingerprint.js';
