import { describe, expect, it } from 'vitest';
import { encodeTrace, type KernelTraceInput } from '../kernel.js';
import { vmBackend, type JobRunner } from './backend.js';
import type { VmJob, VmJobOutcome } from './session.js';

const INPUT: KernelTraceInput = {
  cells: 1,
  file: [1],
  steps: [
    { op: 'splice', off: 0, len: 1 },
    { op: 'pipe-read', len: 1, pipe: 0 },
  ],
};

const HELPER_OUT = [
  'probe fs ext4 0xef53',
  'probe slots 16',
  'init folios 1 dirty 0',
  'init cached 1',
  'ok 4096',
  'ok read 1',
  'folios 1',
  'dirty 0',
  'size 1',
  'file 1',
  'pipe 0 0 0',
  'done',
  '',
].join('\n');

/** A session that answers every job with `answer` and records the jobs. */
function fake(answer: (job: VmJob) => VmJobOutcome, mounted: JobRunner['mounted'] = ['ext4', 'xfs']) {
  const jobs: VmJob[] = [];
  const runner: JobRunner = {
    kernel: '6.1.0-57-cloud-amd64',
    mounted,
    stopped: undefined,
    run: (job) => {
      jobs.push(job);
      return Promise.resolve(answer(job));
    },
  };
  return { jobs, backend: vmBackend(runner, '6.1') };
}

const done = (stdout: string, exitCode = 0, elapsedMs = 5): VmJobOutcome => ({
  status: 'done',
  exitCode,
  stdout,
  stderr: '',
  elapsedMs,
});

describe('the VM backend (backend.ts) over a session', () => {
  it('sends the trace to the guest file system --fs names and parses the helper as on the host', async () => {
    const { jobs, backend } = fake(() => done(HELPER_OUT));
    const r = await backend.runOnKernel(INPUT, { fs: '/mnt/xfs', timeoutMs: 1000 });
    expect(jobs).toEqual([{ kind: 'run', fs: 'xfs', stdin: encodeTrace(INPUT), timeoutMs: 30_000 }]);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(r.fsType).toBe('ext4');
    expect(r.steps.map((s) => s.result)).toEqual([
      { kind: 'ok', bytes: 4096 },
      { kind: 'read', cells: [1] },
    ]);
    expect(r.elapsedMs).toBe(5);
  });

  it('says what it is: the release, the rerun flags, ext4 by default', async () => {
    const { jobs, backend } = fake(() => done('probe fs ext4 0xef53\nprobe max-folio-pages 1\nprobe evictable 1\n'));
    expect(backend.release).toBe('6.1');
    expect(backend.commandFlags).toBe(' --vm 6.1');
    expect(backend.label).toBe('Linux 6.1.0-57-cloud-amd64 in qemu');
    const p = await backend.probeFs();
    expect(jobs[0]).toMatchObject({ kind: 'probe', fs: 'ext4', stdin: '' });
    expect(p).toMatchObject({ status: 'ok', fsType: 'ext4', maxFolioPages: 1, evictable: true });
  });

  it('refuses an --fs the guest does not have, without a job', async () => {
    const { jobs, backend } = fake(() => done(HELPER_OUT));
    expect(await backend.runOnKernel(INPUT, { fs: '/tmp' })).toMatchObject({
      status: 'error',
      message: expect.stringContaining('in the VM --fs is one of ext4, xfs, btrfs, tmpfs'),
    });
    expect(await backend.probeFs('btrfs')).toMatchObject({
      status: 'error',
      message: 'the VM could not mount its btrfs (mounted: ext4, xfs)',
    });
    expect(jobs).toEqual([]);
  });

  it("reports the helper's error, its time-out in the guest, a signal, and a VM that stopped", async () => {
    const answers: VmJobOutcome[] = [
      done('error bad input\n', 2),
      done('probe fs ext4\n', 137, 31_000),
      done('', 139),
      { status: 'error', message: 'the VM stopped: qemu exited' },
    ];
    const { backend } = fake(() => answers.shift()!);
    expect(await backend.runOnKernel(INPUT)).toMatchObject({ status: 'error', message: 'bad input' });
    expect(await backend.runOnKernel(INPUT)).toMatchObject({ status: 'timeout' });
    expect(await backend.runOnKernel(INPUT)).toMatchObject({
      status: 'error',
      message: 'oracle helper exited with signal 11',
    });
    expect(await backend.runOnKernel(INPUT)).toMatchObject({
      status: 'error',
      message: expect.stringContaining('qemu'),
    });
  });
});
