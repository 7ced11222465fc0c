/**
 * The command line's one option table, after vitest's `cli-config.ts`: every
 * option of every command is declared here once, typed by {@link CliOptions};
 * leaving one out of the table is a type error, and `main.ts` builds the
 * commander commands from it. Parsing is pure and testable without running
 * anything (see `parseCommandLine` in main.ts).
 */
import { InvalidArgumentError } from 'commander';
import { availableParallelism } from 'node:os';
import { FS_PROFILE_IDS, KERNEL_RELEASES } from '../model/fs/index.js';
import { KERNEL_IDS } from '../model/kernels/index.js';
import { DEPTH_ZERO } from '../model/bounds.js';
import { isShard, type Shard } from '../explorer/shard.js';
import { GRAPH_MAX_STATES } from '../checker/graph.js';
import { APT_LINE, GUEST_FILE_SYSTEMS, VM_RELEASES, vmReleaseProblem } from '../oracle/vm/releases.js';

/** Every option of every command, as the commands receive them. */
export interface CliOptions {
  kernel?: string;
  ops?: string[];
  pages?: number;
  cells?: number;
  values?: number;
  slots?: number;
  folioPages?: number;
  userPages?: number;
  depth?: number;
  invariant?: string[];
  plugin?: string[];
  out?: string;
  html?: string;
  allViolations?: boolean;
  symmetry?: boolean;
  partialOrder?: boolean;
  coverage?: boolean;
  graph?: string;
  json?: boolean;
  maxStates?: number;
  maxTraces?: number;
  timeout?: number;
  kernels?: string[];
  invariants?: string[];
  live?: boolean;
  fs?: string;
  vm?: string;
  fsProfile?: string;
  kernelChoices?: string;
  release?: string;
  releases?: string[];
  output?: string;
  file?: string;
  runs?: number;
  seed?: number;
  workers?: number;
  port?: number;
  checkpoint?: string;
  checkpointEvery?: number;
  resume?: string;
  shard?: Shard;
}

/** One option: how it is spelled, what it says in --help, how its argument is parsed. */
export interface OptionConfig<T> {
  /** The argument's name in --help (`N`, `ID`); none for a boolean flag. */
  readonly argument?: string;
  /** A one-letter alias (`-o`). */
  readonly short?: string;
  readonly description: string;
  /** Parse one occurrence; `previous` is the value so far (for repeatable options). */
  readonly parse?: (raw: string, previous: T | undefined) => T;
  /** Shown in --help; applied by the command, not by the parser (so "given" stays visible). */
  readonly defaultText?: string;
}

export type OptionTable = { readonly [K in keyof CliOptions]-?: OptionConfig<NonNullable<CliOptions[K]>> };

function integer(min: number, below?: string): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (below !== undefined && n < min && /^-?\d+$/.test(raw.trim())) throw new InvalidArgumentError(below);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer >= ${min}, got "${raw}"`);
    }
    return n;
  };
}

function positiveNumber(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive number, got "${raw}"`);
  return n;
}

function list(raw: string, previous: string[] | undefined): string[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list');
  return [...(previous ?? []), ...items];
}

function repeatable(raw: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), raw];
}

const bound = (what: string, min: number, below?: string): OptionConfig<number> => ({
  argument: 'N',
  description: what,
  parse: integer(min, below),
});

export const OPTIONS: OptionTable = {
  kernel: {
    argument: 'ID',
    description: `kernel variant: ${KERNEL_IDS.join(' | ')}`,
    defaultText: "the scenario's, else linux",
  },
  ops: {
    argument: 'a,b,c',
    description: "restrict the free environment's operations (see `pipecheck list ops`)",
    parse: list,
  },
  pages: bound('pages the file may span', 1),
  cells: bound('cells per page (1, 2, 4 or 8)', 1),
  values: bound('data values 1..N (0 is zero)', 1),
  slots: bound("slots in a pipe's ring", 1),
  folioPages: bound('largest folio, in pages (1, 2, 4 or 8)', 1),
  userPages: bound('anonymous user pages (vmsplice sources)', 0),
  depth: bound('steps to explore (at least 1)', 1, DEPTH_ZERO),
  invariant: {
    argument: 'ID',
    description: 'check this invariant (repeatable; default: every built-in invariant)',
    parse: repeatable,
  },
  plugin: {
    argument: 'FILE',
    description: 'a .ts or .js file exporting defineInvariant(...) (repeatable)',
    parse: repeatable,
  },
  out: {
    argument: 'DIR',
    description: 'where counterexamples are written',
    defaultText: './counterexamples (./pipecheck-counterexamples if ./counterexamples holds source code)',
  },
  allViolations: {
    description:
      'report every violating trace found at the shortest depth, not just the first (at most 100 each): ' +
      'one per distinct state before the violating step and per step, each minimized (a step whose arguments ' +
      'can be made smaller and still violate is shown with the smaller ones), duplicates once',
  },
  symmetry: {
    description:
      'explore one state per class of states that differ only by a relabelling of the data values no step names ' +
      '(the state counts are then of classes; shortest lengths are kept)',
  },
  partialOrder: {
    description:
      'partial-order reduction, for scenarios of processes and no environment whose depth covers every step: ' +
      'steps of different processes that touch disjoint pages, pipes and user pages are taken in one order only ' +
      '(verdicts are the same; a violation found is confirmed shortest by a search of every interleaving up to ' +
      'its minimized length); off, with a note why, where it does not apply',
  },
  coverage: {
    description:
      'also print, per operation (and per argument value where an argument has at most 4), the transitions ' +
      'taken and the new states: the distinct states first reached by one of its steps (each state credited to ' +
      'the step that found it first in breadth-first order: the same on any number of workers); and warn of ' +
      "the operations that never fired within the bounds, for which a 'holds' says nothing",
  },
  graph: {
    argument: 'FILE',
    description:
      'also write the explored state graph to FILE in Graphviz DOT (a node per state, an edge per step, the ' +
      `shortest violations in red), for small spaces: past ${GRAPH_MAX_STATES} states nothing is written and ` +
      'the check exits 2 (lower the bounds); the search then runs on one thread (--workers is ignored)',
  },
  html: {
    argument: 'DIR',
    description: 'also write an HTML report of each violation there (see pipecheck report)',
  },
  json: { description: 'print one JSON document on stdout, nothing else there' },
  maxStates: {
    argument: 'N',
    description: 'stop (exit 3) rather than discover more distinct states',
    parse: integer(1),
  },
  maxTraces: {
    argument: 'N',
    description: 'run at most N interleavings; with more, a seeded random sample of N',
    parse: integer(1),
    defaultText: '200',
  },
  timeout: { argument: 'SECONDS', description: 'stop (exit 3) after this long', parse: positiveNumber },
  kernels: { argument: 'a,b', description: 'kernel variants to compare (default: all of them)', parse: list },
  invariants: {
    argument: 'a,b',
    description: 'invariants to compare (default: every built-in invariant)',
    parse: list,
  },
  live: { description: 'replay on the running kernel (real syscalls) as well as on the model' },
  fs: { argument: 'DIR', description: 'directory on the file system to test', defaultText: 'the OS temp dir' },
  vm: {
    argument: 'RELEASE',
    description:
      `boot Linux RELEASE (${VM_RELEASES.map((r) => `${r.release}: ${r.distribution}`).join(', ')}) under qemu ` +
      `(software emulation), run the traces there and model that release; --fs then names the guest's file ` +
      `system: ${GUEST_FILE_SYSTEMS.join(' | ')} (default ext4). Needs: ${APT_LINE}`,
    parse: (raw) => {
      const problem = vmReleaseProblem(raw);
      if (problem !== undefined) throw new InvalidArgumentError(problem);
      return raw;
    },
  },
  fsProfile: {
    argument: 'ID',
    description:
      `the page cache's file-system behaviour: ${[...FS_PROFILE_IDS, 'auto'].join(' | ')} ` +
      '(auto: probe --fs DIR; see docs/kernels.md)',
    defaultText: 'ext4',
  },
  kernelChoices: {
    argument: 'MODE',
    description:
      "explore every choice the kernel's code allows (folio orders, how xfs takes out a folio), " +
      'or only what the kernel was measured doing: explore | measured (see docs/kernels.md)',
    defaultText: "the scenario's, else explore",
  },
  release: {
    argument: 'ID',
    description:
      `the Linux release whose page cache the model describes: ${[...KERNEL_RELEASES, 'auto'].join(' | ')} ` +
      "(auto: the running kernel's, from uname -r: 6.1.y is 6.1, 6.18 and later 6.18; see docs/kernels.md)",
    defaultText: "the scenario's, else 6.18",
  },
  releases: {
    argument: 'a,b',
    description: `Linux releases to compare side by side (${[...KERNEL_RELEASES, 'auto'].join(', ')})`,
    parse: list,
    defaultText: "--release's, else the scenario's, else 6.18",
  },
  output: {
    argument: 'OUT',
    short: 'o',
    description: 'where the generated file goes',
  },
  file: {
    argument: 'PATH',
    description: 'the regular file to model, as the log names it',
    defaultText: 'the file data is spliced from, else the first file opened for writing and written',
  },
  runs: { argument: 'N', description: 'random runs to make', parse: integer(1) },
  workers: {
    argument: 'N',
    description: 'worker threads for the search or the walks (the same result as 1; 1 runs in one thread)',
    parse: integer(1, 'expected at least 1 worker (--workers 1 runs in one thread)'),
    defaultText: "the machine's cores",
  },
  port: {
    argument: 'N',
    description: 'the port to listen on, on 127.0.0.1 only',
    parse: (raw) => {
      const n = integer(0)(raw);
      if (n > 65535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got "${raw}"`);
      return n;
    },
    defaultText: 'any free port (0)',
  },
  checkpoint: {
    argument: 'DIR',
    description:
      'save the search to DIR/pipecheck.checkpoint now and then (at the start of a level, atomically) and when ' +
      'a limit or an interrupt stops it, to go on later with --resume DIR',
  },
  checkpointEvery: {
    argument: 'SECONDS',
    description: 'with --checkpoint or --resume: save at the first level start this long after the last save',
    parse: positiveNumber,
    defaultText: '300',
  },
  resume: {
    argument: 'DIR',
    description:
      'go on from the checkpoint in DIR, to the result the search would have had if never stopped (the same ' +
      'options but the limits; else exit 2); it goes on saving to DIR (or to --checkpoint)',
  },
  shard: {
    argument: 'I/N',
    description:
      'take only shard I of N (1 <= I <= N) of the runs, to run a simulation on N machines: the chunks of 250 runs ' +
      'are cut into N contiguous ranges, shard I the I-th (chunk k: runs 250k .. 250k + 249, walked from a seed ' +
      'derived from --seed and k, so N shards walk exactly what one run walks; needs --seed); ' +
      'pipecheck merge combines their --json reports (docs/scale.md)',
    parse: (raw) => {
      const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
      const shard = m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
      if (shard === undefined || !isShard(shard)) {
        throw new InvalidArgumentError(`expected I/N with 1 <= I <= N (shard 2 of 3: 2/3), got "${raw}"`);
      }
      return shard;
    },
  },
  seed: { argument: 'S', description: 'fast-check seed (printed on every run)', parse: integer(-(2 ** 31)) },
};

/** `--workers`, else the machine's cores. */
export function workersOf(opts: CliOptions): number {
  return opts.workers ?? availableParallelism();
}

/** `folioPages` -> `--folio-pages` */
export function flagOf(key: keyof CliOptions): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
