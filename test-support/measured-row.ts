/**
 * One row of the README's measured table (test-support/measured-table.ts) run on
 * the live kernel in a directory and on the model under that file system's
 * profile: the kernel's reads must be among those the model allows there
 * (the row's measured ones, or another kernel choice: model/choices.ts), and
 * the model must agree with the kernel on every step, read, the final file
 * and the final folios. oracle/table.live.test.ts and oracle/conform-fs.test.ts
 * use it.
 */
import { expect } from 'vitest';
import type { FsProfile } from '../model/fs/index.js';
import { compareCase } from '../oracle/compare.js';
import { allowedReads, measuredCase, writesFile, type MeasuredRow } from './measured-table.js';

export async function checkMeasuredRow(row: MeasuredRow, fs: FsProfile, dir: string): Promise<void> {
  const c = measuredCase(row, fs);
  const res = await compareCase(c, fs, { dir, checkFolios: true });
  if (res.status !== 'compared') throw new Error(`${row.title} on ${fs.id}: ${res.status}: ${res.message}`);
  const kernelReads = res.steps.flatMap((s) => (s.kernel.read ? [s.kernel.read] : []));
  // The kernel may make any choice the model allows (model/choices.ts): its reads must be one of the allowed.
  expect(allowedReads(row, fs), `${row.title} on ${fs.id}: the kernel's reads`).toContainEqual(kernelReads);
  expect(res.disagreement, `${row.title} on ${fs.id}: model and kernel`).toBeUndefined();
  // Nothing done to a pipe changes the file: only the rows that write it change it.
  if (!writesFile(row)) expect(res.kernel.file, `${row.title} on ${fs.id}: the file`).toEqual(c.initial.file);
}
