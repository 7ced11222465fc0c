/**
 * Scenario files (JSON), validated with zod: the single definition of the
 * format that docs/scenario.md documents. A bad file is rejected whole, with the
 * field, the value and what is allowed.
 *
 * @public
 */
import { counted } from './cells.js';
import { z } from 'zod';
import { BOUND_LIMITS, DEFAULT_BOUNDS, DEFAULT_CHECK_DEPTH, DEPTH_ZERO, isPowerOfTwo, type Bounds } from './bounds.js';
import { KERNEL_IDS, type KernelId } from './kernels/index.js';
import { FS_PROFILE_IDS, KERNEL_RELEASES, type KernelRelease } from './fs/index.js';
import { defaultFolioSizes, type InitialContents } from './initial.js';
import { capProblems, fieldPath, preview } from './field-path.js';
import { OPERATIONS, operationNamed } from './ops/index.js';
import { DEFAULT_ENVIRONMENT_OPS, StepSchema, type OpName, type Step } from './step.js';
import {
  constraintProblems,
  EnvEntrySchema,
  splitEntry,
  type ArgConstraints,
  type EnvEntry,
} from './env-constraints.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const nat = z.number().int().min(0);

const boundField = (k: keyof Bounds) => int(BOUND_LIMITS[k].min, BOUND_LIMITS[k].max);

export const BoundsSchema = z
  .object({
    pages: boundField('pages'),
    cells: boundField('cells').refine((n) => isPowerOfTwo(n), {
      message: 'cells must be 1, 2, 4 or 8 (a cell is a fixed part of a 4 KiB page)',
    }),
    values: boundField('values'),
    slots: boundField('slots'),
    folioPages: boundField('folioPages').refine((n) => isPowerOfTwo(n), { message: 'folioPages must be 1, 2, 4 or 8' }),
    userPages: boundField('userPages'),
    depth: int(0, BOUND_LIMITS.depth.max).refine((n) => n >= BOUND_LIMITS.depth.min, { error: DEPTH_ZERO }),
  })
  .partial()
  .strict();

/** `"fsProfile": "auto"` (and `--fs-profile auto`): the profile a probe of the file system calls for. */
export const AUTO_PROFILE = 'auto';

const FS_PROFILE_NAMES: readonly string[] = [...FS_PROFILE_IDS, AUTO_PROFILE];

/** `explore`: every kernel choice the code allows; `measured`: only what was measured (option 0). */
export const KERNEL_CHOICE_MODES = ['explore', 'measured'] as const;

/** How the model treats the kernel's choices (scenario field `kernelChoices`, `--kernel-choices`). */
export type KernelChoiceMode = (typeof KERNEL_CHOICE_MODES)[number];

export const ScenarioSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    kernel: z.enum(KERNEL_IDS as [KernelId, ...KernelId[]]).optional(),
    /** The file system whose page cache the scenario is about (`auto`: probe `--fs DIR`); `--fs-profile` wins. */
    fsProfile: z.enum(FS_PROFILE_NAMES as [string, ...string[]]).optional(),
    /**
     * Whether the model explores every choice the kernel's code allows
     * (`explore`, the default: folio orders, how xfs takes out a folio) or
     * only what the kernel was measured doing (`measured`): model/choices.ts.
     */
    kernelChoices: z.enum(KERNEL_CHOICE_MODES).optional(),
    /** The Linux release whose page cache the model describes (default 6.18); `--release` wins. */
    release: z.enum(KERNEL_RELEASES).optional(),
    bounds: BoundsSchema,
    initial: z
      .object({
        file: z.array(nat).optional(),
        cached: z.boolean().optional(),
        folios: z.array(int(1, 8)).optional(),
        user: z.array(z.array(nat)).optional(),
      })
      .strict()
      .optional(),
    processes: z.array(z.object({ name: z.string().min(1), program: z.array(StepSchema) }).strict()).optional(),
    environment: z
      .object({ ops: z.array(EnvEntrySchema) })
      .strict()
      .optional(),
    invariants: z.array(z.string().min(1)).optional(),
  })
  .strict();

export type ScenarioInput = z.input<typeof ScenarioSchema>;

export interface Process {
  readonly name: string;
  readonly program: readonly Step[];
}

/** A scenario with every default filled in. */
export interface Scenario {
  readonly kernel: KernelId;
  /** The file-system profile the scenario names (`auto`: probe), if it names one. */
  readonly fsProfile?: string;
  /** Whether the model explores the kernel's choices (default `explore`). */
  readonly kernelChoices: KernelChoiceMode;
  /** The Linux release the scenario names (model/fs/release.ts), if it names one: the model's default is 6.18. */
  readonly release?: KernelRelease;
  readonly bounds: Bounds;
  readonly initial: InitialContents;
  readonly processes: readonly Process[];
  /** Operations the free environment may take (empty: no environment). */
  readonly environment: readonly OpName[];
  /** Per operation of the environment, the constraints on its arguments (none: any arguments). */
  readonly environmentArgs: Readonly<Partial<Record<OpName, ArgConstraints>>>;
  /** Invariant ids to check (empty: every built-in). */
  readonly invariants: readonly string[];
}

/** The process name of the free environment's steps in traces (a scenario's processes may not take it). */
export const ENV_PROCESS = 'env';

export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: invalid scenario:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** The keys an object at `path` may have, for "unrecognized key" messages. */
function allowedKeys(path: readonly PropertyKey[], input: unknown): readonly string[] | undefined {
  const [head, , prog] = path;
  if (path.length === 0) return Object.keys(ScenarioSchema.shape);
  if (path.length === 1 && head === 'bounds') return Object.keys(BoundsSchema.shape);
  if (path.length === 1 && head === 'initial') return ['file', 'cached', 'folios', 'user'];
  if (path.length === 1 && head === 'environment') return ['ops'];
  if (path.length === 3 && head === 'environment') {
    const op = (valueAt(input, path) as { op?: unknown } | undefined)?.op;
    const operation = typeof op === 'string' ? operationNamed(op) : undefined;
    return operation ? ['op', ...operation.argNames] : undefined;
  }
  if (path.length === 2 && head === 'processes') return ['name', 'program'];
  if (path.length === 4 && head === 'processes' && prog === 'program') {
    const op = (valueAt(input, path) as { op?: unknown } | undefined)?.op;
    const schema = typeof op === 'string' ? operationNamed(op)?.schema : undefined;
    return schema ? Object.keys(schema.shape) : undefined;
  }
  return undefined;
}

const show = (v: unknown): string => preview(v);

/** Checks that depend on the bounds: offsets, values, folio sizes, user pages. */
function semanticProblems(sc: Scenario): string[] {
  const b = sc.bounds;
  const max = b.pages * b.cells;
  const out: string[] = [];
  const { initial } = sc;
  if (b.folioPages > b.pages) out.push(`bounds.folioPages: ${b.folioPages} is larger than bounds.pages (${b.pages})`);
  if (initial.file.length > max)
    out.push(`initial.file: ${counted(initial.file.length, 'cell')}, but pages * cells is ${max}`);
  initial.file.forEach((v, i) => {
    if (v > b.values) out.push(`initial.file[${i}]: value ${v} is out of range 0..${b.values} (bounds.values)`);
  });
  const filePages = Math.ceil(initial.file.length / b.cells);
  const sum = initial.folios.reduce((a, n) => a + n, 0);
  if (initial.cached && sum !== filePages) {
    out.push(
      `initial.folios: sizes ${show(initial.folios)} cover ${counted(sum, 'page')}, but the file spans ${filePages}`,
    );
  }
  let page = 0;
  initial.folios.forEach((n, i) => {
    if (!isPowerOfTwo(n) || n > b.folioPages)
      out.push(
        `initial.folios[${i}]: ${counted(n, 'page')}; ` +
          `allowed: a power of two up to bounds.folioPages (${b.folioPages})`,
      );
    else if (page % n !== 0)
      out.push(`initial.folios[${i}]: a ${n}-page folio at page ${page} is not aligned to its size`);
    page += n;
  });
  if (initial.user.length !== b.userPages)
    out.push(`initial.user: ${counted(initial.user.length, 'page')}, but bounds.userPages is ${b.userPages}`);
  initial.user.forEach((cells, u) => {
    if (cells.length !== b.cells)
      out.push(`initial.user[${u}]: ${counted(cells.length, 'cell')}, but a page has ${b.cells}`);
    cells.forEach((v, i) => {
      if (v > b.values) out.push(`initial.user[${u}][${i}]: value ${v} is out of range 0..${b.values}`);
    });
  });
  sc.environment.forEach((op, i) => {
    if (sc.environment.indexOf(op) !== i) out.push(`environment.ops[${i}]: "${op}" is listed twice`);
    const args = sc.environmentArgs[op];
    if (args && sc.environment.indexOf(op) === i) out.push(...constraintProblems(op, args, b, `environment.ops[${i}]`));
  });
  const names = new Set<string>();
  sc.processes.forEach((p, pi) => {
    if (p.name === ENV_PROCESS) {
      out.push(
        `processes[${pi}].name: "${ENV_PROCESS}" names the free environment's steps in traces; choose another name`,
      );
    } else if (names.has(p.name)) out.push(`processes[${pi}].name: ${show(p.name)} is used twice`);
    names.add(p.name);
    p.program.forEach((st, si) => {
      const at = `processes[${pi}].program[${si}]`;
      for (const problem of stepProblems(st, b)) out.push(`${at}.${problem}`);
    });
  });
  return out;
}

/** What is wrong with a step's arguments under `bounds` ("off: 9 is out of range 0..3 (a cell of the file)"). */
export function stepProblems(st: Step, b: Bounds): string[] {
  return OPERATIONS[st.op].problems(st as never, b);
}

/**
 * Validate and normalize a parsed JSON value. `source` names the file in
 * errors. Throws ScenarioError listing every problem.
 */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const r = ScenarioSchema.safeParse(input);
  if (!r.success) {
    const problems = r.error.issues.map((issue) => {
      const path = fieldPath(issue.path);
      if (issue.code === 'unrecognized_keys') {
        const allowed = allowedKeys(issue.path, input);
        // The keys as JSON: a key may hold a newline or be thousands of characters long.
        const plural = issue.keys.length > 1 ? 's' : '';
        const keys = `Unrecognized key${plural}: ${issue.keys.map((k) => show(k)).join(', ')}`;
        return `${path || '(top level)'}: ${keys}${allowed ? `; allowed: ${allowed.join(', ')}` : ''}`;
      }
      const got = ` (got ${show(valueAt(input, issue.path))})`;
      return `${path || '(top level)'}: ${issue.message}${got}`;
    });
    throw new ScenarioError(source, capProblems(problems));
  }
  const raw = r.data;
  const bounds: Bounds = { ...DEFAULT_BOUNDS, ...raw.bounds };
  const max = bounds.pages * bounds.cells;
  const file = raw.initial?.file ?? new Array<number>(max).fill(1);
  const entries = (
    raw.environment?.ops ?? (raw.processes && raw.processes.length > 0 ? [] : [...DEFAULT_ENVIRONMENT_OPS])
  ).map(splitEntry);
  const sc: Scenario = {
    kernel: raw.kernel ?? 'linux',
    ...(raw.fsProfile !== undefined ? { fsProfile: raw.fsProfile } : {}),
    kernelChoices: raw.kernelChoices ?? 'explore',
    ...(raw.release !== undefined ? { release: raw.release } : {}),
    bounds,
    initial: {
      file,
      cached: raw.initial?.cached ?? true,
      folios: raw.initial?.folios ?? defaultFolioSizes(Math.ceil(file.length / bounds.cells), bounds.folioPages),
      user:
        raw.initial?.user ?? Array.from({ length: bounds.userPages }, () => new Array<number>(bounds.cells).fill(1)),
    },
    processes: (raw.processes ?? []).map((p) => ({ name: p.name, program: p.program })),
    environment: entries.map((e) => e.op),
    environmentArgs: Object.fromEntries(
      entries.filter((e) => Object.keys(e.args).length > 0).map((e) => [e.op, e.args]),
    ),
    invariants: raw.invariants ?? [],
  };
  const problems = semanticProblems(sc);
  if (problems.length > 0) throw new ScenarioError(source, capProblems(problems));
  return sc;
}

/** Depth of the default scenario (defined with the bounds, which the command line loads without zod). */
export { DEFAULT_CHECK_DEPTH } from './bounds.js';

/** The default scenario `pipecheck check` explores with no file: the core operations, small bounds. */
export function defaultScenario(overrides: Partial<Bounds> = {}, kernel: KernelId = 'linux'): Scenario {
  return parseScenario(
    { kernel, bounds: { ...DEFAULT_BOUNDS, depth: DEFAULT_CHECK_DEPTH, ...overrides } },
    'default scenario',
  );
}

/** The scenario as plain JSON (the normalized form stored in counterexamples). */
export function scenarioToJson(sc: Scenario): ScenarioInput {
  return {
    kernel: sc.kernel,
    ...(sc.fsProfile !== undefined ? { fsProfile: sc.fsProfile } : {}),
    ...(sc.kernelChoices !== 'explore' ? { kernelChoices: sc.kernelChoices } : {}),
    ...(sc.release !== undefined ? { release: sc.release } : {}),
    bounds: { ...sc.bounds },
    initial: {
      file: [...sc.initial.file],
      cached: sc.initial.cached,
      folios: [...sc.initial.folios],
      user: sc.initial.user.map((u) => [...u]),
    },
    processes: sc.processes.map((p) => ({ name: p.name, program: p.program.map((st) => ({ ...st })) })),
    environment: {
      ops: sc.environment.map((op) => {
        const args = sc.environmentArgs[op];
        return args ? ({ op, ...args } as EnvEntry) : op;
      }),
    },
    invariants: [...sc.invariants],
  };
}
