import { describe, expect, it } from 'vitest';
import { CommanderError, parseCommandLine, type ProgramIo } from './program.js';
import { UsageError } from './exit.js';
import { checkGuestFs, withBackend } from './vm.js';
import type { Io } from './io.js';

describe('--vm RELEASE on the command line (cli/vm.ts)', () => {
  it('goes on conform, run and replay, and takes 6.1 only, naming it', () => {
    for (const argv of [['conform'], ['run', 's.json', '--live'], ['replay', 'x.json', '--live']]) {
      expect(parseCommandLine([...argv, '--vm', '6.1', '--fs', 'xfs'])?.options).toMatchObject({
        vm: '6.1',
        fs: 'xfs',
      });
    }
    let said = '';
    const io: ProgramIo = { writeOut: () => {}, writeErr: (s) => (said += s) };
    expect(() => parseCommandLine(['conform', '--vm', '6.18'], io)).toThrow(CommanderError);
    expect(said).toContain('--vm 6.18: not a release a VM can boot (accepted: 6.1)');
    expect(() => parseCommandLine(['check', '--vm', '6.1'], { writeOut: () => {}, writeErr: () => {} })).toThrow(
      CommanderError,
    );
  });

  it('with --vm, --fs is a guest file system, refused before anything boots', () => {
    expect(() => checkGuestFs({ vm: '6.1', fs: 'btrfs' })).not.toThrow();
    expect(() => checkGuestFs({ vm: '6.1', fs: '/mnt/tmpfs' })).not.toThrow();
    expect(() => checkGuestFs({ fs: '/tmp' })).not.toThrow();
    expect(() => checkGuestFs({ vm: '6.1', fs: '/tmp' })).toThrow(UsageError);
  });

  it('without --vm the command runs on this machine, with nothing booted', async () => {
    const lines: string[] = [];
    const io: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l) };
    expect(await withBackend('conform', {}, io, (on) => Promise.resolve(on === undefined ? 0 : 1))).toBe(0);
    expect(lines).toEqual([]);
  });
});
