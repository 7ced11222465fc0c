/**
 * The main-thread probe (explore-job.ts runJobs): which jobs may run there,
 * the budget, and that a small search ends there with the worker's result,
 * so that no worker thread starts; a search the budget stops is handed to
 * the worker at a level start, and goes on there to the same result.
 */
import { describe, expect, it } from 'vitest';
import { exploreScenario, type ExploreJob } from '../checker/explore.js';
import { resolveRequest } from '../checker/inputs.js';
import { defaultScenario } from '../model/scenario.js';
import { mainProbeMs, mayProbe, probeJobs, type Interrupt } from './explore-job.js';
import { LevelForecast, packHandover, unpackHandover, type PackedHandover } from './handover.js';

const job = (kernel: 'linux' | 'copy', depth: number): ExploreJob => ({
  scenario: defaultScenario({ depth }, kernel),
  invariants: { ids: ['data-stability'] },
});

const fresh = (): Interrupt => ({ shared: new Int32Array(new SharedArrayBuffer(8)) });

/** A result without its timings. */
function timeless(r: unknown): unknown {
  return JSON.parse(JSON.stringify(r, (k, v: unknown) => (k === 'elapsedMs' ? 0 : v)));
}

describe('the main-thread probe', () => {
  it('runs without plugins only, and only with a budget', () => {
    expect(mayProbe([job('linux', 4)], 500)).toBe(true);
    expect(mayProbe([job('linux', 4)], 0)).toBe(false);
    const plugged: ExploreJob = { ...job('linux', 4), invariants: { plugins: ['x.js'] } };
    expect(mayProbe([job('linux', 4), plugged], 500)).toBe(false);
  });

  it('lasts half a second unless PIPECHECK_MAIN_PROBE_MS says otherwise', () => {
    expect(mainProbeMs({})).toBe(500);
    expect(mainProbeMs({ PIPECHECK_MAIN_PROBE_MS: '0' })).toBe(0);
    expect(mainProbeMs({ PIPECHECK_MAIN_PROBE_MS: '1000' })).toBe(1000);
    expect(mainProbeMs({ PIPECHECK_MAIN_PROBE_MS: 'junk' })).toBe(500);
  });

  it('ends a small search here, with the result the worker gives (so no worker starts)', async () => {
    const jobs = [job('linux', 4), job('copy', 2)];
    const { results: done, handover } = await probeJobs(jobs, fresh(), () => undefined, 60_000);
    expect(handover).toBeUndefined();
    expect(done).toHaveLength(2);
    expect(done[0]!.result.status).toBe('violated');
    expect(done[1]!.result.status).toBe('holds');
    const { invariants } = await resolveRequest(jobs[0]!.invariants);
    // What the worker runs (explore-worker.ts: exploreScenario on one worker).
    jobs.forEach((j, i) => expect(timeless(done[i])).toEqual(timeless(exploreScenario(j, invariants))));
  });

  it('keeps a limit the user set as the answer', async () => {
    const {
      results: [done],
    } = await probeJobs([{ ...job('copy', 4), maxStates: 100 }], fresh(), () => undefined, 60_000);
    expect(done!.result.reason).toBe('max-states');
  });

  it('leaves to the worker a search its budget stops, and every job after it', async () => {
    const jobs = [job('copy', 2), job('copy', 6), job('linux', 2)];
    const { results: done } = await probeJobs(jobs, fresh(), () => undefined, 0.001);
    expect(done.length).toBeLessThan(2);
  });

  it('hands on the level start where its budget stopped it: resumed (across threads), the same result', async () => {
    const copy = job('copy', 4);
    const { invariants } = await resolveRequest(copy.invariants);
    const whole = timeless(exploreScenario(copy, invariants));
    // 30 ms stops the search at some level start or inside some level (the forecast may stop it earlier).
    const { results, handover } = await probeJobs([copy], fresh(), () => undefined, 30);
    expect(results).toEqual([]);
    expect(handover).toBeDefined();
    const { snapshot } = handover!;
    expect(snapshot.frontier).toHaveLength(snapshot.levelEnd - snapshot.levelFirst);
    // As the worker gets it: packed, moved by a structured clone, unpacked.
    const { packed, transfer } = packHandover(handover!);
    const moved = unpackHandover(structuredClone(packed, { transfer }) as PackedHandover);
    expect(packed.frontierBytes.byteLength).toBe(0);
    expect(moved.previousLevelSize).toBe(handover!.previousLevelSize);
    const resumed = exploreScenario(copy, invariants, { handover: { resume: moved.snapshot } });
    expect(timeless(resumed)).toEqual(whole);
  });

  it('stops at a level start when the level would end past its budget, growing as the last one did', () => {
    const f = new LevelForecast(0);
    expect(f.levelEndsAt()).toBeUndefined();
    const level = (depth: number, statesDistinct: number, queue: number) =>
      ({ type: 'level', depth, statesDistinct, transitions: 0, queue, memoryBytes: 0, elapsedMs: 0 }) as const;
    // Level 0 (1 state) found 10 states: level 1 (10 states) should find 100; its time is not known (too few).
    f.level(level(1, 11, 10), 10);
    expect(f.previousLevelSize).toBe(1);
    expect(f.statesAtLevelEnd()).toBe(111);
    expect(f.levelEndsAt()).toBeUndefined();
    // Level 1 (256 states) took 100 ms and found 512: level 2 should take 200 ms and find 1024.
    const g = new LevelForecast(0);
    g.level(level(1, 257, 256), 10);
    g.level(level(2, 769, 512), 110);
    expect(g.previousLevelSize).toBe(256);
    expect(g.levelEndsAt()).toBe(310);
    expect(g.statesAtLevelEnd()).toBe(769 + 1024);
  });

  it('does not hand on a search collecting the graph (the graph is not saved): the worker runs it again', async () => {
    const { results, handover } = await probeJobs([{ ...job('copy', 4), graph: true }], fresh(), () => undefined, 30);
    expect(results).toEqual([]);
    expect(handover).toBeUndefined();
  });

  it('hands on what it did when interrupted', async () => {
    const interrupt = fresh();
    Atomics.store(interrupt.shared, 0, 1);
    const { results, handover } = await probeJobs([job('copy', 2)], interrupt, () => undefined, 60_000);
    expect(results).toEqual([]);
    // Stopped before the first level: nothing to hand on.
    expect(handover).toBeUndefined();
  });
});
