/**
 * Counterexamples in ITF, the Informal Trace Format of Apalache and Quint
 * (`{ "#meta", "vars", "states" }`), so that other trace tools can read them.
 * One state per step plus the initial one; every state has every variable.
 * ITF has no null: "no folio" is -1, "no step yet" is the empty record.
 *
 * @public
 */
import type { KernelId } from '../model/kernels/index.js';
import { DEFAULT_FS, fsProfileById } from '../model/fs/index.js';
import { parseScenario } from '../model/scenario.js';
import { ScenarioModel } from '../model/scenario-model.js';
import type { State } from '../model/state.js';
import type { Step } from '../model/step.js';
import { viewState } from '../model/view.js';
import { releaseOf, type Counterexample } from '../counterexamples/format.js';

export type ItfValue = number | boolean | string | ItfValue[] | { [k: string]: ItfValue };

export interface ItfTrace {
  readonly '#meta': {
    readonly format: 'ITF';
    readonly 'format-description': string;
    readonly source: string;
    readonly description: string;
  };
  readonly vars: readonly string[];
  readonly states: readonly ({ readonly '#meta': { readonly index: number } } & Record<string, ItfValue>)[];
}

export const ITF_VARS = [
  'size',
  'file',
  'logical',
  'disk',
  'pageCache',
  'folios',
  'pipes',
  'user',
  'cost',
  'step',
  'observed',
] as const;

function stateVars(model: ScenarioModel, s: State): Record<string, ItfValue> {
  const v = viewState(model.L, s);
  return {
    size: v.size,
    file: [...v.file],
    logical: [...v.logical],
    disk: [...v.disk],
    pageCache: v.pageCache.map((f) => f ?? -1),
    folios: v.folios.map((f) => ({
      id: f.id,
      pages: f.pages,
      cells: [...f.cells],
      dirty: f.dirty,
      mapped: f.mapped,
      cachesPage: f.cachesPage ?? -1,
      userPage: f.userPage ?? -1,
      pipeRefs: f.pipeRefs,
    })),
    pipes: v.pipes.map((p) => ({
      buffers: p.buffers.map((b) => ({
        folio: b.folio,
        page: b.page,
        offset: b.offset,
        len: b.len,
        flags: [...b.flags],
        cells: [...b.cells],
        ghost: [...b.ghost],
      })),
      slotFlags: p.slotFlags.map((f) => [...f]),
    })),
    user: v.user.map((u) => [...u]),
    cost: { pagesCopied: v.cost.pagesCopied, pagesStolen: v.cost.pagesStolen },
  };
}

function stepRecord(step: Step & { process?: string }): Record<string, ItfValue> {
  const out: Record<string, ItfValue> = {};
  for (const [k, val] of Object.entries(step)) if (val !== undefined) out[k] = val as ItfValue;
  return out;
}

/** The counterexample's trace as ITF: the initial state, then the state after each step. */
export function toItf(cx: Counterexample, source: string, kernel: KernelId = cx.kernel): ItfTrace {
  const scenario = { ...parseScenario(cx.scenario, 'counterexample scenario'), kernel, release: releaseOf(cx) };
  const model = new ScenarioModel(scenario, (cx.fs && fsProfileById(cx.fs)) ?? DEFAULT_FS);
  let s = model.initialStates()[0]!;
  const states: ItfTrace['states'][number][] = [
    { '#meta': { index: 0 }, ...stateVars(model, s), step: {}, observed: {} },
  ];
  for (const { index, item: step, transition } of model.walkSteps(cx.trace)) {
    if (!transition) {
      throw new Error(
        `${source}: step ${index + 1} (${step.op}) is not enabled on kernel ${kernel}; the trace does not replay`,
      );
    }
    s = transition.next;
    const o = transition.observed;
    const observed: ItfValue = o ? { pipe: o.pipe, cells: [...o.observed], expected: [...o.expected] } : {};
    states.push({ '#meta': { index: index + 1 }, ...stateVars(model, s), step: stepRecord(step), observed });
  }
  return {
    '#meta': {
      format: 'ITF',
      'format-description': 'ITF, the Informal Trace Format of Apalache and Quint (ADR-015)',
      source,
      description: `pipecheck counterexample: ${cx.invariant} on kernel ${kernel}: ${cx.violation.message}`,
    },
    vars: ITF_VARS,
    states,
  };
}
