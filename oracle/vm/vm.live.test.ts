/**
 * The VM backend on a real guest: Debian 12's Linux 6.1 booted once under
 * qemu (TCG) for this file, one helper trace per file system and question on
 * ext4, xfs, btrfs and tmpfs. Skipped, saying what is missing, where the
 * packages are not installed (requirements.ts names the apt-get line).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Step } from '../../model/step.js';
import type { KernelRunOk, KernelRunResult } from '../kernel.js';
import { openVm, type OpenVm } from './backend.js';
import { GUEST_FILE_SYSTEMS } from './releases.js';
import { findVmTools, missingMessage } from './requirements.js';

const found = findVmTools('6.1');
const skip = found.ok ? '' : ` (skipped: ${missingMessage('6.1', found.missing)})`;

function ok(r: KernelRunResult): KernelRunOk {
  if (r.status !== 'ok') throw new Error(`${r.status}: ${r.message}\n${r.raw ?? ''}${r.stderr ?? ''}`);
  return r;
}

const reads = (r: KernelRunOk): (readonly number[])[] =>
  r.steps.flatMap((s) => (s.result.kind === 'read' ? [s.result.cells] : []));

/** A 4-page file of 1s (one cell a page), cached, then these steps. */
const trace = (steps: Step[]) => ({ cells: 1, file: [1, 1, 1, 1], steps });

describe.skipIf(!found.ok)(`--vm 6.1: the helper in a guest under qemu${skip}`, () => {
  let vm: OpenVm;
  beforeAll(async () => {
    const r = await openVm('6.1');
    if (!r.ok) throw new Error(r.reason);
    vm = r.vm;
  });
  afterAll(async () => {
    const pid = vm?.session.pid;
    await vm?.close();
    // No qemu left behind.
    if (pid !== undefined) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('boots 6.1 and mounts every guest file system', () => {
    expect(vm.session.kernel).toMatch(/^6\.1\./);
    expect([...vm.session.mounted].sort()).toEqual([...GUEST_FILE_SYSTEMS].sort());
  });

  for (const fs of GUEST_FILE_SYSTEMS) {
    it(`${fs}: a page spliced, then punched, reads as old data or zeros, nothing else`, async () => {
      const r = ok(
        await vm.backend.runOnKernel(
          trace([
            { op: 'splice', off: 0, len: 1 },
            { op: 'fallocate-punch', off: 0, len: 1 },
            { op: 'pipe-read', len: 1, pipe: 0 },
          ]),
          { fs },
        ),
      );
      expect(r.fsType).toBe(fs);
      expect(r.steps[0]!.result).toEqual({ kind: 'ok', bytes: 4096 });
      expect([[1], [0]]).toContainEqual(reads(r)[0]);
    });

    it(`${fs}: a pwrite after the splice reaches the pipe`, async () => {
      const r = ok(
        await vm.backend.runOnKernel(
          trace([
            { op: 'splice', off: 0, len: 1 },
            { op: 'write', off: 0, len: 1, value: 2 },
            { op: 'pipe-read', len: 1, pipe: 0 },
          ]),
          { fs },
        ),
      );
      expect(reads(r)).toEqual([[2]]);
      expect(r.final.file).toEqual([2, 1, 1, 1]);
    });
  }

  it('probes a guest file system as the host probes its own', async () => {
    const p = await vm.backend.probeFs('tmpfs');
    expect(p).toMatchObject({ status: 'ok', fsType: 'tmpfs', evictable: false });
  });
});
