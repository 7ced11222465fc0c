import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCounterexample } from '../counterexamples/file.js';
import { runConform } from './conform.js';
import { oracleAvailable } from './kernel.js';
import { liveReplay, renderLiveReplay } from './live-replay.js';

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

describe('runConform without an oracle', () => {
  it('says why and exits 2 on bad usage', async () => {
    const lines: string[] = [];
    expect(await runConform({ runs: 0, log: (l) => lines.push(l) })).toBe(2);
    expect(lines.join('\n')).toMatch(/--runs/);
  });
});

describe.skipIf(!avail.ok)(`pipecheck conform: model and live kernel agree${reason}`, () => {
  // Seeded: a failure here is a disagreement to fix (or a kernel change); the
  // printed lines name the counterexample and the command to re-run.
  it('300 sequences on the OS temp dir, seed 42', async () => {
    const out = mkdtempSync(join(tmpdir(), 'pipecheck-conform-test-'));
    const lines: string[] = [];
    try {
      const code = await runConform({ runs: 300, seed: 42, out, log: (l) => lines.push(l) });
      expect(code, lines.join('\n')).toBe(0);
      expect(lines[0]).toMatch(/seed 42/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
  it.skipIf(!shmOk)(`300 sequences on /dev/shm, seed 42${shmOk ? '' : ' (skipped: /dev/shm is absent)'}`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'pipecheck-conform-test-'));
    const lines: string[] = [];
    try {
      const code = await runConform({ fs: '/dev/shm', runs: 300, seed: 42, out, log: (l) => lines.push(l) });
      expect(code, lines.join('\n')).toBe(0);
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

describe.skipIf(!avail.ok || classic.length === 0)(
  `classic counterexamples replay live (linux variant agrees with the kernel)${!avail.ok ? reason : classic.length === 0 ? ' (skipped: counterexamples/classic/ has no .json files yet)' : ''}`,
  () => {
    it.each(classic)('%s', async (name) => {
      const cx = readCounterexample(join(classicDir, name));
      // The kernel builds large folios only on an FS that has them: the temp dir here.
      const r = await liveReplay(cx, { kernel: 'linux' });
      if (r.status !== 'compared') throw new Error(`${r.status}: ${r.message}`);
      expect(r.agree, renderLiveReplay(r)).toBe(true);
      if (cx.kernel === 'dirty-pipe') {
        // Dirty Pipe does not reproduce on this kernel: the file is untouched by the pipe-write.
        expect(r.live.file).toEqual(cx.scenario.initial?.file ?? r.live.file);
        expect(r.live.file.every((v) => v !== 2)).toBe(true);
      }
    });
  },
);
