/**
 * What a check run is asked to check: the scenario (a file or the default
 * one, with overrides of its kernel, environment and bounds) and the
 * invariants (built-ins and plugins). Every problem is an InputError naming
 * the file and the field; nothing runs or is written before these succeed.
 *
 * @public
 */
import { resolve } from 'node:path';
import { jsonFileKind } from '../counterexamples/kind.js';
import { readJsonFile } from '../counterexamples/json-file.js';
import { builtinById, builtinIds, DEFAULT_INVARIANTS } from '../invariants/builtins.js';
import type { Invariant } from '../invariants/define.js';
import { loadPlugin, PluginError } from '../invariants/plugin-loader.js';
import { BOUND_NAMES, DEFAULT_BOUNDS, type Bounds } from '../model/bounds.js';
import {
  AUTO_RELEASE,
  DEFAULT_FS,
  DEFAULT_RELEASE,
  FS_PROFILE_IDS,
  fsProfileById,
  isKernelRelease,
  KERNEL_RELEASES,
  profileFor,
  unbuildableInitial,
  type FsProfile,
  type KernelRelease,
} from '../model/fs/index.js';
import { KERNEL_IDS } from '../model/kernels/index.js';
import { AUTO_PROFILE, DEFAULT_CHECK_DEPTH, parseScenario, ScenarioError, type Scenario } from '../model/scenario.js';
import { OP_NAMES } from '../model/step.js';
import { InputError } from './errors.js';

/** A scenario and where it came from. */
export interface ScenarioInput {
  readonly scenario: Scenario;
  /** The file, or null for the default scenario. */
  readonly file: string | null;
}

/** What replaces the scenario's own kernel, release, environment and bounds. */
export interface ScenarioOverrides {
  readonly kernel?: string | undefined;
  /** A modelled Linux release (`auto` is resolved before: cli/inputs.ts). */
  readonly release?: string | undefined;
  readonly ops?: readonly string[] | undefined;
  readonly bounds?: Partial<Bounds> | undefined;
  /** `explore` or `measured`: the scenario's `kernelChoices` (model/choices.ts). */
  readonly kernelChoices?: string | undefined;
}

/** How messages name an override (`kernel`, `bounds.pages`); the command line names its flags. */
export type OverrideName = (field: 'kernel' | 'release' | 'ops' | 'kernelChoices' | keyof Bounds) => string;

const fieldName: OverrideName = (field) =>
  field === 'kernel' || field === 'release' || field === 'ops' || field === 'kernelChoices' ? field : `bounds.${field}`;

/** An InputError unless `id` is a modelled Linux release (`where` names the option or field). */
export function checkRelease(id: string, where: string): asserts id is KernelRelease {
  if (!isKernelRelease(id)) {
    throw new InputError(
      `${where}: unknown Linux release "${id}"; modelled: ${KERNEL_RELEASES.join(', ')} ` +
        `(or ${AUTO_RELEASE}: the running kernel's)`,
    );
  }
}

export function checkKernel(id: string, where: string): void {
  if (!(KERNEL_IDS as readonly string[]).includes(id)) {
    throw new InputError(`${where}: unknown kernel "${id}"; known: ${KERNEL_IDS.join(', ')}`);
  }
}

function checkOps(ops: readonly string[], where: string): void {
  for (const op of ops) {
    if (!(OP_NAMES as readonly string[]).includes(op)) {
      throw new InputError(`${where}: unknown operation "${op}"; known: ${OP_NAMES.join(', ')}`);
    }
  }
}

/** Read and parse a JSON file; an InputError names the file. */
export function readJson(file: string, what: string): unknown {
  return readJsonFile(file, what, InputError);
}

/**
 * The scenario to explore: `file` (or the default scenario: the core operations,
 * default bounds, depth DEFAULT_CHECK_DEPTH), with the overrides applied
 * before validation, so the result is checked whole.
 */
export function resolveScenario(
  file: string | undefined,
  overrides: ScenarioOverrides = {},
  nameOf: OverrideName = fieldName,
): ScenarioInput {
  if (overrides.kernel !== undefined) checkKernel(overrides.kernel, nameOf('kernel'));
  if (overrides.release !== undefined) checkRelease(overrides.release, nameOf('release'));
  if (overrides.ops !== undefined) checkOps(overrides.ops, nameOf('ops'));
  let raw: Record<string, unknown>;
  if (file === undefined) {
    raw = { kernel: 'linux', bounds: { ...DEFAULT_BOUNDS, depth: DEFAULT_CHECK_DEPTH } };
  } else {
    const json = readJson(file, 'scenario');
    if (jsonFileKind(json) === 'counterexample') {
      throw new InputError(`${file}: this is a counterexample, not a scenario: use pipecheck replay ${file}`);
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new InputError(`${file}: invalid scenario:\n  - (top level): expected an object`);
    }
    raw = { ...(json as Record<string, unknown>) };
  }
  const bounds: Record<string, unknown> =
    raw['bounds'] !== null && typeof raw['bounds'] === 'object'
      ? { ...(raw['bounds'] as Record<string, unknown>) }
      : {};
  const overridden: string[] = [];
  const renamed = new Map<string, string>();
  for (const k of BOUND_NAMES) {
    const v = overrides.bounds?.[k];
    if (v !== undefined) {
      bounds[k] = v;
      overridden.push(nameOf(k));
      renamed.set(`bounds.${k}`, nameOf(k));
    }
  }
  if (raw['bounds'] !== undefined || overridden.length > 0) raw['bounds'] = bounds;
  if (overrides.kernel !== undefined) raw['kernel'] = overrides.kernel;
  if (overrides.release !== undefined) raw['release'] = overrides.release;
  if (overrides.ops !== undefined) raw['environment'] = { ops: overrides.ops };
  if (overrides.kernelChoices !== undefined) {
    raw['kernelChoices'] = overrides.kernelChoices;
    overridden.push(nameOf('kernelChoices'));
    renamed.set('kernelChoices', nameOf('kernelChoices'));
  }
  const source = `${file ?? 'the default scenario'}${overridden.length > 0 ? ` (with ${overridden.join(', ')})` : ''}`;
  try {
    return { scenario: parseScenario(raw, source), file: file ?? null };
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    // A bad value given as an option is named by the option (`--pages: ...`), not by the field it went to.
    const problems = e.problems.map((p) => {
      const field = /^[\w.]+(?=:)/.exec(p)?.[0];
      const name = field === undefined ? undefined : renamed.get(field);
      return name === undefined ? p : `${name}${p.slice(field!.length)}`;
    });
    throw new InputError(new ScenarioError(e.source, problems).message);
  }
}

/** Where `import ... from 'pipecheck'` inside a plugin points: this package's entry (dist/index.js). */
export const PACKAGE_ENTRY = new URL('../index.js', import.meta.url);

/**
 * Load plugins in order; each id must be new. A PluginError becomes an
 * InputError `file:line: problem`. `onLoad(i)` is told before plugin `i`'s
 * code runs (a watchdog names the plugin that never returns).
 */
export async function loadPlugins(files: readonly string[], onLoad?: (index: number) => void): Promise<Invariant[]> {
  const taken = new Set(builtinIds());
  const out: Invariant[] = [];
  for (const [index, file] of files.entries()) {
    onLoad?.(index);
    try {
      const inv = await loadPlugin(file, taken, PACKAGE_ENTRY);
      taken.add(inv.id);
      out.push(inv);
    } catch (e) {
      if (e instanceof PluginError) throw new InputError(`${e.where}: ${e.problem}`);
      throw e;
    }
  }
  return out;
}

/**
 * Which invariants a run checks, as plain data (it crosses to a worker
 * thread, which loads the plugins: their code runs once, where the search
 * runs). See `resolveInvariants` for the meaning of each field.
 */
export interface InvariantRequest {
  readonly ids?: readonly string[] | undefined;
  readonly plugins?: readonly string[] | undefined;
  readonly scenarioIds?: readonly string[] | undefined;
  readonly idsName?: string | undefined;
  readonly scenarioName?: string | undefined;
}

export interface ResolvedInvariants {
  readonly invariants: readonly Invariant[];
  /** Per invariant, in the same order: the plugin file it comes from, or null for a built-in. */
  readonly plugins: readonly (string | null)[];
}

/** The invariants a request asks for (plugins loaded here); an InputError when none or one is unknown. */
export async function resolveRequest(
  r: InvariantRequest,
  onLoad?: (index: number) => void,
): Promise<ResolvedInvariants> {
  const resolved = await resolveInvariants(r.ids, r.plugins, r.scenarioIds, r.idsName, r.scenarioName, onLoad);
  if (resolved.invariants.length === 0) throw new InputError('no invariant to check');
  return resolved;
}

/**
 * The invariants to check: `ids` (built-ins, witnesses or plugin ids), else
 * the scenario's `invariants`, else every default built-in. Plugins in
 * `pluginFiles` are always checked, after the built-ins. `idsName` and
 * `scenarioName` are how messages name `ids` (the command line:
 * `--invariant`) and the scenario's list (`FILE: invariants`).
 */
export async function resolveInvariants(
  ids: readonly string[] | undefined,
  pluginFiles: readonly string[] | undefined,
  scenarioIds: readonly string[] = [],
  idsName: string = 'invariants',
  scenarioName: string = 'scenario invariants',
  onLoad?: (index: number) => void,
): Promise<ResolvedInvariants> {
  const files = (pluginFiles ?? []).map((f) => resolve(f));
  const plugins = await loadPlugins(pluginFiles ?? [], onLoad);
  const pluginIds = new Set(plugins.map((p) => p.id));
  const given = ids !== undefined && ids.length > 0;
  const asked = given ? ids : scenarioIds;
  const builtins: Invariant[] = [];
  if (asked.length === 0) builtins.push(...DEFAULT_INVARIANTS);
  for (const id of asked) {
    if (pluginIds.has(id)) continue;
    const inv = builtinById(id);
    if (!inv) {
      const known = [...builtinIds(), ...pluginIds].join(', ');
      throw new InputError(`${given ? idsName : scenarioName}: unknown invariant "${id}"; known: ${known}`);
    }
    if (!builtins.includes(inv)) builtins.push(inv);
  }
  return {
    invariants: [...builtins, ...plugins],
    plugins: [...builtins.map(() => null), ...files],
  };
}

/**
 * An InputError when profile `fs`, as it is on the scenario's release,
 * cannot build `scenario`'s initial page cache (see unbuildableInitial).
 */
export function checkInitialForProfile(scenario: Scenario, fs: FsProfile, where: string): void {
  const release = scenario.release ?? DEFAULT_RELEASE;
  const why = unbuildableInitial(profileFor(fs.id, release) ?? fs, scenario.initial);
  if (why) throw new InputError(`${where}: initial.folios: ${why}`);
}

/** `--fs-profile auto`, `"fsProfile": "auto"`: the profile the probe of a directory calls for. */
export const AUTO_FS_PROFILE = AUTO_PROFILE;

/** The file-system profile named `id` (default ext4); `where` is how messages name it. */
export function resolveFsProfile(id: string | undefined, where = 'fsProfile'): FsProfile {
  if (id === undefined) return DEFAULT_FS;
  const p = fsProfileById(id);
  if (!p) {
    const known = [...FS_PROFILE_IDS, AUTO_FS_PROFILE].join(', ');
    throw new InputError(`${where}: unknown file-system profile "${id}"; known: ${known}`);
  }
  return p;
}
