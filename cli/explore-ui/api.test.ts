/**
 * The explorer's api without a browser or a server: the seed's reproducer
 * stepped by action index (the reader gets "new", value 2), bad paths
 * refused with the step and the reason, check's search for the shortest
 * violation, and a path saved as a counterexample that replays.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../replay/replay.js';
import { SEED_REPRODUCER } from '../../test-support/seed-counterexample.js';
import { ApiError, counterexampleAt, parsePath, shortestViolation, stateAt } from './api.js';
import { sessionOf } from './command.js';
import { fragmentsOf } from './fragments.js';
import type { ExploreSession } from './session.js';

const quiet = { out: () => {}, err: () => {} };
/** The reproducer has one process: its next step is action 0, five times. */
const REPRODUCER = [0, 0, 0, 0, 0];

function refusal(f: () => unknown): { status: number; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, message: e.message };
    throw e;
  }
  throw new Error('not refused');
}

describe('the explorer api on the seed reproducer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipecheck-explore-api-'));
  let session: ExploreSession;
  beforeAll(async () => {
    session = await sessionOf(SEED_REPRODUCER, { out: join(dir, 'out') }, quiet);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses paths of action indices, and refuses anything else', () => {
    expect(parsePath('')).toEqual([]);
    expect(parsePath(null)).toEqual([]);
    expect(parsePath('3.0.7')).toEqual([3, 0, 7]);
    for (const bad of ['a', '1..2', '-1', '1.', '1,2', '1e3']) {
      expect(refusal(() => parsePath(bad))).toMatchObject({ status: 400, message: expect.stringContaining('path:') });
    }
  });

  it('the initial state: one step enabled, the truncate', () => {
    const at = stateAt(session, []);
    expect(at.steps).toEqual([]);
    expect(at.enabled.map((s) => [s.action, s.process, s.text])).toEqual([[0, 'wilcox', 'truncate(size=2)']]);
    expect(at.enabled[0]!.changes).toContain('file size 0 -> 2 cells');
    expect(at.enabled[0]!.breaks).toEqual([]);
  });

  it('stepping the reproducer: the read gets "new" (2) where it expected "old" (1), and breaks data-stability', () => {
    const before = stateAt(session, REPRODUCER.slice(0, 4));
    const read = before.enabled[0]!;
    expect(read.text).toBe('pipe-read(len=2)');
    expect(read.observed).toEqual({ pipe: 0, expected: [1, 0], observed: [2, 0] });
    expect(read.breaks.map((b) => b.invariant)).toEqual(['data-stability']);

    const at = stateAt(session, REPRODUCER);
    expect(at.steps.map((s) => s.text)).toEqual([
      'truncate(size=2)',
      'write(off=0, len=1, value=1)',
      'splice(off=0, len=2)',
      'write(off=0, len=1, value=2)',
      'pipe-read(len=2)',
    ]);
    expect(at.steps[2]!.changes.join(' ')).toContain('pipe 0');
    expect(at.steps[4]!.observed?.observed).toEqual([2, 0]);
    expect(at.violatingStep).toBe(4);
    expect(at.damagingStep).toBe(3);
    expect(at.enabled).toEqual([]);
    const html = fragmentsOf(at);
    expect(html.path).toContain('saw');
    expect(html.path).toContain('✖ breaks data-stability');
    expect(html.path).toContain('⚠ this step changed data already in the pipe');
    expect(html.state).toContain('Pipe 0: empty.');
  });

  it('a bad path is refused with the step and the reason', () => {
    expect(refusal(() => stateAt(session, [7]))).toEqual({
      status: 400,
      message: "path step 1 of 1: action 7 does not exist (this scenario's actions are 0 to 0)",
    });
    expect(refusal(() => stateAt(session, [0, 0, 0, 0, 0, 0]))).toEqual({
      status: 400,
      message: 'path step 6 of 6: action 0 (wilcox: next step) is not enabled there',
    });
  });

  it('the shortest violation of data-stability is the reproducer; an unknown invariant is refused', async () => {
    await expect(shortestViolation(session, 'data-stability')).resolves.toMatchObject({
      found: true,
      path: REPRODUCER,
    });
    await expect(shortestViolation(session, 'nope')).rejects.toThrow(/not one this explorer checks/);
  });

  it('the reproducer saved as a counterexample replays (the violation reproduces); a harmless path is refused', () => {
    const cx = counterexampleAt(session, REPRODUCER);
    expect(cx.invariant).toBe('data-stability');
    expect(cx.violation).toMatchObject({ step: 4, expected: [1, 0], observed: [2, 0] });
    expect(cx.command).toContain('pipecheck explore');
    expect(replay(cx).reproduced).toBe(true);
    expect(refusal(() => counterexampleAt(session, [0, 0]))).toMatchObject({
      status: 400,
      message: expect.stringContaining('violates no invariant'),
    });
    expect(refusal(() => counterexampleAt(session, []))).toMatchObject({ status: 400 });
  });
});

describe('the explorer api with kernel choices (--kernel-choices explore)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipecheck-explore-choices-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const scenario = join(dir, 'choices.json');
  writeFileSync(
    scenario,
    JSON.stringify({
      kernel: 'linux',
      bounds: { pages: 2, cells: 1, values: 1, slots: 1, folioPages: 2, userPages: 0, depth: 3 },
      initial: { file: [], cached: false },
      environment: { ops: ['write', 'splice', 'pipe-read'] },
    }),
  );

  it('each outcome of a step is its own enabled entry, saying the choice; a path keeps it', async () => {
    const session = await sessionOf(scenario, { out: join(dir, 'out') }, quiet);
    const writes = stateAt(session, []).enabled.filter((s) => s.text === 'write(off=0, len=2, value=1)');
    expect(writes).toHaveLength(2);
    expect(writes.map((w) => w.changes[0])).toEqual([
      expect.stringMatching(/^kernel choice: /),
      expect.stringMatching(/^kernel choice: /),
    ]);
    expect(writes[0]!.changes[0]).not.toBe(writes[1]!.changes[0]);
    // Taking the second outcome changes what its entry said it would.
    const second = stateAt(session, [writes[1]!.action]);
    expect(second.steps[0]!.changes).toEqual(writes[1]!.changes);
  });

  it('with --kernel-choices measured, only the measured outcome', async () => {
    const session = await sessionOf(scenario, { out: join(dir, 'out'), kernelChoices: 'measured' }, quiet);
    const writes = stateAt(session, []).enabled.filter((s) => s.text === 'write(off=0, len=2, value=1)');
    expect(writes).toHaveLength(1);
  });
});

describe("the explorer api takes check's kernel, profile and release options", () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipecheck-explore-options-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--kernel copy: the reader of the reproducer gets "old", and nothing breaks', async () => {
    const session = await sessionOf(SEED_REPRODUCER, { out: dir, kernel: 'copy' }, quiet);
    const at = stateAt(session, REPRODUCER);
    expect(at.steps[4]!.observed?.observed).toEqual([1, 0]);
    expect(at.violatingStep).toBeUndefined();
    expect(session.command).toContain('--kernel copy');
  });

  it('--fs-profile xfs --release 6.1: the saved counterexample records both, and replays', async () => {
    const session = await sessionOf(SEED_REPRODUCER, { out: dir, fsProfile: 'xfs', release: '6.1' }, quiet);
    expect(session.model.fs.id).toBe('xfs');
    expect(session.model.ctx.release).toBe('6.1');
    const cx = counterexampleAt(session, REPRODUCER);
    expect(cx).toMatchObject({ fs: 'xfs', release: '6.1' });
    expect(cx.command).toContain('--fs-profile xfs --release 6.1');
    expect(replay(cx).reproduced).toBe(true);
  });

  it('a bad option is the same InputError as check gives (exit 2)', async () => {
    await expect(sessionOf(SEED_REPRODUCER, { out: dir, release: '5.0' }, quiet)).rejects.toThrow(
      /--release: unknown Linux release "5.0"/,
    );
  });
});
