/**
 * pipecheck's package API: define invariants and judge steps with them,
 * replay counterexamples in your own tests, run steps on the model, and run
 * a whole check (resolve a scenario and invariants, explore, report) from
 * code. The state's byte layout is not part of it: invariants see a typed
 * view (`StateReader`, `StateView`).
 *
 * @public
 */
export { defineInvariant } from './invariants/define.js';
export type {
  HistoryStep,
  Invariant,
  InvariantDefinition,
  InvariantHistory,
  InvariantStep,
  StateReader,
} from './invariants/define.js';
export { damagingStep, findDamage, type Damage } from './counterexamples/damage.js';
export { judgeSteps } from './invariants/judge-steps.js';
export type { JudgeStepsOptions } from './invariants/judge-steps.js';
export {
  BUILTIN_INVARIANTS,
  BUILTIN_WITNESSES,
  DEFAULT_INVARIANTS,
  ON_REQUEST_INVARIANTS,
} from './invariants/builtins.js';
export { replay } from './replay/replay.js';
export type { ReplayOptions, ReplayResult, ReplayStep } from './replay/replay.js';
export { parseCounterexample, CounterexampleSchema, COUNTEREXAMPLE_FORMAT } from './counterexamples/format.js';
export type { Counterexample } from './counterexamples/format.js';
export { readCounterexample, writeCounterexample } from './counterexamples/file.js';
export { parseScenario, defaultScenario, ScenarioSchema, ScenarioError } from './model/scenario.js';
export type { Scenario } from './model/scenario.js';
export { ScenarioModel } from './model/scenario-model.js';
export type { TraceStep } from './model/scenario-model.js';
export { runSteps, reads } from './model/run-steps.js';
export { KERNEL_IDS, KERNEL_INFO } from './model/kernels/index.js';
export type { KernelId, KernelInfo } from './model/kernels/index.js';
export type { Step, OpName } from './model/step.js';
export type { Bounds } from './model/bounds.js';
export type { StateView } from './model/view.js';
export type { ReadObservation } from './model/pipe.js';
export { InputError } from './checker/errors.js';
export { resolveInvariants, resolveScenario } from './checker/inputs.js';
export type { ResolvedInvariants, ScenarioInput, ScenarioOverrides } from './checker/inputs.js';
export { exploreScenario } from './checker/explore.js';
export type { Cost, ExploreJob, JobResult } from './checker/explore.js';
export { buildReport } from './checker/report.js';
export type { CheckReport, ReportInput, TraceReport } from './checker/report.js';
export type { Verdict } from './checker/verdict.js';
export { explore } from './explorer/bfs.js';
export type { ExplorableModel, Property, StepView, StepVisitor } from './explorer/model.js';
export type { ExploreOptions, ExploreResult } from './explorer/result.js';
