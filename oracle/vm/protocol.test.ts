import { describe, expect, it } from 'vitest';
import { encodeJob, GuestReader, type GuestMessage } from './protocol.js';
import { guestInit, GUEST_HELPER } from './guest-init.js';
import { qemuArgs } from './qemu.js';
import { moduleFiles } from './image.js';

/** Feed `bytes` to a reader in chunks of `size` and collect what it reads. */
function readAll(bytes: Buffer, size: number): GuestMessage[] {
  const r = new GuestReader();
  const out: GuestMessage[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...r.push(bytes.subarray(i, i + size)));
  return out;
}

describe('the job channel (protocol.ts)', () => {
  it('frames a job: a header line with the stdin length in bytes, then the stdin', () => {
    const job = encodeJob({ id: 7, kind: 'run', fs: 'xfs', timeoutSecs: 30, stdin: 'cells 2\nend\n' });
    expect(job.toString()).toBe('J 7 run xfs 30 12\ncells 2\nend\n');
    expect(encodeJob({ id: 1, kind: 'probe', fs: 'tmpfs', timeoutSecs: 5, stdin: '' }).toString()).toBe(
      'J 1 probe tmpfs 5 0\n',
    );
    expect(encodeJob({ id: 2, kind: 'run', fs: 'ext4', timeoutSecs: 1, stdin: 'é' }).toString()).toMatch(/ 2\né$/);
  });

  it('refuses a job it cannot frame', () => {
    expect(() => encodeJob({ id: -1, kind: 'run', fs: 'ext4', timeoutSecs: 1, stdin: '' })).toThrow(RangeError);
    expect(() => encodeJob({ id: 1, kind: 'run', fs: 'ext4', timeoutSecs: 0, stdin: '' })).toThrow(RangeError);
  });

  const stream = Buffer.from(
    'booting...\n' +
      'READY 6.1.0-57-cloud-amd64 ext4 xfs btrfs tmpfs\n' +
      'R 1 0 11 4\nprobe fs x\nerr!' +
      // busybox wc may pad its counts
      'R 2 2      6       0\nerror\n',
  );
  const expected: GuestMessage[] = [
    { type: 'noise', line: 'booting...' },
    { type: 'ready', kernel: '6.1.0-57-cloud-amd64', mounted: ['ext4', 'xfs', 'btrfs', 'tmpfs'] },
    { type: 'result', id: 1, status: 0, stdout: 'probe fs x\n', stderr: 'err!' },
    { type: 'result', id: 2, status: 2, stdout: 'error\n', stderr: '' },
  ];

  it('reads READY, results (stdout and stderr by length) and noise, however the bytes are split', () => {
    for (const size of [1, 2, 3, 7, 64, stream.length]) expect(readAll(stream, size)).toEqual(expected);
  });

  it('keeps a result whose output holds a line that looks like a header', () => {
    const out = 'R 9 0 1 1\n';
    const bytes = Buffer.from(`R 3 0 ${out.length} 0\n${out}`);
    expect(readAll(bytes, 5)).toEqual([{ type: 'result', id: 3, status: 0, stdout: out, stderr: '' }]);
  });

  it('counts bytes, not characters', () => {
    const bytes = Buffer.from('R 4 0 3 0\né!');
    expect(readAll(bytes, 1)).toEqual([{ type: 'result', id: 4, status: 0, stdout: 'é!', stderr: '' }]);
  });
});

describe("the guest's /init (guest-init.ts)", () => {
  const init = guestInit({ idleSecs: 90 });
  it('mounts every guest file system at /mnt/NAME and says which mounted', () => {
    for (const fs of ['ext4', 'xfs', 'btrfs', 'tmpfs']) expect(init).toContain(`mount -t ${fs} `);
    expect(init).toContain('echo "READY $(uname -r)$mounted" >&3');
  });
  it('serves jobs on ttyS1 in raw mode with a time-out per job, and powers off when idle', () => {
    expect(init).toContain('stty -F /dev/ttyS1 raw -echo');
    expect(init).toContain(`timeout -s KILL "$secs" ${GUEST_HELPER} "$@"`);
    expect(init).toContain('IDLE=90');
    expect(init.trimEnd().endsWith('poweroff -f')).toBe(true);
  });
});

describe('the qemu command line and the modules (qemu.ts, image.ts)', () => {
  it('uses TCG, no default devices, the console and the job channel as serial ports, the disks as virtio', () => {
    const args = qemuArgs({
      vmlinuz: '/boot/vmlinuz-6.1.0-57-cloud-amd64',
      image: { initrd: '/w/initrd.cpio', disks: ['/w/ext4.img', '/w/xfs.img'] },
      socket: '/w/jobs.sock',
      memoryMib: 512,
    }).join(' ');
    expect(args).toContain('-accel tcg');
    expect(args).toContain('-nodefaults');
    expect(args).toContain('-chardev socket,id=jobs,path=/w/jobs.sock -serial chardev:jobs');
    expect(args).toContain('-drive file=/w/ext4.img,format=raw,if=virtio,cache=unsafe');
    expect(args.indexOf('ext4.img')).toBeLessThan(args.indexOf('xfs.img'));
  });

  it("loads modprobe's modules in order, each once, without crc32c-intel", () => {
    const deps = [
      'insmod /lib/modules/k/kernel/drivers/virtio/virtio_ring.ko ',
      'insmod /lib/modules/k/kernel/arch/x86/crypto/crc32c-intel.ko ',
      'builtin crc32c',
      'insmod /lib/modules/k/kernel/drivers/virtio/virtio_ring.ko ',
      'insmod /lib/modules/k/kernel/fs/xfs/xfs.ko ',
    ].join('\n');
    expect(moduleFiles(deps)).toEqual([
      '/lib/modules/k/kernel/drivers/virtio/virtio_ring.ko',
      '/lib/modules/k/kernel/fs/xfs/xfs.ko',
    ]);
  });
});
