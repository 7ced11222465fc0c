import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCounterexample } from '../counterexamples/file.js';
import { caseWords, runConform } from './conform.js';
import { oracleAvailable } from './kernel.js';
import { liveReplay } from './live-replay.js';

const avail = oracleAvailable();
const reason = avail.ok ? '' : ` (skipped: ${avail.reason})`;
const shmOk = ((): boolean => {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return true;
  } catch {
    return false;
  }
})();

describe('caseWords', () => {
  it('names the bounds, the initial file and every step, so a hang in the kernel can be reproduced', () => {
    const c = {
      bounds: { pages: 1, cells: 4, values: 1, slots: 2, folioPages: 1, userPages: 1, depth: 4 },
      initial: { file: [0, 0, 1], cached: false, folios: [], user: [[0, 0, 0, 0]] },
      steps: [
        { op: 'splice', off: 1, len: 2 },
        { op: 'splice-out', off: 0, len: 2 },
      ] as const,
    };
    expect(caseWords(c)).toBe(
      'the case: cells 4, slots 2, folioPages 1; file [0, 0, 1] (cold); ' +
        'steps: splice(off=1, len=2); splice-out(off=0, len=2)',
    );
  });
});

describe('runConform without an oracle', () => {
  it('says why on bad usage (bad-input: the command line exits 2)', async () => {
    const r = await runConform({ runs: 0 });
    expect(r.status).toBe('bad-input');
    expect(r.status === 'bad-input' && r.message).toMatch(/--runs/);
  });
});

describe.skipIf(!avail.ok)(`pipecheck conform: model and live kernel agree${reason}`, () => {
  // Seeded: a failure here is a disagreement to fix (or a kernel change); the
  // printed lines name the counterexample and the command to re-run.
  it('300 sequences on the OS temp dir, seed 42', async () => {
    const out = mkdtempSync(join(tmpdir(), 'pipecheck-conform-test-'));
    try {
      const seen: number[] = [];
      const r = await runConform({ runs: 300, seed: 42, out, onProgress: (p) => seen.push(p.runs) });
      expect(r.status, JSON.stringify(r, null, 1)).toBe('agree');
      expect(r.status === 'agree' && r.start.seed).toBe(42);
      // Told after every run, in order, up to the last.
      expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
  it.skipIf(!shmOk)(`300 sequences on /dev/shm, seed 42${shmOk ? '' : ' (skipped: /dev/shm is absent)'}`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'pipecheck-conform-test-'));
    try {
      const r = await runConform({ fs: '/dev/shm', runs: 300, seed: 42, out });
      expect(r.status, JSON.stringify(r, null, 1)).toBe('agree');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

const classicDir = join(import.meta.dirname, '..', 'counterexamples', 'classic');
const classic = ((): string[] => {
  try {
    return readdirSync(classicDir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
})();

const noClassics = classic.length === 0 ? ' (skipped: counterexamples/classic/ has no .json files yet)' : '';
describe.skipIf(!avail.ok || classic.length === 0)(
  `classic counterexamples replay live (linux variant agrees with the kernel)${!avail.ok ? reason : noClassics}`,
  () => {
    it.each(classic)('%s', async (name) => {
      const cx = readCounterexample(join(classicDir, name));
      // The kernel builds large folios only on an FS that has them: the temp dir here.
      const r = await liveReplay(cx, { kernel: 'linux' });
      if (r.status !== 'compared') throw new Error(`${r.status}: ${r.message}`);
      expect(r.agree, JSON.stringify(r.disagreement ?? r.steps, null, 1)).toBe(true);
      if (cx.kernel === 'dirty-pipe') {
        // Dirty Pipe does not reproduce on this kernel: the file is untouched by the pipe-write.
        expect(r.live.file).toEqual(cx.scenario.initial?.file ?? r.live.file);
        expect(r.live.file.every((v) => v !== 2)).toBe(true);
      }
    });
  },
);
