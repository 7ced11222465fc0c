/**
 * The command line's options as the library's inputs: the scenario's
 * overrides, the invariants asked for, the file-system profile. Messages name
 * the flags (`--pages`), not the scenario fields.
 */
import {
  AUTO_FS_PROFILE,
  resolveFsProfile,
  resolveScenario,
  type InvariantRequest,
  type ScenarioInput,
} from '../checker/inputs.js';
import { BOUND_NAMES, type Bounds } from '../model/bounds.js';
import type { FsProfile } from '../model/fs/index.js';
import { UsageError } from './exit.js';
import { flagOf, type CliOptions } from './options.js';

/** The bounds given on the command line. */
function boundsOf(opts: CliOptions): Partial<Bounds> {
  const out: Partial<Record<keyof Bounds, number>> = {};
  for (const k of BOUND_NAMES) if (opts[k] !== undefined) out[k] = opts[k];
  return out;
}

/** The scenario `file` (or the default one) with --kernel, --ops and the bounds options applied. */
export function scenarioOf(file: string | undefined, opts: CliOptions): ScenarioInput {
  const overrides = { kernel: opts.kernel, ops: opts.ops, bounds: boundsOf(opts), kernelChoices: opts.kernelChoices };
  return resolveScenario(file, overrides, flagOf);
}

/**
 * --invariant IDs (else the scenario's, else every default built-in) and
 * --plugin files, as a request: the plugins are loaded where the search runs.
 */
export function invariantRequest(
  ids: readonly string[] | undefined,
  opts: CliOptions,
  scenario: { readonly file: string | null; readonly ids: readonly string[] } = { file: null, ids: [] },
  flag = '--invariant',
): InvariantRequest {
  return {
    ids,
    plugins: opts.plugin,
    scenarioIds: scenario.ids,
    idsName: flag,
    scenarioName: scenario.file === null ? 'scenario invariants' : `${scenario.file}: invariants`,
  };
}

/**
 * `--fs-profile ID`, else the scenario's `"fsProfile"`, else ext4; `auto`
 * probes `--fs DIR` (default the OS temp dir) with the oracle helper and
 * says on stderr which profile it chose and why. A directory no profile
 * describes, or no helper, is a usage error (exit 2) naming what the probe
 * found and where `auto` was asked for.
 */
export async function fsProfileOf(
  opts: CliOptions,
  err: (line: string) => void,
  scenario: { readonly file: string | null; readonly fsProfile?: string | undefined } = { file: null },
): Promise<FsProfile> {
  const where =
    opts.fsProfile !== undefined || scenario.fsProfile === undefined
      ? '--fs-profile'
      : `${scenario.file ?? 'the scenario'}: fsProfile`;
  const id = opts.fsProfile ?? scenario.fsProfile;
  if (id !== AUTO_FS_PROFILE) return resolveFsProfile(id, where);
  // The probe needs the oracle helper: loaded only when asked for (checker/ does not probe).
  const { probeFsProfile } = await import('../oracle/compare.js');
  const r = await probeFsProfile(opts.fs);
  if (!r.ok) throw new UsageError(`${where} auto: ${r.reason}`);
  err(`${where} auto: ${r.why}`);
  return r.profile;
}
