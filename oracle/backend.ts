/**
 * Where the oracle helper runs: a kernel "backend". The host backend runs it
 * on this machine's kernel (oracle/kernel.ts); the VM backend (oracle/vm/)
 * runs it on another kernel booted under qemu. compare, conform, run --live
 * and replay --live take one through their options (default: the host).
 *
 * @public
 */
import { tmpdir } from 'node:os';
import type { KernelRelease } from '../model/fs/release.js';
import {
  oracleAvailable,
  probeFs,
  runOnKernel,
  type FsProbeResult,
  type KernelRunResult,
  type KernelTraceInput,
  type RunOptions,
} from './kernel.js';

export interface KernelBackend {
  /** What runs the traces, in a few words: `this machine's kernel`, `Linux 6.1.0-57-cloud-amd64 in qemu`. */
  readonly label: string;
  /** The kernel release the model is to model (e.g. `6.1`); undefined: the model's own default. */
  readonly release?: KernelRelease;
  /** Flags a command repeats to run on this backend again (` --vm 6.1`; empty for the host). */
  readonly commandFlags: string;
  /** The `--fs` used when none is given (the host: the OS temp dir; the VM: its ext4). */
  defaultFs(): string;
  /** Whether traces can run at all, or why not. */
  available(): { ok: true } | { ok: false; reason: string };
  /** Run a trace (see runOnKernel in oracle/kernel.ts); `opts.fs` is in the backend's own terms. */
  runOnKernel(input: KernelTraceInput, opts?: RunOptions): Promise<KernelRunResult>;
  /** Probe a file system (see probeFs in oracle/kernel.ts). */
  probeFs(dir?: string, opts?: Omit<RunOptions, 'fs'>): Promise<FsProbeResult>;
}

/** This machine's kernel, through the helper built by scripts/build-oracle.mjs. */
export const HOST_BACKEND: KernelBackend = {
  label: "this machine's kernel",
  commandFlags: '',
  defaultFs: () => tmpdir(),
  available: () => {
    const a = oracleAvailable();
    return a.ok ? { ok: true } : a;
  },
  runOnKernel: (input, opts) => runOnKernel(input, opts),
  probeFs: (dir, opts) => probeFs(dir, opts),
};
