import { accessSync, chmodSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { Step } from '../model/step.js';
import { compareCase, profileForDir } from './compare.js';
import {
  encodeTrace,
  oracleAvailable,
  parseHelperRun,
  parseProbe,
  probeFs,
  runOnKernel,
  type KernelRunResult,
  type KernelRunOk,
} from './kernel.js';

const avail = oracleAvailable();
const unavailableReason = avail.ok ? '' : avail.reason;

function writableDir(d: string): boolean {
  try {
    if (!statSync(d).isDirectory()) return false;
    accessSync(d, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function ok(r: KernelRunResult): KernelRunOk {
  if (r.status !== 'ok')
    throw new Error(`oracle run failed: ${r.status}: ${r.message}\n${r.raw ?? ''}${r.stderr ?? ''}`);
  return r;
}

function reads(r: KernelRunOk): (readonly number[])[] {
  return r.steps.flatMap((s) => (s.result.kind === 'read' ? [s.result.cells] : []));
}

describe('encodeTrace', () => {
  it('spells steps in interface order', () => {
    const steps: Step[] = [
      { op: 'splice', off: 0, len: 2 },
      { op: 'pipe-read', len: 2 },
      { op: 'vmsplice', page: 0, gift: true },
      { op: 'pipe-read', len: 1, pipe: 1 },
    ];
    const text = encodeTrace({ cells: 2, slots: 2, file: [1, 1, 1, 1], folios: [1, 1], user: [[1, 1]], steps });
    expect(text.split('\n')).toEqual([
      'cells 2',
      'slots 2',
      'userpages 1',
      'file 1 1 1 1',
      'folios 1 1',
      'cached 1',
      'user 0 1 1',
      'step splice 0 2 0',
      'step pipe-read 2 0',
      'step vmsplice 0 1 0',
      'step pipe-read 1 1',
      'end',
      '',
    ]);
  });
  it('rejects bad cell counts', () => {
    expect(() => encodeTrace({ cells: 3, file: [], steps: [] })).toThrow(RangeError);
  });
});

describe('parseHelperRun and parseProbe: what the helper printed, wherever it ran (pure)', () => {
  const steps: Step[] = [
    { op: 'splice', off: 0, len: 1 },
    { op: 'pipe-read', len: 1, pipe: 0 },
  ];
  const input = { cells: 1, file: [1], steps };
  const printed = 'probe fs xfs 0x58465342\nprobe slots 4\ninit folios 1 dirty 1\ninit cached 1\n';
  const tail = 'folios 1\ndirty 1\nsize 1\nfile 1\npipe 0 0 0\ndone\n';

  it('reads a complete run', () => {
    const r = parseHelperRun(`${printed}ok 4096\nok read 1\n${tail}`, { code: 0, elapsedMs: 12 }, input);
    expect(r).toMatchObject({ status: 'ok', fsType: 'xfs', slots: 4, elapsedMs: 12, final: { size: 1, file: [1] } });
    expect(r.status === 'ok' && r.steps.map((s) => s.result)).toEqual([
      { kind: 'ok', bytes: 4096 },
      { kind: 'read', cells: [1] },
    ]);
  });

  it('says an error line, an exit status, a missing step and more results than steps', () => {
    expect(parseHelperRun('error bad cells\n', { code: 2 }, input)).toMatchObject({
      status: 'error',
      message: 'bad cells',
    });
    expect(parseHelperRun(printed, { code: null, signal: 'SIGSEGV' }, input)).toMatchObject({
      message: 'oracle helper exited with SIGSEGV',
    });
    expect(parseHelperRun(`${printed}ok 4096\n${tail}`, { code: 0 }, input)).toMatchObject({
      message: 'oracle helper output incomplete',
    });
    expect(parseHelperRun(`${printed}ok 1\nok 1\nok 1\n${tail}`, { code: 0 }, input)).toMatchObject({
      message: 'oracle helper printed more step results than steps',
    });
  });

  it('reads a probe', () => {
    const p = parseProbe('probe fs tmpfs 0x1021994\nprobe max-folio-pages 1\nprobe pipe-slots 1:1 3:4\n', { code: 0 });
    expect(p).toMatchObject({ status: 'ok', fsType: 'tmpfs', largeFolios: false, pipeSlots: { 1: 1, 3: 4 } });
    expect(parseProbe('error no dir\n', { code: 2 })).toMatchObject({ status: 'error', message: 'no dir' });
  });
});

describe('oracleAvailable', () => {
  it('reports a missing binary with a reason', () => {
    const r = oracleAvailable({ binary: '/nonexistent/pipecheck-oracle' });
    expect(r.ok).toBe(false);
  });
  it.skipIf(process.platform !== 'linux')('kills a helper that hangs and says so', async () => {
    const d = mkdtempSync(join(tmpdir(), 'pipecheck-oracle-test-'));
    try {
      const fake = join(d, 'hang.sh');
      writeFileSync(fake, '#!/bin/sh\nexec sleep 30\n');
      chmodSync(fake, 0o755);
      const r = await runOnKernel({ cells: 1, file: [1], steps: [] }, { binary: fake, timeoutMs: 300 });
      expect(r.status).toBe('timeout');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
  it('runOnKernel reports unavailable instead of throwing', async () => {
    const r = await runOnKernel({ cells: 1, file: [1], steps: [] }, { binary: '/nonexistent/pipecheck-oracle' });
    expect(r.status).toBe('unavailable');
  });
});

const dirs: { name: string; dir: string; skip: string }[] = [
  { name: 'OS temp dir', dir: tmpdir(), skip: writableDir(tmpdir()) ? '' : `${tmpdir()} not writable` },
  { name: '/dev/shm', dir: '/dev/shm', skip: writableDir('/dev/shm') ? '' : '/dev/shm not available' },
];

for (const { name, dir, skip } of dirs) {
  const reason = unavailableReason || skip;
  describe.skipIf(reason !== '')(`live kernel on ${name}${reason ? ` (skipped: ${reason})` : ''}`, () => {
    it('seed reproducer: truncate 0, write old, splice, write new, read sees new', async () => {
      const r = ok(
        await runOnKernel(
          {
            cells: 1,
            slots: 2,
            file: [3],
            steps: [
              { op: 'truncate', size: 0 },
              { op: 'write', off: 0, len: 1, value: 1 },
              { op: 'splice', off: 0, len: 1 },
              { op: 'write', off: 0, len: 1, value: 2 },
              { op: 'pipe-read', len: 1 },
            ],
          },
          { fs: dir },
        ),
      );
      expect(r.steps.map((s) => s.result.kind)).toEqual(['ok', 'ok', 'ok', 'ok', 'read']);
      expect(reads(r)).toEqual([[2]]);
      expect(r.final.file).toEqual([2]);
    });

    it('mmap store after splice: reader sees new', async () => {
      const r = ok(
        await runOnKernel(
          {
            cells: 2,
            file: [1, 1, 1, 1],
            steps: [
              { op: 'splice', off: 0, len: 2 },
              { op: 'mmap-store', off: 1, value: 2 },
              { op: 'pipe-read', len: 2 },
            ],
          },
          { fs: dir },
        ),
      );
      expect(reads(r)).toEqual([[1, 2]]);
    });

    it('punch of exactly page 1 of a 4-page file: zeroes iff the page sits in a large folio', async () => {
      const r = ok(
        await runOnKernel(
          {
            cells: 1,
            file: [1, 1, 1, 1],
            folios: [4],
            steps: [
              { op: 'splice', off: 1, len: 1 },
              { op: 'fallocate-punch', off: 1, len: 1 },
              { op: 'pipe-read', len: 1 },
            ],
          },
          { fs: dir },
        ),
      );
      expect(r.final.file).toEqual([1, 0, 1, 1]);
      const large = r.init.folios !== null && (r.init.folios[0] ?? 1) > 1;
      expect(reads(r)).toEqual([large ? [0] : [1]]);
    });

    it('folio structure after punching page 1 of a 4-page folio (dirty vs clean)', async () => {
      const run = async (clean: boolean): Promise<KernelRunOk> =>
        ok(
          await runOnKernel(
            {
              cells: 1,
              file: [1, 1, 1, 1],
              folios: [4],
              clean,
              trace: true,
              steps: [{ op: 'fallocate-punch', off: 1, len: 1 }],
            },
            { fs: dir },
          ),
        );
      const dirty = await run(false);
      const clean = await run(true);
      if (dirty.init.folios === null || clean.init.folios === null) return; // no /proc/kpageflags
      if (dirty.fsType === 'ext4' && dirty.init.folios[0] === 4) {
        expect(dirty.final.folios).toEqual([4]); // dirty ext4 folio: no split
        expect(clean.init.dirty).toEqual([false]);
        expect(clean.final.folios).toEqual([1, 0, 1, 1]); // clean: buddy split, page 1 dropped
      }
      if (dirty.init.folios.every((f) => f === 1)) expect(dirty.final.folios).toEqual([1, 0, 1, 1]);
      expect(clean.steps[0]?.after?.folios).toEqual(clean.final.folios);
    });

    it('ftruncate to 0 after splice: reader sees old', async () => {
      const r = ok(
        await runOnKernel(
          {
            cells: 1,
            file: [1, 1],
            folios: [2],
            steps: [
              { op: 'splice', off: 0, len: 1 },
              { op: 'truncate', size: 0 },
              { op: 'pipe-read', len: 1 },
            ],
          },
          { fs: dir },
        ),
      );
      expect(reads(r)).toEqual([[1]]);
      expect(r.final.size).toBe(0);
    });

    it('ftruncate to one cell: spliced tail reads zeroes', async () => {
      const r = ok(
        await runOnKernel(
          {
            cells: 4,
            file: [1, 1, 1, 1],
            steps: [
              { op: 'splice', off: 0, len: 4 },
              { op: 'truncate', size: 1 },
              { op: 'pipe-read', len: 4 },
            ],
          },
          { fs: dir },
        ),
      );
      expect(reads(r)).toEqual([[1, 0, 0, 0]]);
    });

    it('tee then pwrite: both pipes see new', async () => {
      const r = ok(
        await runOnKernel(
          {
            cells: 1,
            slots: 2,
            file: [1],
            steps: [
              { op: 'splice', off: 0, len: 1 },
              { op: 'tee', len: 1 },
              { op: 'write', off: 0, len: 1, value: 2 },
              { op: 'pipe-read', len: 1, pipe: 0 },
              { op: 'pipe-read', len: 1, pipe: 1 },
            ],
          },
          { fs: dir },
        ),
      );
      expect(reads(r)).toEqual([[2], [2]]);
    });

    it('vmsplice (with and without gift) then user-store: reader sees new', async () => {
      for (const gift of [false, true]) {
        const r = ok(
          await runOnKernel(
            {
              cells: 2,
              file: [1],
              user: [[1, 1]],
              steps: [
                { op: 'vmsplice', page: 0, gift },
                { op: 'user-store', page: 0, cell: 1, value: 3 },
                { op: 'pipe-read', len: 2 },
              ],
            },
            { fs: dir },
          ),
        );
        expect(reads(r)).toEqual([[1, 3]]);
      }
    });

    it('vmsplice, munmap or MADV_DONTNEED, store: the reader sees old; a zapped page splices zeroes', async () => {
      for (const op of ['user-unmap', 'user-dontneed'] as const) {
        const run = async (steps: Step[]) =>
          reads(ok(await runOnKernel({ cells: 2, file: [1], user: [[1, 2]], steps }, { fs: dir })));
        expect(
          await run([
            { op: 'vmsplice', page: 0 },
            { op, page: 0 },
            { op: 'user-store', page: 0, cell: 0, value: 3 },
            { op: 'pipe-read', len: 2 },
          ]),
        ).toEqual([[1, 2]]);
        expect(
          await run([
            { op, page: 0 },
            { op: 'vmsplice', page: 0, gift: true },
            { op: 'user-store', page: 0, cell: 1, value: 3 },
            { op: 'pipe-read', len: 2 },
          ]),
        ).toEqual([[0, 0]]);
      }
    });

    it('Dirty Pipe does not reproduce: stale CAN_MERGE never reaches the file', async () => {
      const r = ok(
        await runOnKernel(
          {
            cells: 8,
            slots: 2,
            file: Array<number>(16).fill(1),
            steps: [
              { op: 'pipe-write', len: 16, value: 5 },
              { op: 'pipe-read', len: 16 },
              { op: 'splice', off: 0, len: 1 },
              { op: 'pipe-write', len: 1, value: 6 },
              { op: 'pipe-read', len: 2 },
            ],
          },
          { fs: dir },
        ),
      );
      expect(r.slots).toBe(2);
      expect(reads(r)[1]).toEqual([1, 6]);
      expect(r.final.file).toEqual(Array<number>(16).fill(1));
    });

    it('unlink after splice: the reader sees the data, later file steps are skipped, no file is reported', async () => {
      const r = ok(
        await runOnKernel(
          {
            cells: 2,
            file: [1, 1, 1, 1],
            steps: [
              { op: 'splice', off: 0, len: 2 },
              { op: 'mmap-store', off: 0, value: 2 },
              { op: 'unlink' },
              { op: 'write', off: 0, len: 1, value: 3 },
              { op: 'pipe-read', len: 2 },
            ],
          },
          { fs: dir },
        ),
      );
      expect(r.steps.map((s) => s.result)).toEqual([
        { kind: 'ok', bytes: 4096 },
        { kind: 'ok', bytes: 2048 },
        { kind: 'ok', bytes: 0 },
        { kind: 'skip', reason: 'UNLINKED' },
        { kind: 'read', cells: [2, 1] },
      ]);
      expect(r.final.unlinked).toBe(true);
      expect(r.final.file).toEqual([]);
    });

    it('conform compares no file after unlink, and the model and the kernel agree on the rest', async () => {
      const prof = await profileForDir(dir);
      expect(prof.ok).toBe(true);
      if (!prof.ok) return;
      const c = await compareCase(
        {
          bounds: { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1, depth: 6 },
          initial: { file: [1, 1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1]] },
          steps: [
            { op: 'splice', off: 0, len: 2 },
            { op: 'write', off: 0, len: 1, value: 2 },
            { op: 'unlink' },
            { op: 'write', off: 0, len: 1, value: 1 },
            { op: 'pipe-read', len: 2 },
          ],
        },
        prof.profile,
        { dir },
      );
      expect(c.status).toBe('compared');
      if (c.status !== 'compared') return;
      expect(c.disagreement).toBeUndefined();
      expect([c.model.unlinked, c.kernel.unlinked]).toEqual([true, true]);
      expect(c.steps.map((st) => st.kernel.text)).toEqual([
        'ok 2 cells',
        'ok 1 cell',
        'ok',
        'skip UNLINKED',
        'read [2, 1]',
      ]);
    });

    it('splice-out into the page its buffer references copies forward; the reply is what it wrote', async () => {
      const r = ok(
        await runOnKernel(
          {
            cells: 2,
            file: [1, 1, 2, 2],
            steps: [
              { op: 'splice', off: 2, len: 2 },
              { op: 'write', off: 2, len: 1, value: 3 },
              { op: 'splice-out', off: 3, len: 2 },
              { op: 'splice-out', off: 0, len: 1 },
            ],
          },
          { fs: dir },
        ),
      );
      expect(r.steps.map((s) => s.result)).toEqual([
        { kind: 'ok', bytes: 4096 },
        { kind: 'ok', bytes: 2048 },
        { kind: 'read', cells: [3, 3] },
        { kind: 'err', errno: 'EAGAIN' },
      ]);
      expect(r.final.file).toEqual([1, 1, 3, 3, 3]);
    });

    it('mmap-private-store after splice: neither the reader nor the file sees it', async () => {
      const r = ok(
        await runOnKernel(
          {
            cells: 2,
            file: [1, 1, 1, 1],
            steps: [
              { op: 'splice', off: 0, len: 2 },
              { op: 'mmap-private-store', off: 1, value: 2 },
              { op: 'pipe-read', len: 2 },
            ],
          },
          { fs: dir },
        ),
      );
      expect(reads(r)).toEqual([[1, 1]]);
      expect(r.final.file).toEqual([1, 1, 1, 1]);
    });

    it('vmsplice from a mapping of the file: the kernel and the model agree on what the pipe reads', async () => {
      const shared: Step = { op: 'vmsplice', page: 0, source: 'file-shared' };
      const priv: Step = { op: 'vmsplice', page: 0, source: 'file-private' };
      const cases: { steps: Step[]; reads: number[][] }[] = [
        { steps: [shared, { op: 'write', off: 0, len: 1, value: 2 }], reads: [[2, 1]] },
        { steps: [priv, { op: 'write', off: 0, len: 1, value: 2 }], reads: [[2, 1]] },
        { steps: [priv, { op: 'mmap-private-store', off: 0, value: 2 }], reads: [[1, 1]] },
        {
          steps: [{ op: 'mmap-private-store', off: 0, value: 3 }, priv, { op: 'mmap-private-store', off: 1, value: 2 }],
          reads: [[3, 2]],
        },
        { steps: [shared, { op: 'truncate', size: 1 }], reads: [[1, 0]] },
      ];
      const prof = await profileForDir(dir);
      expect(prof.ok).toBe(true);
      if (!prof.ok) return;
      for (const c of cases) {
        const steps: Step[] = [...c.steps, { op: 'pipe-read', len: 2 }];
        const kase = { cells: 2, file: [1, 1, 1, 1], user: [[0, 0]], steps };
        expect(reads(ok(await runOnKernel(kase, { fs: dir }))), JSON.stringify(c.steps)).toEqual(c.reads);
        const bounds = { pages: 2, cells: 2, values: 3, slots: 2, folioPages: 1, userPages: 1, depth: 8 };
        const initial = { file: [1, 1, 1, 1], cached: true, folios: [1, 1], user: [[0, 0]] };
        const cmp = await compareCase({ bounds, initial, steps }, prof.profile, { dir });
        expect(cmp.status).toBe('compared');
        if (cmp.status === 'compared') expect(cmp.disagreement, JSON.stringify(c.steps)).toBeUndefined();
      }
    });

    it('vmsplice from a mapping past EOF is skipped (EFAULT), as the model does not take it', async () => {
      const r = ok(
        await runOnKernel(
          {
            cells: 2,
            file: [1],
            user: [[0, 0]],
            steps: [{ op: 'vmsplice', page: 1, source: 'file-shared' }],
            pages: 2,
          },
          { fs: dir },
        ),
      );
      expect(r.steps[0]!.result).toEqual({ kind: 'skip', reason: 'EOF' });
    });

    it('empty pipe read and full pipe give EAGAIN', async () => {
      const r = ok(
        await runOnKernel(
          {
            cells: 1,
            slots: 1,
            file: [1, 1],
            steps: [
              { op: 'pipe-read', len: 1 },
              { op: 'splice', off: 0, len: 1 },
              { op: 'splice', off: 1, len: 1 },
            ],
          },
          { fs: dir },
        ),
      );
      expect(r.steps.map((s) => s.result)).toEqual([
        { kind: 'err', errno: 'EAGAIN' },
        { kind: 'ok', bytes: 4096 },
        { kind: 'err', errno: 'EAGAIN' },
      ]);
    });

    it('probeFs reports the file system', async () => {
      const p = await probeFs(dir);
      if (p.status !== 'ok') throw new Error(p.message);
      expect(p.fsType.length).toBeGreaterThan(0);
      expect(p.pipeSlots[3]).toBe(4);
    });
  });
}

describe('the helper checks every size it is given, and a timeout ends all it started', () => {
  it.skipIf(!avail.ok)(
    'a truncate to 70,000 or 16,777,216 cells is refused, not run into a fixed buffer' +
      (avail.ok ? '' : ` (skipped: ${unavailableReason})`),
    async () => {
      for (const size of [70_000, 16_777_216]) {
        const r = await runOnKernel({ cells: 1, file: [1, 1], steps: [{ op: 'truncate', size }] });
        expect(r.status).toBe('error');
        expect(r.status === 'error' && r.message).toMatch(/^step 1 \(truncate\) reaches byte \d+, past the 4096 pages/);
      }
    },
  );

  it.skipIf(!avail.ok)(`a trace of 5,000 steps runs${avail.ok ? '' : ` (skipped: ${unavailableReason})`}`, async () => {
    const steps: Step[] = Array.from({ length: 5000 }, (_, i) => ({ op: 'pipe-write', len: 1, value: 1 + (i % 2) }));
    const r = ok(await runOnKernel({ cells: 2, slots: 2, file: [1, 1], steps }, { timeoutMs: 30_000 }));
    expect(r.steps).toHaveLength(5000);
  });

  it('a helper that forks is killed with its children at the timeout (the run does not wait for them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipecheck-fake-helper-'));
    try {
      const fake = join(dir, 'fake-helper');
      // Starts a grandchild that holds stdout open for a minute, then waits itself.
      writeFileSync(fake, '#!/bin/sh\nsleep 60 &\nsleep 60\n');
      chmodSync(fake, 0o755);
      const t0 = Date.now();
      const r = await runOnKernel({ cells: 2, file: [1], steps: [] }, { binary: fake, timeoutMs: 300 });
      expect(r.status).toBe('timeout');
      // Measured, not asserted as a benchmark: before, it waited the grandchild's 60 s.
      expect(Date.now() - t0).toBeLessThan(30_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
