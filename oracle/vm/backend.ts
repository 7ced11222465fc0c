/**
 * The VM backend: the oracle helper run in a guest booted under qemu
 * (session.ts), behind the same interface as this machine's kernel
 * (oracle/backend.ts). `--fs` names a guest file system: ext4, xfs, btrfs or
 * tmpfs (or its mount point, /mnt/NAME). What the helper prints is parsed as
 * on the host (parseHelperRun, parseProbe in oracle/kernel.ts).
 *
 * @public
 */
import type { KernelRelease } from '../../model/fs/release.js';
import type { KernelBackend } from '../backend.js';
import {
  encodeTrace,
  parseHelperRun,
  parseProbe,
  type HelperExit,
  type KernelRunFailed,
  type KernelTraceInput,
  type RunOptions,
} from '../kernel.js';
import { DEFAULT_GUEST_FS, GUEST_FILE_SYSTEMS, guestFsOf, vmRelease, type GuestFs } from './releases.js';
import { findVmTools, missingMessage } from './requirements.js';
import { VmSession, type VmJobOutcome, type VmSessionOptions } from './session.js';

/** Each job gets at least this long in the guest (software emulation is slow). */
const MIN_JOB_MS = 30_000;

/** The job's outcome as the helper's exit, or the failure when it did not finish. */
function helperExit(o: VmJobOutcome, timeoutMs: number): HelperExit | KernelRunFailed {
  if (o.status !== 'done') return { status: o.status, message: o.message };
  if (o.exitCode === 137 && o.elapsedMs >= timeoutMs) {
    return { status: 'timeout', message: `oracle helper killed in the VM after ${timeoutMs} ms`, raw: o.stdout };
  }
  const signalled = o.exitCode > 128;
  return {
    code: signalled ? null : o.exitCode,
    signal: signalled ? `signal ${o.exitCode - 128}` : null,
    stderr: o.stderr,
    elapsedMs: o.elapsedMs,
  };
}

function isFailure(e: HelperExit | KernelRunFailed): e is KernelRunFailed {
  return 'status' in e;
}

/** What the backend uses of a session (a test passes its own). */
export type JobRunner = Pick<VmSession, 'run' | 'kernel' | 'mounted' | 'stopped'>;

/** The guest file system `dir` names, or why it names none the guest has. */
function guestFs(session: JobRunner, dir: string | undefined): GuestFs | KernelRunFailed {
  const fs = guestFsOf(dir ?? DEFAULT_GUEST_FS);
  if (!fs) {
    const names = GUEST_FILE_SYSTEMS.join(', ');
    return { status: 'error', message: `--fs ${dir ?? ''}: in the VM --fs is one of ${names} (or /mnt/NAME)` };
  }
  if (!session.mounted.includes(fs)) {
    return { status: 'error', message: `the VM could not mount its ${fs} (mounted: ${session.mounted.join(', ')})` };
  }
  return fs;
}

/** A backend that runs every trace in `session`'s guest; the model is to model `release`. */
export function vmBackend(session: JobRunner, release: KernelRelease): KernelBackend {
  const timeoutOf = (opts?: Omit<RunOptions, 'fs'>): number => Math.max(opts?.timeoutMs ?? 0, MIN_JOB_MS);
  return {
    label: `Linux ${session.kernel} in qemu`,
    release,
    commandFlags: ` --vm ${release}`,
    defaultFs: () => DEFAULT_GUEST_FS,
    available: () =>
      session.stopped ? { ok: false, reason: `the VM is not running: ${session.stopped}` } : { ok: true },
    async runOnKernel(input: KernelTraceInput, opts?: RunOptions) {
      const stdin = encodeTrace(input);
      const fs = guestFs(session, opts?.fs);
      if (typeof fs !== 'string') return fs;
      const timeoutMs = timeoutOf(opts);
      const o = await session.run({ kind: 'run', fs, stdin, timeoutMs });
      const exit = helperExit(o, timeoutMs);
      if (isFailure(exit)) return exit;
      return parseHelperRun(o.status === 'done' ? o.stdout : '', exit, input);
    },
    async probeFs(dir?: string, opts?: Omit<RunOptions, 'fs'>) {
      const fs = guestFs(session, dir);
      if (typeof fs !== 'string') return fs;
      const timeoutMs = timeoutOf(opts);
      const o = await session.run({ kind: 'probe', fs, stdin: '', timeoutMs });
      const exit = helperExit(o, timeoutMs);
      if (isFailure(exit)) return exit;
      return parseProbe(o.status === 'done' ? o.stdout : '', exit);
    },
  };
}

/**
 * A runner that boots a fresh guest when a job did not finish because the
 * guest is gone (stopped after it stopped answering, seen under heavy load
 * on the host: section 21 of oracle/FINDINGS.md; or qemu exited) and runs
 * the job again there, at most `reboots` times in all; `onReboot` is told
 * why. A job that stalls the fresh guest too is reported as it came.
 */
export class RebootingRunner implements JobRunner {
  private rebootsLeft: number;

  constructor(
    private current: JobRunner & { close(): Promise<void> },
    private readonly boot: () => Promise<JobRunner & { close(): Promise<void> }>,
    reboots: number,
    private readonly onReboot: (why: string) => void = () => {},
  ) {
    this.rebootsLeft = reboots;
  }

  get kernel(): string {
    return this.current.kernel;
  }
  get mounted(): readonly GuestFs[] {
    return this.current.mounted;
  }
  get stopped(): string | undefined {
    return this.current.stopped;
  }

  async run(job: Parameters<JobRunner['run']>[0]): Promise<VmJobOutcome> {
    const on = this.current;
    const o = await on.run(job);
    // A job that did not finish because the guest it ran on is gone (stopped after a stall, or qemu exited).
    if (o.status === 'done' || on.stopped === undefined) return o;
    // Jobs queued behind the one that stalled fail too: the first to get here boots, the others wait for it.
    if (this.rebooting === undefined && on === this.current) {
      if (this.rebootsLeft === 0) return o;
      this.rebootsLeft--;
      this.rebooting = this.reboot(on).finally(() => (this.rebooting = undefined));
    }
    const failed = await this.rebooting;
    if (failed !== undefined) return { status: 'error', message: failed };
    return on === this.current ? o : this.current.run(job);
  }

  /** Stop `on` and boot another; undefined, or why booting failed. */
  private rebooting: Promise<string | undefined> | undefined;

  private async reboot(on: JobRunner & { close(): Promise<void> }): Promise<string | undefined> {
    const why = on.stopped ?? 'the guest stopped';
    await on.close().catch(() => {});
    try {
      this.current = await this.boot();
    } catch (e) {
      return `${why}; booting the guest again failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    this.onReboot(why);
    return undefined;
  }

  close(): Promise<void> {
    return this.current.close();
  }
}

/** How many times a command boots its guest again after a stall. */
const REBOOTS = 3;

/** A booted guest and its backend; `close` stops the guest and removes its files. */
export interface OpenVm {
  readonly backend: KernelBackend;
  /** The guest booted first (another replaces it after a stall: RebootingRunner). */
  readonly session: VmSession;
  close(): Promise<void>;
}

/**
 * Find what `release` needs, build the guest and boot it. Resolves to
 * `{ ok: false, reason }` when something is missing (the reason names the
 * `apt-get install` line) or the guest does not come up.
 */
export async function openVm(
  release: string,
  opts: Omit<VmSessionOptions, 'tools'> & {
    readonly onBooting?: () => void;
    /** Told when a stalled guest was stopped and another booted (the job then runs again). */
    readonly onReboot?: (why: string) => void;
  } = {},
): Promise<{ ok: true; vm: OpenVm } | { ok: false; reason: string }> {
  const found = findVmTools(release);
  if (!found.ok) return { ok: false, reason: missingMessage(release, found.missing) };
  opts.onBooting?.();
  let session: VmSession;
  try {
    session = await VmSession.boot({ ...opts, tools: found.tools });
  } catch (e) {
    return { ok: false, reason: `--vm ${release}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const runner = new RebootingRunner(
    session,
    () => VmSession.boot({ ...opts, tools: found.tools }),
    REBOOTS,
    (why) => opts.onReboot?.(why),
  );
  const backend = vmBackend(runner, vmRelease(release)!.release);
  return { ok: true, vm: { backend, session, close: () => runner.close() } };
}
