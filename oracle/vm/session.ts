/**
 * One guest under qemu, booted once and serving many helper runs over the
 * job channel (protocol.ts): `VmSession.boot`, then `run` for each job (one
 * at a time, queued), then `close`, which kills qemu and removes the
 * temporary directory. qemu is killed too when this process exits, and the
 * guest powers itself off when no job comes for `idleSecs`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVmImage } from './image.js';
import { encodeJob, GuestReader, type GuestMessage } from './protocol.js';
import { qemuArgs } from './qemu.js';
import type { GuestFs } from './releases.js';
import type { VmTools } from './requirements.js';

export interface VmSessionOptions {
  readonly tools: VmTools;
  /** Give up when the guest is not ready after this long (default 300 s: TCG on a busy machine). */
  readonly bootTimeoutMs?: number;
  /** Guest memory (default 512 MiB). */
  readonly memoryMib?: number;
  /** The guest powers off after this long without a job (default 600 s). */
  readonly idleSecs?: number;
}

export interface VmJob {
  readonly kind: 'run' | 'probe';
  readonly fs: GuestFs;
  readonly stdin: string;
  readonly timeoutMs: number;
}

export type VmJobOutcome =
  | {
      readonly status: 'done';
      /** The helper's exit status (128+N when signal N ended it: 137 is the guest's time-out). */
      readonly exitCode: number;
      readonly stdout: string;
      readonly stderr: string;
      readonly elapsedMs: number;
    }
  | { readonly status: 'timeout' | 'error'; readonly message: string };

/** Extra time the host gives a job beyond its own time-out before it gives the guest up. */
const HOST_GRACE_MS = 30_000;

/** The last lines of the guest's console, for messages. */
class ConsoleTail {
  private lines: string[] = [];
  private partial = '';
  push(chunk: string): void {
    const parts = (this.partial + chunk).replace(/\r/g, '').split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > 40) this.lines = this.lines.slice(-40);
  }
  text(n = 12): string {
    return [...this.lines, this.partial]
      .filter((l) => l.trim().length > 0)
      .slice(-n)
      .join(' | ');
  }
}

/** Listen on a Unix socket; resolves once listening. */
function listen(path: string): Promise<Server> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(path, () => done(server));
  });
}

/** The guest is up: its channel, what it said, and where its later messages go. */
interface Ready {
  readonly socket: Socket;
  readonly kernel: string;
  readonly mounted: readonly GuestFs[];
  /** Send the guest's later messages to `to`. */
  readonly route: (to: (m: GuestMessage) => void) => void;
}

/** Wait for the guest's READY on the job channel; rejects when qemu exits first or the time is up. */
function waitReady(qemu: ChildProcess, server: Server, console: ConsoleTail, timeoutMs: number): Promise<Ready> {
  return new Promise((done, fail) => {
    let settled = false;
    let sink: ((m: GuestMessage) => void) | undefined;
    const finish = (err: Error | undefined, ready?: Ready): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      qemu.removeListener('exit', onExit);
      if (err) fail(err);
      else done(ready!);
    };
    const timer = setTimeout(
      () => finish(new Error(`the guest was not ready after ${timeoutMs} ms; its console: ${console.text()}`)),
      timeoutMs,
    );
    const onExit = (code: number | null, signal: string | null): void =>
      finish(new Error(`qemu exited (${code ?? signal}) before the guest was ready; its console: ${console.text()}`));
    qemu.once('exit', onExit);
    qemu.once('error', (e) => finish(new Error(`cannot run qemu: ${e.message}`)));
    server.once('connection', (socket) => {
      const reader = new GuestReader();
      socket.on('error', (e) => finish(new Error(`the job channel failed: ${e.message}`)));
      socket.on('data', (d: Buffer) => {
        for (const m of reader.push(d)) {
          if (sink) sink(m);
          else if (m.type === 'ready') {
            const route = (to: (m: GuestMessage) => void): void => void (sink = to);
            finish(undefined, { socket, kernel: m.kernel, mounted: m.mounted, route });
          }
        }
      });
    });
  });
}

export class VmSession {
  private readonly waiters = new Map<number, (m: GuestMessage & { type: 'result' }) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private dead: string | undefined;
  /** This process is exiting without close(): kill qemu and remove the files (synchronously). */
  private readonly onExit = (): void => {
    this.killNow();
    rmSync(this.dir, { recursive: true, force: true });
  };

  private readonly deadWaiters = new Map<number, (why: string) => void>();
  private readonly socket: Socket;
  /** The guest's `uname -r`. */
  readonly kernel: string;
  /** The file systems the guest mounted. */
  readonly mounted: readonly GuestFs[];

  private constructor(
    private readonly dir: string,
    private readonly qemu: ChildProcess,
    private readonly server: Server,
    private readonly console: ConsoleTail,
    up: Ready,
    /** How long building the guest's files and booting it took, in all. */
    readonly bootMs: number,
    /** Of which building the guest's files (helper, initramfs, disk images). */
    readonly buildMs: number,
  ) {
    this.socket = up.socket;
    this.kernel = up.kernel;
    this.mounted = up.mounted;
    up.route((m) => this.deliver(m));
    process.once('exit', this.onExit);
    this.socket.on('close', () => this.fail('the job channel closed'));
    this.socket.on('error', (e) => this.fail(`the job channel failed: ${e.message}`));
    qemu.once('exit', (code, signal) => this.fail(`qemu exited (${code ?? signal}): ${this.console.text()}`));
  }

  /** Build the guest's files, boot it, and wait until it is ready for jobs. */
  static async boot(opts: VmSessionOptions): Promise<VmSession> {
    const t0 = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'pipecheck-vm-'));
    let qemu: ChildProcess | undefined;
    let server: Server | undefined;
    // Until the session takes over: an exit while booting leaves no qemu and no files either.
    const cleanup = (): void => {
      qemu?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    };
    process.once('exit', cleanup);
    try {
      const image = buildVmImage(opts.tools, dir, { idleSecs: opts.idleSecs ?? 600 });
      const buildMs = Date.now() - t0;
      const socketPath = join(dir, 'jobs.sock');
      server = await listen(socketPath);
      const args = qemuArgs({
        vmlinuz: opts.tools.vmlinuz,
        image,
        socket: socketPath,
        memoryMib: opts.memoryMib ?? 512,
      });
      qemu = spawn(opts.tools.qemu, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const console = new ConsoleTail();
      qemu.stdout!.setEncoding('utf8').on('data', (d: string) => console.push(d));
      qemu.stderr!.setEncoding('utf8').on('data', (d: string) => console.push(d));
      const up = await waitReady(qemu, server, console, opts.bootTimeoutMs ?? 300_000);
      return new VmSession(dir, qemu, server, console, up, Date.now() - t0, buildMs);
    } catch (e) {
      server?.close();
      cleanup();
      throw e;
    } finally {
      process.removeListener('exit', cleanup);
    }
  }

  /** qemu's process id. */
  get pid(): number | undefined {
    return this.qemu.pid;
  }

  /** Why the guest cannot take jobs any more, or undefined while it can. */
  get stopped(): string | undefined {
    return this.dead;
  }

  /** Run one job (after those queued before it). Never rejects. */
  run(job: VmJob): Promise<VmJobOutcome> {
    const p = this.queue.then(() => this.runNow(job));
    this.queue = p;
    return p;
  }

  private runNow(job: VmJob): Promise<VmJobOutcome> {
    if (this.dead) return Promise.resolve({ status: 'error', message: `the VM is not running: ${this.dead}` });
    const id = this.nextId++;
    const t0 = Date.now();
    return new Promise((done) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        // This job ends as a timeout, not as one of the jobs the stop ends.
        this.deadWaiters.delete(id);
        // What the guest kernel said last (a soft lockup, a hung task) is the clue to a hang.
        const said = this.console.text();
        this.killNow();
        this.fail(
          `a job took more than ${job.timeoutMs + HOST_GRACE_MS} ms; the VM was stopped` +
            (said ? `; its console: ${said}` : '; its console said nothing'),
        );
        done({ status: 'timeout', message: `the VM did not answer within ${job.timeoutMs + HOST_GRACE_MS} ms` });
      }, job.timeoutMs + HOST_GRACE_MS);
      this.waiters.set(id, (m) => {
        clearTimeout(timer);
        const elapsedMs = Date.now() - t0;
        done({ status: 'done', exitCode: m.status, stdout: m.stdout, stderr: m.stderr, elapsedMs });
      });
      this.deadWaiters.set(id, (why) => {
        clearTimeout(timer);
        done({ status: 'error', message: `the VM stopped: ${why}` });
      });
      const timeoutSecs = Math.max(1, Math.ceil(job.timeoutMs / 1000));
      this.socket.write(encodeJob({ id, kind: job.kind, fs: job.fs, timeoutSecs, stdin: job.stdin }));
    });
  }

  /** A message from the guest. */
  private deliver(m: GuestMessage): void {
    if (m.type !== 'result') return;
    const w = this.waiters.get(m.id);
    this.waiters.delete(m.id);
    this.deadWaiters.delete(m.id);
    w?.(m);
  }

  private fail(why: string): void {
    if (this.dead) return;
    this.dead = why;
    for (const [id, w] of this.deadWaiters) {
      this.waiters.delete(id);
      w(why);
    }
    this.deadWaiters.clear();
  }

  private killNow(): void {
    if (this.qemu.exitCode === null && this.qemu.signalCode === null) this.qemu.kill('SIGKILL');
  }

  /** Kill qemu, close the channel, remove the temporary directory. */
  async close(): Promise<void> {
    process.removeListener('exit', this.onExit);
    this.fail('closed');
    if (this.qemu.exitCode === null && this.qemu.signalCode === null) {
      const exited = new Promise((done) => this.qemu.once('exit', done));
      this.killNow();
      await exited;
    }
    this.socket.destroy();
    await new Promise((done) => this.server.close(done));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
