import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveScenario } from '../checker/inputs.js';
import { parseScenario } from '../model/scenario.js';
import { ROOT } from '../test-support/imports.js';
import { SEED_REPRODUCER } from '../test-support/seed-counterexample.js';
import { countInterleavings, interleavingAt, runScenario, sampleRanks } from './run-scenario.js';
import { liveSkipReason } from '../test-support/live-oracle.js';

const BACKUP_PUNCH = join(ROOT, 'examples', 'backup-punch', 'backup-punch.scenario.json');
const scenarioOf = (file: string) => resolveScenario(file).scenario;

/** n! */
const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));

describe('interleavings of programs', () => {
  it('are counted by the multinomial (a+b+c)!/(a!b!c!)', () => {
    expect(countInterleavings([5])).toBe(1n);
    expect(countInterleavings([1, 2, 1])).toBe(BigInt(fact(4) / (fact(1) * fact(2) * fact(1))));
    expect(countInterleavings([1, 2, 1])).toBe(12n);
    expect(countInterleavings([3, 3, 3])).toBe(1680n);
    expect(countInterleavings([2, 0, 2])).toBe(6n);
  });

  it('each rank is a distinct interleaving that keeps every program in order, lexicographically', () => {
    const lengths = [1, 2, 1];
    const all = Array.from({ length: 12 }, (_, i) => interleavingAt(BigInt(i), lengths));
    expect(new Set(all.map((o) => o.join(''))).size).toBe(12);
    for (const o of all) expect([...o].sort()).toEqual([0, 1, 1, 2]);
    expect(all[0]).toEqual([0, 1, 1, 2]);
    expect(all[11]).toEqual([2, 1, 1, 0]);
    expect(all.map((o) => o.join(''))).toEqual([...all.map((o) => o.join(''))].sort());
  });

  it('a sample is distinct ranks below the total, the same for the same seed', () => {
    const a = sampleRanks(1680n, 200, 7);
    expect(a).toHaveLength(200);
    expect(new Set(a).size).toBe(200);
    expect(a.every((r) => r >= 0n && r < 1680n)).toBe(true);
    expect(sampleRanks(1680n, 200, 7)).toEqual(a);
    expect(sampleRanks(1680n, 200, 8)).not.toEqual(a);
    expect(sampleRanks(13n, 12, 1)).toHaveLength(12);
  });
});

describe('runScenario on the model only (no --live)', () => {
  it("the seed's reproducer: one process, one interleaving, data-stability violated at step 5", async () => {
    const r = await runScenario(scenarioOf(SEED_REPRODUCER), { source: SEED_REPRODUCER });
    if (r.status !== 'ran') throw new Error(r.message);
    expect(r).toMatchObject({ total: 1, sampled: false, invariants: ['data-stability'], ignoredEnvironment: [] });
    expect(r.live).toBeUndefined();
    expect(r.summary).toEqual({
      run: 1,
      violatedOnModel: 1,
      invariants: [{ invariant: 'data-stability', violatedOnModel: 1 }],
    });
    expect(r.runs[0]!.model[0]).toMatchObject({ violated: true, step: 4 });
  });

  it('backup-punch: 3 processes of 1, 2 and 1 steps: 4!/(1!2!1!) = 12 interleavings, every one run', async () => {
    const r = await runScenario(scenarioOf(BACKUP_PUNCH));
    if (r.status !== 'ran') throw new Error(r.message);
    expect(r.total).toBe(12);
    expect(r.sampled).toBe(false);
    expect(r.runs).toHaveLength(12);
    expect(new Set(r.runs.map((x) => x.trace.map((s) => s.process).join(' '))).size).toBe(12);
    // The default invariants; only write, splice, punch, read loses the backup (the reader sees zeroes).
    expect(r.invariants).toEqual(['data-stability', 'file-integrity', 'pipe-fifo', 'no-use-after-free']);
    expect(r.summary.violatedOnModel).toBe(1);
    const bad = r.runs.find((x) => x.model[0]!.violated)!;
    expect(bad.trace.map((s) => s.op)).toEqual(['write', 'splice', 'fallocate-punch', 'pipe-read']);
  });

  it('more interleavings than --max-traces: a seeded sample, the same for the same seed', async () => {
    const sc = scenarioOf(BACKUP_PUNCH);
    const a = await runScenario(sc, { maxTraces: 5, seed: 3 });
    const b = await runScenario(sc, { maxTraces: 5, seed: 3 });
    if (a.status !== 'ran' || b.status !== 'ran') throw new Error('did not run');
    expect(a).toMatchObject({ total: 12, sampled: true, seed: 3, maxTraces: 5 });
    expect(a.runs).toHaveLength(5);
    expect(a.runs.map((x) => x.trace)).toEqual(b.runs.map((x) => x.trace));
  });

  it('refuses a scenario without processes and bad options (bad-input: exit 2)', async () => {
    const env = parseScenario({ bounds: { pages: 1, cells: 2, depth: 2 }, environment: { ops: ['write'] } });
    const r = await runScenario(env, { source: 'env.json' });
    expect(r).toMatchObject({ status: 'bad-input' });
    expect(r.status !== 'ran' && r.message).toMatch(/^env\.json has no processes/);
    expect((await runScenario(scenarioOf(BACKUP_PUNCH), { maxTraces: 0 })).status).toBe('bad-input');
  });
});

const skip = await liveSkipReason();

describe.skipIf(skip !== '')(`runScenario --live${skip ? ` (skipped: ${skip})` : ''}`, () => {
  // A disagreement would be written as a counterexample: never into the repository.
  const out = join(tmpdir(), `pipecheck-run-test-${process.pid}`);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("the seed's reproducer: one interleaving; model and kernel agree; violated on both", async () => {
    const r = await runScenario(scenarioOf(SEED_REPRODUCER), { live: true, out });
    if (r.status !== 'ran') throw new Error(r.message);
    expect(r.summary).toEqual({
      run: 1,
      agree: 1,
      disagree: 0,
      violatedOnModel: 1,
      violatedOnKernel: 1,
      invariants: [{ invariant: 'data-stability', violatedOnModel: 1, violatedOnKernel: 1, notJudgedOnKernel: 0 }],
    });
    expect(r.runs[0]!.live!.kernel[0]!.message).toBe(
      'the violation happens too (step 5: the reader saw [2, 0], expected [1, 0])',
    );
  });

  it('backup-punch: all 12 interleavings agree; the one that loses the backup does so on the kernel too', async () => {
    const r = await runScenario(scenarioOf(BACKUP_PUNCH), { live: true, out });
    if (r.status !== 'ran') throw new Error(r.message);
    expect(r.total).toBe(12);
    expect(r.runs).toHaveLength(12);
    const disagreements = r.runs.filter((x) => !x.live!.agree).map((x) => x.live!.disagreement);
    expect(disagreements).toEqual([]);
    expect(r.summary).toMatchObject({ run: 12, agree: 12, disagree: 0, violatedOnModel: 1, violatedOnKernel: 1 });
    const [ds, fi, fifo, uaf] = r.summary.invariants;
    expect(ds).toEqual({ invariant: 'data-stability', violatedOnModel: 1, violatedOnKernel: 1, notJudgedOnKernel: 0 });
    expect(fi).toMatchObject({ violatedOnKernel: 0, notJudgedOnKernel: 0 });
    expect(fifo).toMatchObject({ notJudgedOnKernel: 12 });
    expect(uaf).toMatchObject({ notJudgedOnKernel: 12 });
    const lost = r.runs.find((x) => x.live!.kernel[0]!.violated === true)!;
    expect(lost.trace.map((s) => s.op)).toEqual(['write', 'splice', 'fallocate-punch', 'pipe-read']);
    expect(lost.live!.kernel[0]!.message).toBe(
      'the violation happens too (step 4: the reader saw [0, 0], expected [1, 1])',
    );
  });

  it('the kernel decides: the copy variant holds on the model, the kernel shows the lost backup', async () => {
    const sc = { ...scenarioOf(BACKUP_PUNCH), kernel: 'copy' as const };
    const r = await runScenario(sc, { live: true, out });
    if (r.status !== 'ran') throw new Error(r.message);
    expect(r.summary).toMatchObject({ violatedOnModel: 0, violatedOnKernel: 1, disagree: 1 });
    // No counterexample file: only the linux variant is meant to agree with this kernel.
    expect(r.runs.find((x) => !x.live!.agree)!.live!.counterexample).toBeUndefined();
  });
});
