/**
 * `pipecheck list kernels|ops|invariants`.
 */
import { BUILTIN_INVARIANTS, BUILTIN_WITNESSES } from '../invariants/builtins.js';
import { DEFAULT_BOUNDS } from '../model/bounds.js';
import { KERNELS } from '../model/kernels/index.js';
import { OPERATIONS } from '../model/ops/index.js';
import { OP_NAMES } from '../model/step.js';
import { processIo, type Io } from './check.js';
import { EXIT, UsageError } from './exit.js';
import type { CliOptions } from './options.js';
import { table } from './render.js';

export const LIST_WHAT = ['kernels', 'ops', 'invariants'] as const;

/** Argument names of an operation, from its domain (the Step union has no runtime shape). */
function argumentsOf(op: (typeof OP_NAMES)[number]): string {
  const sample = OPERATIONS[op].domain({ ...DEFAULT_BOUNDS, userPages: Math.max(1, DEFAULT_BOUNDS.userPages) })[0];
  return sample
    ? Object.keys(sample)
        .filter((k) => k !== 'op')
        .join(', ')
    : '';
}

export async function listCommand(args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const what = args[0];
  let rows: string[][];
  switch (what) {
    case 'kernels':
      rows = [['kernel', 'what it does', 'source'], ...Object.values(KERNELS).map((k) => [k.id, k.summary, k.source])];
      break;
    case 'ops':
      rows = [
        ['op', 'arguments', 'what it does'],
        ...OP_NAMES.map((op) => [op, argumentsOf(op), OPERATIONS[op].summary]),
      ];
      break;
    case 'invariants':
      rows = [
        ['invariant', 'kind', 'checked', 'description'],
        ...BUILTIN_INVARIANTS.map((i) => [i.id, i.kind, 'default', i.description]),
        ...BUILTIN_WITNESSES.map((i) => [
          i.id,
          i.kind === 'sometimes' ? 'witness' : i.kind,
          'on request',
          i.description,
        ]),
      ];
      break;
    default:
      throw new UsageError(`expected one of ${LIST_WHAT.join(', ')}, got "${what ?? ''}"`);
  }
  if (opts.json) {
    const [head, ...body] = rows;
    io.out(
      JSON.stringify(
        body.map((r) => Object.fromEntries(r.map((c, i) => [head![i]!, c]))),
        null,
        2,
      ),
    );
  } else for (const line of table(rows)) io.out(line);
  return EXIT.ok;
}
