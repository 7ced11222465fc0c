/**
 * Conform on the file systems users run besides ext4 and tmpfs: a 1 GiB xfs,
 * a 1 GiB btrfs and a 256 MiB ext4 with 1 KiB blocks, each loop-mounted
 * under /tmp/fsp-test-* for the run and unmounted and deleted after it, and
 * a 64 MiB tmpfs mounted huge=always there; on each, the rows of the
 * README's measured table (test-support/measured-table.ts) too.
 * Needs root, mount and the mkfs tools (Debian's xfsprogs, btrfs-progs,
 * e2fsprogs); a file system that cannot be created is skipped with the
 * reason, never failed. Seeded: a failure is a disagreement to fix (the
 * message names the counterexample and the command to re-run).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allReads } from '../model/run-steps.js';
import { fsProfileById } from '../model/fs/index.js';
import { checkMeasuredRow } from '../test-support/measured-row.js';
import { compareCase } from './compare.js';
import { runConform } from './conform.js';
import { FS_REGRESSIONS } from '../test-support/fs-regressions.js';
import { oracleAvailable } from './kernel.js';
import { MEASURED_ROWS } from '../test-support/measured-table.js';

interface LoopFs {
  readonly name: string;
  /** The profile `auto` must choose for it. */
  readonly profile: string;
  readonly sizeBytes: number;
  /** How to format the image; absent: no image, a tmpfs mounted with `tmpfsOptions`. */
  readonly mkfs?: readonly string[];
  readonly tmpfsOptions?: string;
}

const FILE_SYSTEMS: readonly LoopFs[] = [
  { name: 'xfs', profile: 'xfs', sizeBytes: 1 << 30, mkfs: ['mkfs.xfs', '-q'] },
  { name: 'btrfs', profile: 'btrfs', sizeBytes: 1 << 30, mkfs: ['mkfs.btrfs', '-q'] },
  { name: 'ext4-1k', profile: 'ext4-1k', sizeBytes: 256 << 20, mkfs: ['mkfs.ext4', '-q', '-b', '1024'] },
  { name: 'tmpfs huge=always', profile: 'tmpfs-huge', sizeBytes: 64 << 20, tmpfsOptions: 'huge=always' },
];

function run(cmd: string, args: readonly string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Why a loop-mounted file system cannot be made here, or undefined. */
function cannotMount(fs: LoopFs): string | undefined {
  const avail = oracleAvailable();
  if (!avail.ok) return avail.reason;
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not running as root (loop mounts need it)';
  try {
    run('sh', ['-c', `command -v ${fs.mkfs?.[0] ?? 'mount'} && command -v mount && command -v umount`]);
  } catch {
    return `${fs.mkfs?.[0] ?? 'mount'} or mount is not installed`;
  }
  return undefined;
}

/** Make, format and loop-mount `fs`; returns the mount point and how to undo it, or why it failed. */
function mountLoop(fs: LoopFs): { dir: string; undo: () => void } | { reason: string } {
  const base = mkdtempSync(join('/tmp', `fsp-test-${fs.profile}-`));
  const image = `${base}.img`;
  const undo = (): void => {
    try {
      run('umount', [base]);
    } catch {
      // not mounted
    }
    rmSync(base, { recursive: true, force: true });
    rmSync(image, { force: true });
  };
  try {
    if (fs.mkfs) {
      run('truncate', ['-s', String(fs.sizeBytes), image]);
      run(fs.mkfs[0]!, [...fs.mkfs.slice(1), image]);
      run('mount', ['-o', 'loop', image, base]);
    } else run('mount', ['-t', 'tmpfs', '-o', `${fs.tmpfsOptions},size=${fs.sizeBytes}`, 'tmpfs', base]);
    return { dir: base, undo };
  } catch (e) {
    undo();
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    return { reason: `cannot create it: ${stderr || (e as Error).message}` };
  }
}

const undos: (() => void)[] = [];
afterAll(() => {
  for (const undo of undos) undo();
});

for (const fs of FILE_SYSTEMS) {
  const why = cannotMount(fs);
  const mounted = why === undefined ? mountLoop(fs) : { reason: why };
  if ('undo' in mounted) undos.push(mounted.undo);
  const reason = 'reason' in mounted ? ` (skipped: ${mounted.reason})` : '';
  describe.skipIf('reason' in mounted)(
    `pipecheck conform on a ${fs.mkfs ? 'loop-mounted ' : ''}${fs.name}${reason}`,
    () => {
      it(`probes it as the ${fs.profile} profile and agrees on 300 sequences, seed 42`, async () => {
        const dir = (mounted as { dir: string }).dir;
        mkdirSync(dir, { recursive: true });
        const out = mkdtempSync(join(tmpdir(), 'pipecheck-conform-fs-test-'));
        try {
          const r = await runConform({ fs: dir, runs: 300, seed: 42, out });
          expect(r.status, JSON.stringify(r, null, 1).slice(0, 4000)).toBe('agree');
          expect(r.status === 'agree' && r.start.why).toMatch(new RegExp(`-> ${fs.profile} profile`));
        } finally {
          rmSync(out, { recursive: true, force: true });
        }
      }, 600_000);

      // The README's measured table, this file system's column: the kernel's reads and the model's agree.
      it.each(MEASURED_ROWS)(`README measured table (${fs.profile} column): $title`, async (row) => {
        await checkMeasuredRow(row, fsProfileById(fs.profile)!, (mounted as { dir: string }).dir);
      });

      const regressions = FS_REGRESSIONS.filter((r) => r.profile === fs.profile);
      // Registered only where conform found something on that file system.
      if (regressions.length > 0)
        it(`agrees with the model on the ${regressions.length} regression traces found on ${fs.name}`, async () => {
          const dir = (mounted as { dir: string }).dir;
          for (const r of regressions) {
            const c = await compareCase(r.case, fsProfileById(r.profile)!, { dir });
            expect(c.status, `${r.title}: ${JSON.stringify(c).slice(0, 2000)}`).toBe('compared');
            if (c.status !== 'compared') continue;
            expect(c.disagreement, r.title).toBeUndefined();
            // The kernel's reads: the ones measured when the trace was found, or another the model allows.
            const { steps, bounds, initial } = r.case;
            const allowed = allReads(steps, { fs: fsProfileById(r.profile)!, bounds, initial });
            expect(allowed, r.title).toContainEqual(r.reads);
            expect(allowed, r.title).toContainEqual(c.steps.flatMap((st) => (st.kernel.read ? [st.kernel.read] : [])));
          }
        }, 60_000);
    },
  );
}
