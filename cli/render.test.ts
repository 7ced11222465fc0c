import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCommand } from './check.js';

const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-heading-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the check heading', () => {
  it.each(['ext4', 'tmpfs-huge'])(
    'names the file-system profile the model followed (%s) and the Linux release',
    async (fsProfile) => {
      const out: string[] = [];
      const opts = { depth: 1, pages: 1, workers: 1, fsProfile, out: tmp, ops: ['write'] };
      await checkCommand([], opts, { out: (l) => out.push(l), err: () => {} });
      expect(out[0]).toBe(
        `pipecheck check: kernel linux, the default scenario (write), file system ${fsProfile}, Linux 6.18, ` +
          'kernel choices explored',
      );
    },
  );

  it('says when only the measured kernel choices were explored (--kernel-choices measured)', async () => {
    const out: string[] = [];
    const opts = { depth: 1, pages: 1, workers: 1, out: tmp, ops: ['write'], kernelChoices: 'measured' };
    await checkCommand([], opts, { out: (l) => out.push(l), err: () => {} });
    expect(out[0]).toMatch(/, file system ext4, Linux 6\.18, measured kernel choices only$/);
  });
});

describe('--all-violations lists minimized traces (issue 23: why truncate(size=3) is not listed)', () => {
  it('sendfile then truncate: every listed truncate is truncate(size=1), the smallest that violates', async () => {
    const out: string[] = [];
    const opts = {
      ops: ['sendfile', 'truncate', 'socket-read'],
      pages: 1,
      cells: 4,
      depth: 3,
      allViolations: true,
      invariant: ['data-stability'],
      workers: 1,
      out: tmp,
    };
    expect(await checkCommand([], opts, { out: (l) => out.push(l), err: () => {} })).toBe(1);
    const truncates = out.filter((l) => /^ {2}\d\. .*truncate\(/.test(l)).map((l) => /truncate\([^)]*\)/.exec(l)![0]);
    expect(truncates.length).toBeGreaterThan(0);
    expect(new Set(truncates)).toEqual(new Set(['truncate(size=1)']));
  });
});

describe('the damage mark names the queue the reader read (issue 23)', () => {
  it('sendfile, write, socket-read: "changed data already in the socket"', async () => {
    const out: string[] = [];
    const opts = { workers: 1, out: tmp };
    const r = await checkCommand(['examples/sendfile/scenario.json'], opts, { out: (l) => out.push(l), err: () => {} });
    expect(r).toBe(1);
    expect(out.some((l) => l.trim() === '^ this step changed data already in the socket')).toBe(true);
    expect(out.some((l) => l.includes('already in the pipe'))).toBe(false);
  });
});
