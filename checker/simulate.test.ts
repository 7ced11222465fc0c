import { describe, expect, it } from 'vitest';
import { checkLastStep } from '../explorer/path.js';
import { chunkPlan } from '../explorer/simulate.js';
import { DEFAULT_INVARIANTS } from '../invariants/builtins.js';
import { toProperties } from '../invariants/property.js';
import { exploreScenario } from './explore.js';
import { resolveScenario } from './inputs.js';
import {
  buildSimulateReport,
  simulateScenarioChunk,
  simulationModel,
  type SimulateJob,
  type SimulationOutcome,
} from './simulate.js';

/** Whitlock's punch at 4-page folios: splice, punch, read (every argument), 12 steps. */
const PUNCH = ['splice', 'fallocate-punch', 'pipe-read'];
function job(kernel: string, runs: number, depth = 12): SimulateJob {
  const { scenario } = resolveScenario(undefined, {
    kernel,
    ops: PUNCH,
    bounds: { pages: 4, folioPages: 4, depth },
  });
  return { scenario, invariants: {}, runs, seed: 2026 };
}

function simulate(j: SimulateJob): SimulationOutcome {
  const sim = simulationModel(j, DEFAULT_INVARIANTS);
  const chunks = chunkPlan(j.runs, j.seed).map((c) => simulateScenarioChunk(sim, j, c));
  return {
    invariants: DEFAULT_INVARIANTS.map(({ id, kind, description }) => ({ id, kind, description })),
    chunks,
    runsDone: chunks.reduce((n, c) => n + c.runs, 0),
    walks: chunks.reduce((n, c) => n + c.walks, 0),
    workers: 1,
    elapsedMs: 0,
    firstViolationMs: null,
    stopped: null,
  };
}

describe('simulate a scenario', () => {
  it('finds the partial-folio punch at pages 4, folioPages 4, depth 12, as short as check finds it', () => {
    const j = job('linux', 1000);
    const report = buildSimulateReport({
      job: j,
      file: null,
      outcome: simulate(j),
      command: 'x',
      plugins: [],
      write: null,
    });
    const v = report.violations.find((x) => x.invariant === 'data-stability');
    expect(v).toBeDefined();
    // The exhaustive search at a depth it can reach gives the shortest length.
    const bfs = exploreScenario({ ...j, scenario: { ...j.scenario, bounds: { ...j.scenario.bounds, depth: 3 } } }, [
      DEFAULT_INVARIANTS.find((i) => i.id === 'data-stability')!,
    ]);
    const shortest = bfs.result.violations[0]!;
    expect(v!.length).toBe(shortest.length);
    expect(v!.trace.map((s) => s.op)).toEqual(['splice', 'fallocate-punch', 'pipe-read']);
    // A punch of part of the folio the pipe references zeroes it: the reader sees a zero.
    expect(v!.observed).toContain(0);
    const punch = v!.trace[1] as { len?: number };
    expect(punch.len).toBeLessThan(j.scenario.bounds.cells * j.scenario.bounds.folioPages);
    expect(v!.damagingStep).toBe(1);
    expect(report.invariants).toMatchObject({ 'data-stability': 'violated', 'file-integrity': 'not found' });
    expect(report.result).toBe('violated');
    expect(v!.simulation).toMatchObject({ seed: 2026, runs: 1000, depth: 12 });
  });

  it('the shrunk trace replays to the violation on the model', () => {
    const j = job('linux', 250);
    const outcome = simulate(j);
    const f = outcome.chunks[0]!.findings.find((x) => x.propertyId === 'data-stability')!;
    const sim = simulationModel(j, DEFAULT_INVARIANTS);
    const property = toProperties(sim.model, DEFAULT_INVARIANTS).find((p) => p.id === 'data-stability')!;
    expect(checkLastStep(sim.model, property, f.trace).fires).toBe(true);
  });

  it('finds nothing on the copying kernel, and says so without claiming it holds', () => {
    const j = job('copy', 500);
    const report = buildSimulateReport({
      job: j,
      file: null,
      outcome: simulate(j),
      command: 'x',
      plugins: [],
      write: null,
    });
    expect(report.result).toBe('nothing-found');
    expect(report.violations).toEqual([]);
    expect(Object.values(report.invariants)).toEqual(['not found', 'not found', 'not found', 'not found']);
  });
});
