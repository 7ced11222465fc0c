/**
 * What a command is asked to check: the scenario (a file or the default one,
 * with the command line's overrides) and the invariants (built-ins and
 * plugins). Every problem is a UsageError naming the file and the field.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { builtinById, builtinIds, BUILTIN_INVARIANTS } from '../invariants/builtins.js';
import type { Invariant } from '../invariants/define.js';
import { loadPlugin, PluginError } from '../invariants/plugin-loader.js';
import { DEFAULT_BOUNDS } from '../model/bounds.js';
import { KERNEL_IDS } from '../model/context.js';
import { DEFAULT_CHECK_DEPTH, parseScenario, ScenarioError, type Scenario } from '../model/scenario.js';
import { OP_NAMES } from '../model/step.js';
import { UsageError } from './exit.js';
import { FS_PROFILES, fsProfileById, DEFAULT_FS, type FsProfile } from '../model/folio-policy.js';
import { BOUND_OPTIONS, flagOf, type CliOptions } from './options.js';

/** A scenario and where it came from. */
export interface ScenarioInput {
  readonly scenario: Scenario;
  /** The file, or null for the default scenario. */
  readonly file: string | null;
}

export function checkKernel(id: string, flag = '--kernel'): void {
  if (!(KERNEL_IDS as readonly string[]).includes(id)) {
    throw new UsageError(`${flag}: unknown kernel "${id}"; known: ${KERNEL_IDS.join(', ')}`);
  }
}

function checkOps(ops: readonly string[]): void {
  for (const op of ops) {
    if (!(OP_NAMES as readonly string[]).includes(op)) {
      throw new UsageError(`--ops: unknown operation "${op}"; known: ${OP_NAMES.join(', ')}`);
    }
  }
}

/** Read and parse a JSON file; a UsageError names the file. */
export function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `${file}: cannot read the ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`${file}: the ${what} is not JSON: ${(e as Error).message}`);
  }
}

/**
 * The scenario to explore: `file` (or the default scenario: every operation,
 * default bounds, depth DEFAULT_CHECK_DEPTH), with --kernel, --ops and the
 * bounds options applied before validation, so the result is checked whole.
 */
export function resolveScenario(file: string | undefined, opts: CliOptions): ScenarioInput {
  if (opts.kernel !== undefined) checkKernel(opts.kernel);
  if (opts.ops !== undefined) checkOps(opts.ops);
  let raw: Record<string, unknown>;
  if (file === undefined) {
    raw = { kernel: 'linux', bounds: { ...DEFAULT_BOUNDS, depth: DEFAULT_CHECK_DEPTH } };
  } else {
    const json = readJson(file, 'scenario');
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new UsageError(`${file}: invalid scenario:\n  - (top level): expected an object`);
    }
    raw = { ...(json as Record<string, unknown>) };
  }
  const bounds: Record<string, unknown> =
    raw['bounds'] !== null && typeof raw['bounds'] === 'object'
      ? { ...(raw['bounds'] as Record<string, unknown>) }
      : {};
  const overridden: string[] = [];
  for (const k of BOUND_OPTIONS) {
    const v = opts[k];
    if (v !== undefined) {
      bounds[k] = v;
      overridden.push(flagOf(k));
    }
  }
  if (raw['bounds'] !== undefined || overridden.length > 0) raw['bounds'] = bounds;
  if (opts.kernel !== undefined) raw['kernel'] = opts.kernel;
  if (opts.ops !== undefined) raw['environment'] = { ops: opts.ops };
  const source =
    file === undefined
      ? 'the default scenario'
      : overridden.length > 0
        ? `${file} (with ${overridden.join(', ')})`
        : file;
  try {
    return { scenario: parseScenario(raw, source), file: file ?? null };
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(e.message);
    throw e;
  }
}

/** Where `import ... from 'pipecheck'` inside a plugin points: this package's entry (dist/index.js). */
export const PACKAGE_ENTRY = new URL('../index.js', import.meta.url);

/** Load plugins in order; each id must be new. PluginError -> UsageError `file:line: problem`. */
export async function loadPlugins(files: readonly string[]): Promise<Invariant[]> {
  const taken = new Set(builtinIds());
  const out: Invariant[] = [];
  for (const file of files) {
    try {
      const inv = await loadPlugin(file, taken, PACKAGE_ENTRY);
      taken.add(inv.id);
      out.push(inv);
    } catch (e) {
      if (e instanceof PluginError) throw new UsageError(`${e.where}: ${e.problem}`);
      throw e;
    }
  }
  return out;
}

/** An invariant and how a worker finds it again: by built-in id, or by plugin file. */
export type InvariantSource = { readonly builtin: string } | { readonly plugin: string };

export interface ResolvedInvariants {
  readonly invariants: readonly Invariant[];
  readonly sources: readonly InvariantSource[];
}

/**
 * The invariants to check: --invariant IDs (built-ins, witnesses or plugin
 * ids), else the scenario's `invariants`, else every default built-in. Plugins
 * given with --plugin are always checked, after the built-ins.
 */
export async function resolveInvariants(
  ids: readonly string[] | undefined,
  pluginFiles: readonly string[] | undefined,
  scenarioIds: readonly string[] = [],
): Promise<ResolvedInvariants> {
  const files = (pluginFiles ?? []).map((f) => resolve(f));
  const plugins = await loadPlugins(pluginFiles ?? []);
  const pluginIds = new Set(plugins.map((p) => p.id));
  const asked = ids !== undefined && ids.length > 0 ? ids : scenarioIds;
  const builtins: Invariant[] = [];
  if (asked.length === 0) builtins.push(...BUILTIN_INVARIANTS);
  for (const id of asked) {
    if (pluginIds.has(id)) continue;
    const inv = builtinById(id);
    if (!inv) {
      const known = [...builtinIds(), ...pluginIds].join(', ');
      throw new UsageError(
        `${ids !== undefined && ids.length > 0 ? '--invariant' : 'scenario invariants'}: unknown invariant "${id}"; known: ${known}`,
      );
    }
    if (!builtins.includes(inv)) builtins.push(inv);
  }
  return {
    invariants: [...builtins, ...plugins],
    sources: [...builtins.map((i) => ({ builtin: i.id })), ...files.map((f) => ({ plugin: f }))],
  };
}

/** `--fs-profile ID`: the file-system profile, checked (default ext4). */
export function resolveFsProfile(id: string | undefined): FsProfile {
  if (id === undefined) return DEFAULT_FS;
  const p = fsProfileById(id);
  if (!p)
    throw new UsageError(
      `--fs-profile: unknown file-system profile "${id}"; known: ${FS_PROFILES.map((x) => x.id).join(', ')}`,
    );
  return p;
}
