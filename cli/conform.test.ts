import { describe, expect, it } from 'vitest';
import { rerunCommand } from './conform.js';

describe('rerunCommand', () => {
  const start = { fsDir: 'tmpfs', kernel: 'Linux 6.1.0-57-cloud-amd64 in qemu', why: '', runs: 20, seed: 70011 };

  it("on a guest: no --release when the model is of the guest's own release", () => {
    expect(rerunCommand({ ...start, flags: ' --vm 6.1', release: '6.1', releaseAsked: false })).toBe(
      'pipecheck conform --vm 6.1 --fs tmpfs --runs 20 --seed 70011',
    );
  });

  it('on a guest: --release when another was asked for (the run compared 6.1 with the 6.18 model)', () => {
    expect(rerunCommand({ ...start, flags: ' --vm 6.1', release: '6.18', releaseAsked: true })).toBe(
      'pipecheck conform --vm 6.1 --fs tmpfs --release 6.18 --runs 20 --seed 70011',
    );
  });

  it('on the host: the release always', () => {
    expect(rerunCommand({ ...start, fsDir: '/tmp', flags: '', release: '6.18', releaseAsked: false })).toBe(
      'pipecheck conform --fs /tmp --release 6.18 --runs 20 --seed 70011',
    );
  });
});
