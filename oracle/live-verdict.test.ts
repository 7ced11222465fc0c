import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readCounterexample } from '../counterexamples/file.js';
import type { Counterexample } from '../counterexamples/format.js';
import { EXT4 } from '../model/fs/index.js';
import { parseScenario } from '../model/scenario.js';
import type { Step } from '../model/step.js';
import { ROOT } from '../test-support/imports.js';
import { seedCounterexample } from '../test-support/seed-counterexample.js';
import { compareRuns, type CaseComparison, type ConformCase } from './compare.js';
import type { KernelRunOk, KernelStepResult } from './kernel.js';
import { judgeOnKernel } from './kernel-verdict.js';
import { liveReplay } from './live-replay.js';
import { liveSkipReason } from '../test-support/live-oracle.js';

const classic = (name: string): Counterexample => readCounterexample(join(ROOT, 'counterexamples', 'classic', name));

// ---------------------------------------------------------------------------
// The verdict's logic on made-up kernel reports: runs everywhere, no helper.
// ---------------------------------------------------------------------------

/** write.json's case: file [1, 1] in one cached page of 2 cells, 2 pipe slots. */
function writeCase(steps: readonly Step[]): ConformCase {
  const sc = parseScenario(classic('write.json').scenario, 'write.json');
  return { bounds: { ...sc.bounds, depth: steps.length }, initial: sc.initial, steps };
}

const CELL = 4096 / 2;
const SPLICE: Step = { op: 'splice', off: 0, len: 1 };
const WRITE: Step = { op: 'write', off: 0, len: 1, value: 2 };
const READ: Step = { op: 'pipe-read', len: 1 };

/** A kernel run as the helper would report it. */
function kernelRun(c: ConformCase, results: readonly KernelStepResult[], file: readonly number[]): KernelRunOk {
  return {
    status: 'ok',
    fsType: 'ext4',
    slots: c.bounds.slots,
    init: { folios: [1], dirty: [false], cachedPages: 1 },
    uncachedUnachievable: false,
    steps: c.steps.map((step, i) => ({ step, result: results[i]! })),
    final: { folios: [1], dirty: [true], size: file.length, file, pipeBytes: [0, 0, 0] },
    probes: {},
    elapsedMs: 0,
    raw: '',
  };
}

function compared(c: ConformCase, results: readonly KernelStepResult[], file: readonly number[]): CaseComparison {
  const r = compareRuns(c, EXT4, kernelRun(c, results, file));
  if (r.status !== 'compared') throw new Error(r.message);
  return r;
}

const judge = (id: string, c: ConformCase, cmp: CaseComparison) => judgeOnKernel([id], c, EXT4, cmp)[0]!;

describe('judgeOnKernel: the kernel reports decide, not the model', () => {
  it('a read of the new data is a violation on the kernel, at that step', () => {
    const c = writeCase([SPLICE, WRITE, READ]);
    const cmp = compared(
      c,
      [
        { kind: 'ok', bytes: CELL },
        { kind: 'ok', bytes: CELL },
        { kind: 'read', cells: [2] },
      ],
      [2, 1],
    );
    expect(judge('data-stability', c, cmp)).toEqual({
      invariant: 'data-stability',
      judged: true,
      violated: true,
      step: 2,
      expected: [1],
      observed: [2],
      message: 'the violation happens too (step 3: the reader saw [2], expected [1])',
    });
  });

  it('a kernel that returns what was spliced shows no violation, though the model (linux) says there is one', () => {
    const c = writeCase([SPLICE, WRITE, READ]);
    const cmp = compared(
      c,
      [
        { kind: 'ok', bytes: CELL },
        { kind: 'ok', bytes: CELL },
        { kind: 'read', cells: [1] },
      ],
      [2, 1],
    );
    expect(cmp.disagreement?.step).toBe(2);
    const v = judge('data-stability', c, cmp);
    expect(v).toMatchObject({ judged: true, violated: false });
    expect(v.message).toBe('no violation (the reader saw [1], as it entered the pipe)');
  });

  it('a torn cell (-1) is a violation, shown as ?', () => {
    const c = writeCase([SPLICE, READ]);
    const cmp = compared(
      c,
      [
        { kind: 'ok', bytes: CELL },
        { kind: 'read', cells: [-1] },
      ],
      [1, 1],
    );
    expect(judge('data-stability', c, cmp).message).toBe(
      'the violation happens too (step 2: the reader saw [?], expected [1])',
    );
  });

  it('cannot be judged past a step the kernel refuses and the linux model takes, when a read follows', () => {
    const c = writeCase([SPLICE, WRITE, READ]);
    const cmp = compared(
      c,
      [
        { kind: 'err', errno: 'EAGAIN' },
        { kind: 'ok', bytes: CELL },
        { kind: 'read', cells: [2] },
      ],
      [2, 1],
    );
    const v = judge('data-stability', c, cmp);
    expect(v.judged).toBe(false);
    expect(v.violated).toBeUndefined();
    expect(v.message).toMatch(/^cannot be judged from what the kernel reports past step 1 \(at step 1 \(splice/);
    expect(v.message).toContain('the kernel refuses it (EAGAIN), the linux model takes it');
    // The file is still judged: the refused splice does not change what the file's operations say it holds.
    expect(judge('file-integrity', c, cmp)).toMatchObject({ judged: true, violated: false });
    // A read the kernel refuses shows the reader nothing: no violation on the kernel.
    const refused = compared(
      c,
      [
        { kind: 'err', errno: 'EAGAIN' },
        { kind: 'ok', bytes: CELL },
        { kind: 'err', errno: 'EAGAIN' },
      ],
      [2, 1],
    );
    expect(judge('data-stability', c, refused)).toMatchObject({
      judged: true,
      violated: false,
      message: 'no violation (nothing was read from a pipe or socket)',
    });
  });

  it("file-integrity: the kernel's final file against what the file's operations say", () => {
    const c = writeCase([SPLICE, WRITE, READ]);
    const ok = compared(
      c,
      [
        { kind: 'ok', bytes: CELL },
        { kind: 'ok', bytes: CELL },
        { kind: 'read', cells: [2] },
      ],
      [2, 1],
    );
    expect(judge('file-integrity', c, ok).message).toBe(
      'no violation (at the end the file reads [2, 1], as its operations say; ' +
        'the kernel reports the file only at the end)',
    );
    const bad = compared(
      c,
      [
        { kind: 'ok', bytes: CELL },
        { kind: 'ok', bytes: CELL },
        { kind: 'read', cells: [2] },
      ],
      [2, 2],
    );
    expect(judge('file-integrity', c, bad)).toMatchObject({
      judged: true,
      violated: true,
      expected: [2, 1],
      observed: [2, 2],
      message: 'the violation happens too (at the end the file reads [2, 2], but its operations say it holds [2, 1])',
    });
  });

  it('invariants about what the kernel does not report cannot be judged; kernel-conformance is the agreement', () => {
    const c = writeCase([SPLICE, READ]);
    const cmp = compared(
      c,
      [
        { kind: 'ok', bytes: CELL },
        { kind: 'read', cells: [1] },
      ],
      [1, 1],
    );
    const [ownership, uaf, plugin, conformance] = judgeOnKernel(
      ['page-ownership', 'no-use-after-free', 'no-zero-read', 'kernel-conformance'],
      c,
      EXT4,
      cmp,
    );
    expect(ownership).toEqual({
      invariant: 'page-ownership',
      judged: false,
      message:
        'cannot be judged from what the kernel reports ' +
        '(page-ownership is about references: which folios a pipe shares with the page cache or memory)',
    });
    expect(uaf!.judged).toBe(false);
    expect(plugin!.message).toMatch(/^cannot be judged from what the kernel reports \(no-zero-read is not one/);
    expect(conformance).toMatchObject({
      judged: true,
      violated: false,
      message: 'no violation (model and kernel agree)',
    });
  });
});

// ---------------------------------------------------------------------------
// On the live kernel.
// ---------------------------------------------------------------------------

const skip = await liveSkipReason();

describe.skipIf(skip !== '')(
  `replay --live: does the violation happen on the real kernel${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    async function live(cx: Counterexample, kernel?: 'linux') {
      const r = await liveReplay(cx, kernel ? { kernel } : {});
      if (r.status !== 'compared') throw new Error(`${r.status}: ${r.message}`);
      return r;
    }

    it('counterexamples/classic/write.json: the reader sees the new data on the kernel too', async () => {
      const r = await live(classic('write.json'));
      expect(r.agree).toBe(true);
      expect(r.kernelViolation).toEqual({
        invariant: 'data-stability',
        judged: true,
        violated: true,
        step: 2,
        expected: [1],
        observed: [2],
        message: 'the violation happens too (step 3: the reader saw [2], expected [1])',
      });
    });

    it("the seed's reproducer: ftruncate, pwrite old, splice, pwrite new, read: new, on the kernel too", async () => {
      const r = await live(seedCounterexample());
      expect(r.kernelViolation).toMatchObject({ judged: true, violated: true, step: 4 });
      expect(r.kernelViolation.message).toBe(
        'the violation happens too (step 5: the reader saw [2, 0], expected [1, 0])',
      );
    });

    it('the same steps with the read before the write: no violation on the kernel', async () => {
      const cx = classic('write.json');
      const [splice, write, read] = cx.trace;
      const r = await live({ ...cx, trace: [splice!, read!, write!] });
      expect(r.agree).toBe(true);
      expect(r.kernelViolation).toEqual({
        invariant: 'data-stability',
        judged: true,
        violated: false,
        message: 'no violation (the reader saw [1], as it entered the pipe)',
      });
    });

    it('dirty-pipe.json: the dirty-pipe model disagrees; the kernel shows no file-integrity violation', async () => {
      const cx = classic('dirty-pipe.json');
      const r = await live(cx);
      expect(r.agree).toBe(false);
      expect(r.kernelViolation).toMatchObject({ invariant: 'file-integrity', judged: true, violated: false });
      expect(r.kernelViolation.message).toContain(`the file reads [${cx.scenario.initial!.file!.join(', ')}]`);
      // The linux variant agrees with the kernel, and the verdict is the same: it is the kernel's.
      const linux = await live(cx, 'linux');
      expect(linux.agree).toBe(true);
      expect(linux.kernelViolation).toEqual(r.kernelViolation);
    });

    it('a page-ownership counterexample cannot be judged from what the kernel reports', async () => {
      const cx = classic('write.json');
      const r = await live({ ...cx, invariant: 'page-ownership', trace: cx.trace.slice(0, 1) });
      expect(r.kernelViolation.judged).toBe(false);
      expect(r.kernelViolation.message).toMatch(
        /^cannot be judged from what the kernel reports \(page-ownership is about references/,
      );
    });

    it('the command line prints the verdict and --json has it; exit 0 as the sides agree', async () => {
      const run = promisify(execFile);
      const main = join(ROOT, 'dist', 'cli', 'main.js');
      const file = join(ROOT, 'counterexamples', 'classic', 'write.json');
      const human = await run(process.execPath, [main, 'replay', file, '--live']);
      expect(human.stdout).toContain(
        'on the real kernel: the violation happens too (step 3: the reader saw [2], expected [1])',
      );
      const json = await run(process.execPath, [main, 'replay', file, '--live', '--json']);
      const parsed = JSON.parse(json.stdout) as {
        agree: boolean;
        kernelViolation: { violated: boolean; step: number };
      };
      expect(parsed.agree).toBe(true);
      expect(parsed.kernelViolation).toMatchObject({ judged: true, violated: true, step: 2 });
    });
  },
);

describe('judgeOnKernel names a socket as a socket (issue 23)', () => {
  it("a sendfile read by the socket's peer: the peer of the socket saw ..., not the reader of pipe 2", () => {
    const c = writeCase([{ op: 'sendfile', off: 0, len: 1 }, WRITE, { op: 'socket-read', len: 1 }]);
    const cmp = compared(
      c,
      [
        { kind: 'ok', bytes: CELL },
        { kind: 'ok', bytes: CELL },
        { kind: 'read', cells: [2] },
      ],
      [2, 1],
    );
    const v = judge('data-stability', c, cmp);
    expect(v.message).toBe('the violation happens too (step 3: the peer of the socket saw [2], expected [1])');
  });
});
