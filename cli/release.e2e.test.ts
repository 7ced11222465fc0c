/**
 * `--release` and `--releases` end to end (`node dist/cli/main.js ...`): the
 * seed thread's punch case (16 KiB written, splice 4 KiB from offset 0, punch
 * page 0, read the pipe), which reads the old data on Linux 6.1 and zeros on
 * 6.18 on ext4 (measured: oracle/FINDINGS.md section 18), checked, matrixed,
 * run and replayed per release; bad values exit 2 naming what is allowed.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { release as osRelease } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { releaseOfUname } from '../model/fs/index.js';
import { cliRunner } from '../test-support/cli-run.js';

const { tmp, pipecheck, freshDir } = cliRunner('release');

function file(name: string, json: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(json, null, 2));
  return path;
}

const seedPunch = {
  bounds: { pages: 4, cells: 1, values: 1, slots: 2, folioPages: 4, userPages: 0, depth: 4 },
  initial: { file: [], cached: true, folios: [] },
  processes: [
    {
      name: 'backup',
      program: [
        { op: 'write', off: 0, len: 4, value: 1 },
        { op: 'splice', off: 0, len: 1 },
        { op: 'fallocate-punch', off: 0, len: 1 },
      ],
    },
    { name: 'reader', program: [{ op: 'pipe-read', len: 1 }] },
  ],
  invariants: ['data-stability'],
};

describe('check --release', () => {
  const scenario = file('seed-punch.json', seedPunch);

  it('6.1: data stability holds on ext4 (exit 0), and the heading and --json say Linux 6.1', () => {
    const out = freshDir();
    const r = pipecheck('check', scenario, '--release', '6.1', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('file system ext4, Linux 6.1');
    const j = pipecheck('check', scenario, '--release', '6.1', '--json', '--out', out);
    expect(JSON.parse(j.stdout)).toMatchObject({ result: 'holds', fs: 'ext4', release: '6.1' });
  });

  it("6.18 (the default, and the scenario's release field): the reader sees zeros (exit 1)", () => {
    const r = pipecheck('check', scenario, '--out', freshDir());
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('file system ext4, Linux 6.18');
    expect(r.stdout).toContain('saw [0]');
    const in61 = file('seed-punch-61.json', { ...seedPunch, release: '6.1' });
    expect(pipecheck('check', in61, '--out', freshDir()).status).toBe(0);
    // --release wins over the scenario's field.
    expect(pipecheck('check', in61, '--release', '6.18', '--out', freshDir()).status).toBe(1);
  });

  it('an unknown release exits 2 naming the option and the modelled releases', () => {
    const r = pipecheck('check', scenario, '--release', '6.2', '--out', freshDir());
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--release: unknown Linux release "6.2"; modelled: 6.1, 6.18 (or auto');
    const bad = file('bad-release.json', { ...seedPunch, release: '5.10' });
    const f = pipecheck('check', bad, '--out', freshDir());
    expect(f.status).toBe(2);
    expect(f.stderr).toMatch(/release: .*"6\.1".*"6\.18".*\(got "5\.10"\)/);
  });

  it("auto takes the running kernel's release (uname -r), or exits 2 saying to pick one", () => {
    const r = pipecheck('check', scenario, '--release', 'auto', '--json', '--out', freshDir());
    const expected = releaseOfUname(osRelease());
    if (expected === undefined) {
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('which no modelled release describes');
      expect(r.stderr).toContain('--release 6.1 or --release 6.18');
    } else {
      expect(r.stderr).toContain(`--release auto: Linux ${expected} (uname -r: ${osRelease()})`);
      expect(JSON.parse(r.stdout)).toMatchObject({ release: expected });
    }
  });
});

describe('counterexamples found on 6.1', () => {
  it('record the release, are named --6.1--, and replay under 6.1 (and under 6.18 when asked)', () => {
    const out = freshDir();
    const scenario = file('cx61.json', {
      ...seedPunch,
      // A write after the splice reaches the pipe on every release (measured on 6.1 and 6.18).
      processes: [
        { name: 'backup', program: seedPunch.processes[0]!.program.slice(0, 2) },
        { name: 'reader', program: [{ op: 'pipe-read', len: 1 }] },
      ],
      environment: { ops: [{ op: 'write', off: 0, len: 1 }] },
    });
    const r = pipecheck('check', scenario, '--release', '6.1', '--values', '2', '--out', out);
    expect(r.status).toBe(1);
    const name = readdirSync(out).find((f) => f.startsWith('linux--6.1--data-stability--'))!;
    expect(name).toMatch(/^linux--6\.1--data-stability--[0-9a-f]{8}\.json$/);
    const cx = JSON.parse(readFileSync(join(out, name), 'utf8')) as { release: string; command: string };
    expect(cx.release).toBe('6.1');
    expect(cx.command).toContain('--release 6.1');
    const replayed = pipecheck('replay', join(out, name));
    expect(replayed.status).toBe(1);
    expect(replayed.stdout).toMatch(/on kernel linux, Linux 6\.1\n/);
    expect(replayed.stdout).toContain('as recorded');
    const on618 = pipecheck('replay', join(out, name), '--release', '6.18', '--json');
    expect(JSON.parse(on618.stdout)).toMatchObject({ release: '6.18', recordedRelease: '6.1' });
    expect(pipecheck('replay', join(out, name), '--release', '7.0').status).toBe(2);
    // export-test embeds the file, release and all: its replay() replays on 6.1.
    const test = join(out, 'cx61.test.ts');
    expect(pipecheck('export-test', join(out, name), '-o', test).status).toBe(0);
    const text = readFileSync(test, 'utf8');
    expect(text).toContain('data-stability on kernel linux, Linux 6.1, ');
    expect(text).toContain('"release": "6.1"');
  });
});

describe('matrix --releases', () => {
  const scenario = file('matrix-seed.json', seedPunch);

  it('puts 6.1 and 6.18 side by side: data stability holds on 6.1, is violated on 6.18', () => {
    const r = pipecheck('matrix', scenario, '--kernels', 'linux,copy', '--releases', '6.1,6.18', '--workers', '1');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('file system ext4, Linux 6.1 and 6.18');
    expect(r.stdout).toMatch(/kernel +release +data-stability/);
    expect(r.stdout).toMatch(/linux +6\.1 +holds/);
    expect(r.stdout).toMatch(/copy +6\.1 +holds/);
    expect(r.stdout).toMatch(/linux +6\.18 +VIOLATED \(4\)/);
    expect(r.stdout).toMatch(/copy +6\.18 +holds/);
    const j = pipecheck('matrix', scenario, '--kernels', 'linux', '--releases', '6.1,6.18', '--json', '--workers', '1');
    const doc = JSON.parse(j.stdout) as { releases: string[]; kernels: { kernel: string; release: string }[] };
    expect(doc.releases).toEqual(['6.1', '6.18']);
    expect(doc.kernels.map((k) => `${k.kernel}@${k.release}`)).toEqual(['linux@6.1', 'linux@6.18']);
  });

  it('one release has no release column; --release and --releases together, or a bad one, exit 2', () => {
    const r = pipecheck('matrix', scenario, '--kernels', 'linux', '--release', '6.1', '--workers', '1');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Linux 6.1,');
    expect(r.stdout).not.toMatch(/kernel +release/);
    const both = pipecheck('matrix', scenario, '--release', '6.1', '--releases', '6.1,6.18');
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('--release and --releases: give one of them');
    const bad = pipecheck('matrix', scenario, '--releases', '6.1,6.6');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--releases: unknown Linux release "6.6"; modelled: 6.1, 6.18');
  });
});

describe('run and simulate --release', () => {
  it('run says the release the model describes', () => {
    const scenario = file('run-seed.json', seedPunch);
    const r = pipecheck('run', scenario, '--release', '6.1');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('model only (linux variant, ext4 profile, Linux 6.1)');
  });

  it('simulate: the heading and --json say the release', () => {
    const scenario = file('simulate-seed.json', seedPunch);
    const r = pipecheck('simulate', scenario, '--release', '6.1', '--runs', '20', '--seed', '1', '--workers', '1');
    expect(r.stdout).toContain('file system ext4, Linux 6.1');
    const j = pipecheck('simulate', scenario, '--release', '6.1', '--runs', '20', '--seed', '1', '--json');
    expect(JSON.parse(j.stdout)).toMatchObject({ fs: 'ext4', release: '6.1' });
  });
});
