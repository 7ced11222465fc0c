import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCommand } from './check.js';

const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-heading-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the check heading', () => {
  it.each(['ext4', 'tmpfs-huge'])('names the file-system profile the model followed (%s)', async (fsProfile) => {
    const out: string[] = [];
    const opts = { depth: 1, pages: 1, workers: 1, fsProfile, out: tmp, ops: ['write'] };
    await checkCommand([], opts, { out: (l) => out.push(l), err: () => {} });
    expect(out[0]).toBe(`pipecheck check: kernel linux, the default scenario (write), file system ${fsProfile}`);
  });
});
