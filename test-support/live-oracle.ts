/**
 * Whether the live-kernel tests can run here: the oracle helper is built and
 * the temp dir's file system has a model profile. Empty when they can; else
 * the reason, for the skipped suite's title.
 */
import { tmpdir } from 'node:os';
import { profileForDir } from '../oracle/compare.js';
import { oracleAvailable } from '../oracle/kernel.js';

export async function liveSkipReason(): Promise<string> {
  const avail = oracleAvailable();
  if (!avail.ok) return avail.reason;
  const profile = await profileForDir(tmpdir());
  return profile.ok ? '' : `the temp dir has no model profile: ${profile.reason}`;
}
