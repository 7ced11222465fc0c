/**
 * Every operation descriptor is wired through everything that handles
 * steps: scenario parsing, the model, the oracle helper and conform. Adding
 * an operation is its module, its line in ops/index.ts, its case in
 * oracle/helper.c and its test; this test fails until all are there.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.js';
import type { Property } from '../../explorer/model.js';
import { encodeTrace, oracleAvailable, runOnKernel } from '../../oracle/kernel.js';
import { caseOfRaw, rawCaseArb } from '../../oracle/conform.js';
import { EXT4, TMPFS } from '../fs/index.js';
import type { ReadObservation } from '../pipe.js';
import { environmentAdmits } from '../env-constraints.js';
import { parseScenario, ScenarioError, scenarioToJson } from '../scenario.js';
import { ScenarioModel } from '../scenario-model.js';
import type { State } from '../state.js';
import { formatStep, OP_NAMES, StepSchema, type Step } from '../step.js';
import { OPERATION_LIST, OPERATIONS } from './index.js';

const BOUNDS = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 2, userPages: 1, depth: 3 };
const helperSource = readFileSync(new URL('../../oracle/helper.c', import.meta.url), 'utf8');
const oracle = oracleAvailable();

describe.each(OPERATION_LIST.map((op) => [op.name, op] as const))('operation %s', (name, op) => {
  const domain = op.domain(BOUNDS) as Step[];

  it('has a domain at the bounds, every step of it valid under the schema and the bounds', () => {
    expect(domain.length).toBeGreaterThan(0);
    for (const step of domain) {
      expect(StepSchema.parse(step)).toEqual(step);
      expect(op.problems(step as never, BOUNDS)).toEqual([]);
    }
    expect(new Set(domain.map((s) => JSON.stringify(s))).size).toBe(domain.length);
  });

  it('is read from a scenario program and written back the same', () => {
    const program = domain.slice(0, 3);
    const sc = parseScenario({ bounds: BOUNDS, processes: [{ name: 'p', program }] }, 's.json');
    expect(sc.processes[0]!.program).toEqual(program);
    expect(parseScenario(scenarioToJson(sc))).toEqual(sc);
    expect(OP_NAMES).toContain(name);
    expect(formatStep(program[0]!)).toMatch(new RegExp(`^${name}\\(`));
  });

  it('names its arguments when a step has an unknown one', () => {
    const bad = { ...domain[0]!, frobnicate: 1 };
    try {
      parseScenario({ bounds: BOUNDS, processes: [{ name: 'p', program: [bad] }] }, 's.json');
      expect.unreachable('an unknown argument must be refused');
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      const [problem] = (e as ScenarioError).problems;
      expect(problem).toMatch(/^processes\[0\]\.program\[0\]: /);
      for (const arg of op.argNames) expect(problem).toContain(arg);
    }
  });

  it('is enabled somewhere within three steps of a scenario of every operation (apply is wired into the model)', () => {
    const everyOp = parseScenario({ bounds: { ...BOUNDS, folioPages: 1 }, environment: { ops: [...OP_NAMES] } });
    for (const fs of [EXT4, TMPFS]) {
      const model = new ScenarioModel(everyOp, fs);
      const actions = new Set(model.actions.flatMap((a, i) => (a.kind === 'env' && a.step.op === name ? [i] : [])));
      // A plain name takes every step but those with an opt-in value (vmsplice's file sources).
      const free = op.domain({ ...BOUNDS, folioPages: 1 }).filter((st) => environmentAdmits(op, {}, st));
      expect(actions.size).toBe(free.length);
      const taken: Property<State, ReadObservation> = {
        id: `takes-${name}`,
        kind: 'sometimes',
        check: ({ action }) => (actions.has(model.baseAction(action)) ? 'taken' : undefined),
      };
      const r = explore(model, [taken], { maxDepth: 3, minimize: false });
      expect(r.witnessesMissing).toEqual([]);
    }
  });

  it('is encoded for the oracle helper, which has a case for it', () => {
    const step = domain[domain.length - 1]!;
    const lines = encodeTrace({ cells: 2, file: [1, 1, 1, 1], user: [[1, 1]], steps: [step] }).split('\n');
    const line = lines.find((l) => l.startsWith('step '))!;
    expect(line.split(' ')).toEqual(['step', name, ...op.oracleArgs(step).map(String)]);
    expect(op.oracleArgs(step)).toHaveLength(op.argNames.length);
    expect(helperSource).toContain(`{"${name}", op_`);
  });

  it.skipIf(!oracle.ok)(
    `runs as a real system call${oracle.ok ? '' : ` (skipped: ${oracle.ok ? '' : oracle.reason})`}`,
    async () => {
      const step = domain[0]!;
      const r = await runOnKernel({ cells: 2, slots: 2, file: [1, 1, 1, 1], user: [[1, 1]], steps: [step], pages: 2 });
      expect(r.status, 'message' in r ? r.message : '').toBe('ok');
      if (r.status === 'ok') expect(r.steps.map((s) => s.step)).toEqual([step]);
    },
  );

  it('is drawn by conform', () => {
    expect(op.conformWeight).toBeGreaterThan(0);
    const drawn = fc
      .sample(rawCaseArb(EXT4, 10), { numRuns: 400, seed: 7 })
      .flatMap((raw) => caseOfRaw(raw).steps.map((s) => s.op));
    expect(drawn).toContain(name);
  });
});

describe('the operation table', () => {
  it('lists every operation once, by name, in the enumeration order', () => {
    expect(Object.keys(OPERATIONS)).toEqual(OP_NAMES);
    expect(new Set(OP_NAMES).size).toBe(OP_NAMES.length);
    expect(StepSchema.options.map((o) => o.shape.op.value)).toEqual(OP_NAMES);
  });
});
