/** The qemu command line of a guest (pure). */
import type { VmImage } from './image.js';

export interface QemuSetup {
  readonly vmlinuz: string;
  readonly image: VmImage;
  /** The job channel's Unix socket, which the host listens on and qemu connects to (the guest's ttyS1). */
  readonly socket: string;
  readonly memoryMib: number;
}

/**
 * Software emulation (TCG): nested KVM here cannot run the guest (see the
 * measured recipe). No default devices; the console (ttyS0) on qemu's stdio,
 * the job channel (ttyS1) on the socket, the disks as virtio (vda, vdb, vdc).
 */
export function qemuArgs(s: QemuSetup): string[] {
  const drives = s.image.disks.flatMap((d) => ['-drive', `file=${d},format=raw,if=virtio,cache=unsafe`]);
  return [
    ...['-accel', 'tcg', '-m', String(s.memoryMib), '-smp', '1'],
    ...['-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot'],
    ...['-kernel', s.vmlinuz, '-initrd', s.image.initrd],
    ...['-append', 'console=ttyS0 quiet panic=-1 mitigations=off'],
    ...['-chardev', 'stdio,id=con,signal=off', '-serial', 'chardev:con'],
    ...['-chardev', `socket,id=jobs,path=${s.socket}`, '-serial', 'chardev:jobs'],
    ...drives,
  ];
}
