import { describe, expect, it } from 'vitest';
import { encodeTrace, type KernelTraceInput } from '../kernel.js';
import { RebootingRunner, vmBackend, type JobRunner } from './backend.js';
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

describe('RebootingRunner', () => {
  /** A guest that stalls on its first `stalls` jobs, then answers; counts closes. */
  function guest(stalls: number) {
    const g = {
      kernel: '6.1.0-57-cloud-amd64',
      mounted: ['ext4'] as JobRunner['mounted'],
      stopped: undefined as string | undefined,
      jobs: 0,
      closed: 0,
      run(): Promise<VmJobOutcome> {
        g.jobs++;
        if (g.jobs <= stalls) {
          g.stopped = 'a job took more than 60000 ms; the VM was stopped';
          return Promise.resolve({ status: 'timeout', message: 'the VM did not answer within 60000 ms' });
        }
        return Promise.resolve({ status: 'done', exitCode: 0, stdout: HELPER_OUT, stderr: '', elapsedMs: 40 });
      },
      close(): Promise<void> {
        g.closed++;
        return Promise.resolve();
      },
    };
    return g;
  }
  const job: VmJob = { kind: 'run', fs: 'ext4', stdin: '', timeoutMs: 30_000 };

  it('boots a fresh guest after a stall and runs the job again there', async () => {
    const first = guest(1);
    const second = guest(0);
    const told: string[] = [];
    const r = new RebootingRunner(
      first,
      () => Promise.resolve(second),
      3,
      (why) => told.push(why),
    );
    const o = await r.run(job);
    expect(o.status).toBe('done');
    expect(first.closed).toBe(1);
    expect(second.jobs).toBe(1);
    expect(told).toEqual(['a job took more than 60000 ms; the VM was stopped']);
    expect(r.stopped).toBeUndefined();
  });

  it('reports the stall when the fresh guest stalls too, and stops rebooting after its budget', async () => {
    const guests = [guest(1), guest(2), guest(0)];
    let next = 1;
    const r = new RebootingRunner(guests[0]!, () => Promise.resolve(guests[next++]!), 1);
    expect((await r.run(job)).status).toBe('timeout');
    expect(next).toBe(2);
    // The budget is spent: the next stall is reported as it came, no third guest.
    expect((await r.run(job)).status).toBe('timeout');
    expect(next).toBe(2);
    expect(guests[2]!.jobs).toBe(0);
  });

  it('boots again when the guest is gone (qemu exited), not for an error of a live guest', async () => {
    const gone = { ...guest(0), stopped: 'qemu exited (1)' as string | undefined };
    gone.run = () => Promise.resolve({ status: 'error', message: 'the VM stopped: qemu exited (1)' });
    const fresh = guest(0);
    expect((await new RebootingRunner(gone, () => Promise.resolve(fresh), 3).run(job)).status).toBe('done');
    const alive = guest(0);
    alive.run = () => Promise.resolve({ status: 'error', message: 'bad job' });
    let booted = false;
    const boot = () => {
      booted = true;
      return Promise.resolve(guest(0));
    };
    const r = new RebootingRunner(alive, boot, 3);
    expect((await r.run(job)).status).toBe('error');
    expect(booted).toBe(false);
  });

  it('a job queued behind the stalled one runs on the fresh guest, without another boot', async () => {
    // The first guest stalls its first job; the second job was queued on it before the stall ended.
    const first = guest(0);
    let release: () => void = () => {};
    const stalled = new Promise<void>((r) => (release = r));
    let calls = 0;
    // As a session does: the second job waits in its queue until the first is over.
    first.run = async () => {
      const mine = ++calls;
      await stalled;
      if (mine === 1) {
        first.stopped = 'a job took more than 60000 ms; the VM was stopped';
        return { status: 'timeout', message: 'the VM did not answer within 60000 ms' };
      }
      return { status: 'error', message: `the VM is not running: ${first.stopped ?? ''}` };
    };
    const second = guest(0);
    let boots = 0;
    const bootSecond = () => {
      boots++;
      return Promise.resolve(second);
    };
    const r = new RebootingRunner(first, bootSecond, 3);
    const a = r.run(job);
    const b = r.run(job);
    release();
    expect((await a).status).toBe('done');
    expect((await b).status).toBe('done');
    expect(boots).toBe(1);
    expect(second.jobs).toBe(2);
  });

  it('says why when the guest cannot be booted again', async () => {
    const r = new RebootingRunner(guest(1), () => Promise.reject(new Error('qemu exited (1)')), 3);
    const o = await r.run(job);
    expect(o).toEqual({
      status: 'error',
      message: 'a job took more than 60000 ms; the VM was stopped; booting the guest again failed: qemu exited (1)',
    });
  });
});
