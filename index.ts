/**
 * pipecheck's package API: define invariants, replay counterexamples in your
 * own tests, run scenarios and steps on the model.
 *
 * @public
 */
export { defineInvariant } from './invariants/define.js';
export type { Invariant, InvariantDefinition, InvariantStep, StateReader } from './invariants/define.js';
export { judgeSteps } from './invariants/judge-steps.js';
export type { JudgeStepsOptions } from './invariants/judge-steps.js';
export { BUILTIN_INVARIANTS, BUILTIN_WITNESSES } from './invariants/builtins.js';
export { replay } from './counterexamples/replay.js';
export type { ReplayOptions, ReplayResult, ReplayStep } from './counterexamples/replay.js';
export { parseCounterexample, CounterexampleSchema, COUNTEREXAMPLE_FORMAT } from './counterexamples/format.js';
export type { Counterexample } from './counterexamples/format.js';
export { readCounterexample, writeCounterexample } from './counterexamples/file.js';
export { parseScenario, defaultScenario, ScenarioSchema, ScenarioError } from './model/scenario.js';
export type { Scenario } from './model/scenario.js';
export { ScenarioModel } from './model/scenario-model.js';
export type { TraceStep } from './model/scenario-model.js';
export { runSteps, reads } from './model/run-steps.js';
export { KERNELS } from './model/kernels/index.js';
export { KERNEL_IDS } from './model/kernels/index.js';
export type { KernelId } from './model/kernels/index.js';
export type { KernelVariant } from './model/context.js';
export type { Step, OpName } from './model/step.js';
export type { Bounds } from './model/bounds.js';
export type { StateView } from './model/view.js';
export type { ReadObservation } from './model/pipe.js';
