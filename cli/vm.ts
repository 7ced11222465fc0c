/**
 * `--vm RELEASE` (conform, run --live, replay --live): boot that Linux
 * release under qemu (oracle/vm/), run the command's traces there, and stop
 * the guest when the command ends (or is interrupted). With `--vm`, `--fs`
 * names the guest's file system: ext4 (the default), xfs, btrfs or tmpfs.
 * Without `--vm` the command runs on this machine's kernel as before.
 */
import type { KernelBackend } from '../oracle/backend.js';
import { GUEST_FILE_SYSTEMS, guestFsOf } from '../oracle/vm/releases.js';
import { EXIT, UsageError } from './exit.js';
import type { Io } from './io.js';
import type { CliOptions } from './options.js';

/** What the command runs on: the host (undefined) or a booted guest's backend. */
export type Backend = { readonly backend: KernelBackend } | undefined;

/** `--fs` with `--vm`: a guest file system, else a usage error (before anything boots). */
export function checkGuestFs(opts: CliOptions): void {
  if (opts.vm === undefined || opts.fs === undefined || guestFsOf(opts.fs) !== undefined) return;
  throw new UsageError(
    `--fs ${opts.fs}: with --vm, --fs names the guest's file system: ${GUEST_FILE_SYSTEMS.join(' | ')}`,
  );
}

/** Stop (exit 130/143) on SIGINT/SIGTERM while a guest runs: the session's exit hook kills qemu. */
function onSignals(): () => void {
  const int = (): never => process.exit(130);
  const term = (): never => process.exit(143);
  process.on('SIGINT', int);
  process.on('SIGTERM', term);
  return () => {
    process.off('SIGINT', int);
    process.off('SIGTERM', term);
  };
}

/**
 * Run `body` on this machine's kernel, or with `--vm` on a guest booted for
 * it (progress on stderr). Exit 2, naming the `apt-get install` line, when
 * the VM cannot be booted.
 */
export async function withBackend(
  command: string,
  opts: CliOptions,
  io: Io,
  body: (on: Backend) => Promise<number>,
): Promise<number> {
  if (opts.vm === undefined) return body(undefined);
  checkGuestFs(opts);
  const { openVm } = await import('../oracle/vm/backend.js');
  const off = onSignals();
  try {
    const booting = `pipecheck ${command}: booting Linux ${opts.vm} under qemu (software emulation)...`;
    const r = await openVm(opts.vm, {
      onBooting: () => io.err(booting),
      onReboot: (why) => io.err(`pipecheck ${command}: ${why}; booted a fresh guest and ran that job again there`),
    });
    if (!r.ok) {
      io.err(`pipecheck ${command}: ${r.reason}`);
      return EXIT.usage;
    }
    const { session } = r.vm;
    const secs = (ms: number): string => (ms / 1000).toFixed(1);
    io.err(
      `pipecheck ${command}: ${r.vm.backend.label} ready in ${secs(session.bootMs)} s ` +
        `(${secs(session.buildMs)} s building it)`,
    );
    try {
      return await body({ backend: r.vm.backend });
    } finally {
      await r.vm.close();
    }
  } finally {
    off();
  }
}
