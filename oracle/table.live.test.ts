import { accessSync, constants, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { EXT4, TMPFS } from '../model/fs/index.js';
import { checkMeasuredRow } from '../test-support/measured-row.js';
import { profileForDir } from './compare.js';
import { oracleAvailable } from './kernel.js';
import { MEASURED_ROWS } from '../test-support/measured-table.js';

// The README's measured table (test-support/measured-table.ts), each row run on the
// live kernel (OS temp dir = ext4 here, and /dev/shm = tmpfs) and on the
// model with the matching FS profile: the kernel's reads must be the
// table's, and the model must agree with the kernel on every step, read,
// the final file and the final folios. oracle/conform-fs.test.ts runs the
// same rows on loop-mounted xfs, btrfs, ext4 -b 1024 and tmpfs huge=always.

const avail = oracleAvailable();
const tmpProfile = avail.ok ? await profileForDir(tmpdir()) : undefined;
const tmpExt4 = tmpProfile?.ok === true && tmpProfile.profile.id === 'ext4';
const shm = '/dev/shm';
/** Why /dev/shm cannot stand for the tmpfs column, or false. */
const shmMissing = await (async (): Promise<string | false> => {
  try {
    accessSync(shm, constants.W_OK);
    if (!statSync(shm).isDirectory()) return '/dev/shm is not a directory';
  } catch {
    return '/dev/shm is absent or not writable';
  }
  if (!avail.ok) return false;
  const p = await profileForDir(shm);
  if (!p.ok) return p.reason;
  return p.profile.id === 'tmpfs' ? false : `/dev/shm is probed as ${p.profile.id}, not tmpfs`;
})();

/** Why a table is skipped, or nothing. */
function skipped(fsMissing: string | false): string {
  if (!avail.ok) return ` (skipped: ${avail.reason})`;
  return fsMissing ? ` (skipped: ${fsMissing})` : '';
}

describe.skipIf(!avail.ok || !tmpExt4)(
  `README measured table, live on ${tmpdir()} (ext4 profile)` +
    skipped(!tmpExt4 && 'the OS temp dir is not on an FS with large folios'),
  () => {
    // checkMeasuredRow asserts the row's reads and the model's agreement; it rejects on any difference.
    it.each(MEASURED_ROWS)('$title', async (r) => expect(checkMeasuredRow(r, EXT4, tmpdir())).resolves.toBeUndefined());
  },
);

describe.skipIf(!avail.ok || shmMissing !== false)(
  `README measured table, live on /dev/shm (tmpfs profile)${skipped(shmMissing)}`,
  () => {
    it.each(MEASURED_ROWS)('$title', async (r) => expect(checkMeasuredRow(r, TMPFS, shm)).resolves.toBeUndefined());
  },
);
