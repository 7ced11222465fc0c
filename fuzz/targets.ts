/**
 * What the fuzzer feeds its inputs to, in-process and through the command
 * line, and what counts as a failure: any error other than the clear one
 * the input deserves (a crash), a run that does not end in time (a hang),
 * an exit code outside 0-3, an internal error, or a half-written file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../checker/errors.js';
import { CounterexampleError, parseCounterexample } from '../counterexamples/format.js';
import { toItf } from '../replay/itf.js';
import { replay } from '../replay/replay.js';
import { explore } from '../explorer/bfs.js';
import { BUILTIN_INVARIANTS } from '../invariants/builtins.js';
import { loadPlugin, PluginError } from '../invariants/plugin-loader.js';
import { toProperties } from '../invariants/property.js';
import { parseScenario, ScenarioError } from '../model/scenario.js';
import { ScenarioModel } from '../model/scenario-model.js';
import { jsonText, ROOT, type PluginSource } from './inputs.js';

const PACKAGE_ENTRY = new URL(`file://${join(ROOT, 'dist', 'index.js')}`);

/** How an input ended: refused with a clear error, or taken. */
export type Outcome = 'refused' | 'taken';

/** A crash, a hang or a bad exit: what the fuzzer reports, with the input. */
export class FuzzFailure extends Error {
  constructor(
    readonly kind: 'crash' | 'hang' | 'exit',
    message: string,
    readonly input: string,
  ) {
    super(message);
    this.name = 'FuzzFailure';
  }
}

function crash(e: unknown, input: unknown): FuzzFailure {
  const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
  return new FuzzFailure('crash', text, preview(input));
}

function preview(input: unknown): string {
  const text = typeof input === 'string' ? input : jsonText(input);
  return text.length > 2000 ? `${text.slice(0, 2000)}...` : text;
}

/** Parse a scenario; when it is valid, explore a little of it with every built-in invariant. */
export function scenarioTarget(input: unknown): Outcome {
  let model: ScenarioModel;
  try {
    model = new ScenarioModel(parseScenario(input, 'fuzz.json'));
  } catch (e) {
    if (e instanceof ScenarioError) return 'refused';
    throw crash(e, input);
  }
  try {
    explore(model, toProperties(model, BUILTIN_INVARIANTS), { maxDepth: 3, maxStates: 300, timeoutMs: 300 });
  } catch (e) {
    throw crash(e, input);
  }
  return 'taken';
}

/** Replay a counterexample and export it as ITF. */
export function counterexampleTarget(input: unknown): Outcome {
  try {
    const cx = parseCounterexample(input, 'fuzz.json');
    replay(cx);
    try {
      toItf(cx, 'fuzz.json');
    } catch (e) {
      // A trace that does not replay is said so (export-itf exits 2 with it).
      if (!(e instanceof Error && /does not replay/.test(e.message))) throw e;
    }
    return 'taken';
  } catch (e) {
    if (e instanceof CounterexampleError || e instanceof ScenarioError || e instanceof InputError) return 'refused';
    throw crash(e, input);
  }
}

let pluginCount = 0;
const pluginDir = mkdtempSync(join(tmpdir(), 'pipecheck-fuzz-plugins-'));

/** Load a plugin source; when it loads, check a few steps with it (its errors are plugin errors). */
export async function pluginTarget(source: PluginSource): Promise<Outcome> {
  const file = join(pluginDir, `p${pluginCount++}${source.ext}`);
  writeFileSync(file, source.text);
  let outcome: Outcome;
  try {
    const inv = await loadPlugin(file, new Set(['data-stability']), PACKAGE_ENTRY);
    const model = new ScenarioModel(
      parseScenario({ bounds: { pages: 1, depth: 2 }, environment: { ops: ['splice', 'write', 'pipe-read'] } }),
    );
    explore(model, toProperties(model, [inv]), { maxDepth: 2 });
    outcome = 'taken';
  } catch (e) {
    if (!(e instanceof PluginError)) throw crash(e, source.text);
    outcome = 'refused';
  } finally {
    rmSync(file, { force: true });
  }
  return outcome;
}

export function removePluginDir(): void {
  rmSync(pluginDir, { recursive: true, force: true });
}

/** The command line, as a user runs it: exit 0-3, no internal error, within `timeoutMs`. */
export function cliTarget(args: readonly string[], input: string, timeoutMs = 30_000): number {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  });
  if (r.error !== undefined || r.status === null) {
    throw new FuzzFailure(
      'hang',
      `${args.join(' ')}: no exit within ${timeoutMs} ms (${r.signal ?? r.error?.message})`,
      input,
    );
  }
  if (r.status < 0 || r.status > 3 || /internal error/.test(r.stderr)) {
    throw new FuzzFailure('exit', `${args.join(' ')}: exit ${r.status}\n${r.stderr.slice(0, 2000)}`, input);
  }
  if (r.stderr.length > 1 << 20)
    throw new FuzzFailure('exit', `${args.join(' ')}: ${r.stderr.length} bytes on stderr`, input);
  return r.status;
}

/** Every file in `dir` is a whole counterexample (nothing half-written). */
export function checkWhole(dir: string, input: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.endsWith('.json')) throw new FuzzFailure('exit', `${dir}: a stray file ${n}`, input);
    try {
      parseCounterexample(JSON.parse(readFileSync(join(dir, n), 'utf8')), n);
    } catch (e) {
      throw new FuzzFailure('exit', `${dir}/${n} is not a whole counterexample: ${(e as Error).message}`, input);
    }
  }
}
