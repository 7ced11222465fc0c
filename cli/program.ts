/**
 * The commands, and the commander program built from them and from the one
 * option table (options.ts). Building and parsing load no command's code:
 * each command's module is imported only when it runs.
 */
import { Command, CommanderError, Option } from 'commander';
// Not model/scenario.js: its schemas load zod, which --version and --help do not need.
import { BOUND_NAMES, DEFAULT_BOUNDS, DEFAULT_CHECK_DEPTH } from '../model/bounds.js';
import { OPTIONS, flagOf, type CliOptions } from './options.js';
// Only the names (a module without imports).
import { GUEST_FILE_SYSTEMS } from '../oracle/vm/releases.js';

/** `--fs` in a command that also takes `--vm`. */
const VM_FS = {
  description: `directory on the file system to test; with --vm, the guest's: ${GUEST_FILE_SYSTEMS.join(' | ')}`,
  default: 'the OS temp dir; with --vm, ext4',
};

type Run = (args: readonly string[], opts: CliOptions) => Promise<number>;

export interface CommandSpec {
  readonly name: string;
  /** commander argument syntax: `<file>`, `[scenario]` */
  readonly args: readonly string[];
  readonly summary: string;
  readonly options: readonly (keyof CliOptions)[];
  /** Defaults this command applies that differ from the option table's (shown in --help and docs/cli.md). */
  readonly defaults?: Partial<Record<keyof CliOptions, string>>;
  /** What an option does in this command, where the option table's words are about several commands. */
  readonly descriptions?: Partial<Record<keyof CliOptions, string>>;
  readonly load: () => Promise<Run>;
}

const BOUNDS = BOUND_NAMES;

/** The options that say what is checked and where findings go: check's, explore's and simulate's alike. */
const MODEL_OPTIONS: readonly (keyof CliOptions)[] = [
  'kernel',
  'ops',
  ...BOUNDS,
  'fsProfile',
  'kernelChoices',
  'release',
  'fs',
  'invariant',
  'plugin',
  'out',
];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'check',
    args: ['[scenario]'],
    summary:
      'explore a scenario (default: the core operations, small bounds); ' +
      'report the shortest violation of each invariant',
    options: [
      ...MODEL_OPTIONS,
      'html',
      'allViolations',
      'symmetry',
      'partialOrder',
      'coverage',
      'graph',
      'json',
      'maxStates',
      'timeout',
      'workers',
      'checkpoint',
      'checkpointEvery',
      'resume',
    ],
    load: async () => (await import('./check.js')).checkCommand,
  },
  {
    name: 'explore',
    args: ['[scenario]'],
    summary:
      'serve the scenario to a browser on 127.0.0.1 (a token in the URL printed): take steps one by one, see each ' +
      "state and what every step would change and break, go to an invariant's shortest violation, save a path as a " +
      'counterexample (Ctrl-C stops it)',
    options: [...MODEL_OPTIONS, 'maxStates', 'timeout', 'workers', 'port'],
    descriptions: {
      invariant: 'judge every step by this invariant (repeatable; default: every built-in invariant)',
      out: 'where "save this path as a counterexample" writes',
      maxStates: 'a shortest-violation search stops (reports nothing found) rather than discover more states',
      timeout: 'a shortest-violation search stops (reports nothing found) after this long',
      workers: 'worker threads for a shortest-violation search (the same result as 1)',
    },
    load: async () => (await import('./explore-ui/command.js')).exploreCommand,
  },
  {
    name: 'simulate',
    args: ['[scenario]'],
    summary:
      'random walks at bounds beyond exhaustive search; each violation shrunk (fast-check) and saved ' +
      '(exit 3: nothing found, which proves nothing)',
    options: [...MODEL_OPTIONS, 'json', 'timeout', 'runs', 'seed', 'workers', 'shard'],
    defaults: { depth: "the scenario's, else 12", runs: '10000', seed: 'from the clock (printed)' },
    descriptions: { runs: 'random walks to run' },
    load: async () => (await import('./simulate.js')).simulateCommand,
  },
  {
    name: 'merge',
    args: ['<reports...>'],
    summary:
      'combine the --json reports of simulate --shard 1/N .. N/N into the report of the whole simulation ' +
      '(per invariant the shortest trace; exit codes as simulate)',
    options: ['json'],
    load: async () => (await import('./merge.js')).mergeCommand,
  },
  {
    name: 'replay',
    args: ['<file>'],
    summary: 'replay a counterexample step by step (exit 1: it reproduces, 0: it does not)',
    options: ['kernel', 'release', 'plugin', 'live', 'vm', 'fs', 'json'],
    defaults: { release: "the counterexample's (its release, else 6.18)", fs: VM_FS.default },
    descriptions: {
      release:
        "replay on this Linux release instead of the one recorded (6.1 | 6.18 | auto: the running kernel's); " +
        'with --live, the release of the model compared with the kernel (default 6.18; with --vm, its release)',
      fs: VM_FS.description,
    },
    load: async () => (await import('./replay.js')).replayCommand,
  },
  {
    name: 'export-test',
    args: ['<file>'],
    summary: 'write a vitest test that replays a counterexample',
    options: ['output', 'plugin'],
    defaults: { output: 'next to FILE: NAME.test.ts' },
    load: async () => (await import('./export-test.js')).exportTestCommand,
  },
  {
    name: 'export-itf',
    args: ['<file>'],
    summary: 'write a counterexample as an ITF trace (Apalache/Quint Informal Trace Format)',
    options: ['output'],
    defaults: { output: 'next to FILE: NAME.itf.json' },
    load: async () => (await import('./export-itf.js')).exportItfCommand,
  },
  {
    name: 'report',
    args: ['<file>'],
    summary: 'write one self-contained HTML page for a counterexample or a check --json report, step by step',
    options: ['output'],
    defaults: { output: 'next to FILE: NAME.html' },
    load: async () => (await import('./report.js')).reportCommand,
  },
  {
    name: 'import-strace',
    args: ['<log>'],
    summary: 'an strace -f log of a real program as a scenario: its calls on one file and its pipes, per thread',
    options: ['output', 'file', 'cells', 'json'],
    defaults: { output: 'stdout', cells: '2' },
    load: async () => (await import('./import-strace.js')).importStraceCommand,
  },
  {
    name: 'matrix',
    args: ['[scenario]'],
    summary: 'kernel x invariant over a scenario (default: the core operations), with pages copied and stolen',
    options: [
      'kernels',
      'invariants',
      'ops',
      ...BOUNDS,
      'fsProfile',
      'kernelChoices',
      'release',
      'releases',
      'fs',
      'plugin',
      'symmetry',
      'partialOrder',
      'json',
      'maxStates',
      'timeout',
      'workers',
    ],
    load: async () => (await import('./matrix.js')).matrixCommand,
  },
  {
    name: 'list',
    args: ['<what>'],
    summary: 'list kernels, ops or invariants',
    options: ['json'],
    load: async () => (await import('./list.js')).listCommand,
  },
  {
    name: 'run',
    args: ['<scenario>'],
    summary:
      "run one scenario's interleavings (or a sample) on the model, and with --live on the kernel too " +
      '(exit 1: model and kernel disagree)',
    options: ['release', 'live', 'vm', 'fs', 'maxTraces', 'seed', 'out', 'json'],
    defaults: { fs: VM_FS.default },
    descriptions: { fs: VM_FS.description },
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: 'conform',
    args: [],
    summary: 'random differential test of the model against the running kernel',
    options: ['vm', 'fs', 'release', 'runs', 'seed', 'out'],
    defaults: { runs: '200', release: "6.18 (auto: the running kernel's; with --vm, its release)", fs: VM_FS.default },
    descriptions: { runs: 'random step sequences to run', fs: VM_FS.description },
    load: async () => (await import('./conform.js')).conformCommand,
  },
];

/**
 * The default `spec` applies for option `key`, as --help and docs/cli.md say
 * it: the command's own, else the option table's; a command that takes every
 * bound applies them to the scenario, so each defaults to the scenario's own.
 */
export function defaultTextOf(spec: CommandSpec, key: keyof CliOptions): string | undefined {
  const given = spec.defaults?.[key] ?? OPTIONS[key].defaultText;
  if (given !== undefined) return given;
  const takesBounds = BOUND_NAMES.every((k) => spec.options.includes(k));
  const bound = BOUND_NAMES.find((k) => k === key);
  if (!takesBounds || bound === undefined) return undefined;
  const none =
    bound === 'depth' ? `${DEFAULT_BOUNDS.depth} (${DEFAULT_CHECK_DEPTH} without a scenario)` : DEFAULT_BOUNDS[bound];
  return `the scenario's, else ${none}`;
}

/** What option `key` does in command `spec`. */
export function descriptionOf(spec: CommandSpec, key: keyof CliOptions): string {
  return spec.descriptions?.[key] ?? OPTIONS[key].description;
}

function optionOf(spec: CommandSpec, key: keyof CliOptions): Option {
  const defaultText = defaultTextOf(spec, key);
  const cfg = {
    ...(OPTIONS[key] as (typeof OPTIONS)[keyof CliOptions]),
    description: descriptionOf(spec, key),
    ...(defaultText ? { defaultText } : {}),
  };
  const flags = `${cfg.short ? `-${cfg.short}, ` : ''}${flagOf(key)}${cfg.argument ? ` <${cfg.argument}>` : ''}`;
  // The default is said in the description: the command applies it (so "given" stays visible), and
  // commander shows a default only for a value it sets itself.
  const o = new Option(flags, cfg.defaultText ? `${cfg.description} (default: ${cfg.defaultText})` : cfg.description);
  if (cfg.parse) o.argParser(cfg.parse as (raw: string, previous: unknown) => unknown);
  return o;
}

/** What a command line asks for, parsed but not run. */
export interface Invocation {
  readonly command: CommandSpec;
  readonly args: string[];
  readonly options: CliOptions;
}

export interface ProgramIo {
  readonly writeOut: (s: string) => void;
  readonly writeErr: (s: string) => void;
}

/**
 * The commander program. Its actions only record the invocation; commander
 * errors (unknown option, missing argument) throw a CommanderError instead of
 * exiting.
 */
function buildProgram(onInvoke: (inv: Invocation) => void, io?: ProgramIo): Command {
  const program = new Command('pipecheck')
    .description(
      'A model checker for Linux pipe data stability: ' +
        'can a pipe reader ever see data that changed after it was spliced?',
    )
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  if (io) program.configureOutput(io);
  for (const spec of COMMANDS) {
    const cmd = program.command(spec.name).description(spec.summary).exitOverride();
    if (io) cmd.configureOutput(io);
    for (const a of spec.args) cmd.argument(a);
    for (const key of spec.options) cmd.addOption(optionOf(spec, key));
    cmd.action((...received: unknown[]) => {
      // A variadic argument (`<reports...>`) comes as a list.
      const args = received
        .slice(0, spec.args.length)
        .flatMap((a) => (Array.isArray(a) ? (a as unknown[]) : [a]))
        .filter((a): a is string => typeof a === 'string');
      const options = received[spec.args.length] as CliOptions;
      onInvoke({ command: spec, args, options });
    });
  }
  return program;
}

/** Parse `argv` (without node and the script); throws CommanderError on bad usage. */
export function parseCommandLine(argv: readonly string[], io?: ProgramIo): Invocation | undefined {
  let inv: Invocation | undefined;
  buildProgram((i) => (inv = i), io).parse([...argv], { from: 'user' });
  return inv;
}

export { CommanderError };
