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
import { release as osRelease } from 'node:os';
import {
  AUTO_RELEASE,
  KERNEL_RELEASES,
  releaseOfUname,
  type FsProfile,
  type KernelRelease,
} from '../model/fs/index.js';
import { UsageError } from './exit.js';
import { flagOf, type CliOptions } from './options.js';

/** The bounds given on the command line. */
function boundsOf(opts: CliOptions): Partial<Bounds> {
  const out: Partial<Record<keyof Bounds, number>> = {};
  for (const k of BOUND_NAMES) if (opts[k] !== undefined) out[k] = opts[k];
  return out;
}

/**
 * The scenario `file` (or the default one) with --kernel, --release, --ops
 * and the bounds options applied; `--release auto` is said on `err`.
 */
export function scenarioOf(file: string | undefined, opts: CliOptions, err?: (line: string) => void): ScenarioInput {
  const overrides = { kernel: opts.kernel, release: releaseOption(opts.release, err), ops: opts.ops };
  const choices = { kernelChoices: opts.kernelChoices };
  return resolveScenario(file, { ...overrides, ...choices, bounds: boundsOf(opts) }, flagOf);
}

/**
 * `--release ID` (`flag` names it in messages) as a release to model:
 * `auto` maps the running kernel's `uname -r` (`uname`) to the modelled
 * release that describes it (releaseOfUname) and says so on `err`; a
 * kernel no modelled release describes is a usage error (exit 2) naming the
 * modelled ones. Any other value is checked where it is applied (checkRelease).
 */
export function releaseOption(
  id: string | undefined,
  err?: (line: string) => void,
  flag = '--release',
  uname: () => string = osRelease,
): string | undefined {
  if (id !== AUTO_RELEASE) return id;
  const running = uname();
  const release = releaseOfUname(running);
  if (release === undefined) {
    throw new UsageError(
      `${flag} auto: the running kernel is Linux ${running}, which no modelled release describes ` +
        `(modelled: ${KERNEL_RELEASES.join(', ')}: 6.1.y is 6.1, 6.18 and later 6.18); ` +
        `pick one explicitly with ${KERNEL_RELEASES.map((r) => `${flag} ${r}`).join(' or ')}`,
    );
  }
  err?.(`${flag} auto: Linux ${release} (uname -r: ${running})`);
  return release;
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
  scenario: {
    readonly file: string | null;
    readonly fsProfile?: string | undefined;
    readonly release?: KernelRelease | undefined;
  } = { file: null },
): Promise<FsProfile> {
  const where =
    opts.fsProfile !== undefined || scenario.fsProfile === undefined
      ? '--fs-profile'
      : `${scenario.file ?? 'the scenario'}: fsProfile`;
  const id = opts.fsProfile ?? scenario.fsProfile;
  if (id !== AUTO_FS_PROFILE) return resolveFsProfile(id, where);
  // The probe needs the oracle helper: loaded only when asked for (checker/ does not probe).
  const { probeFsProfile } = await import('../oracle/compare.js');
  const r = await probeFsProfile(opts.fs, scenario.release);
  if (!r.ok) throw new UsageError(`${where} auto: ${r.reason}`);
  err(`${where} auto: ${r.why}`);
  return r.profile;
}
