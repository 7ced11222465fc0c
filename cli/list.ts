/**
 * `pipecheck list kernels|ops|invariants`.
 */
import { BUILTIN_INVARIANTS, BUILTIN_WITNESSES, DEFAULT_INVARIANTS } from '../invariants/builtins.js';
import { KERNEL_INFO } from '../model/kernels/index.js';
import { OPERATION_LIST } from '../model/ops/index.js';
import { EXIT, UsageError } from './exit.js';
import { processIo, type Io } from './io.js';
import type { CliOptions } from './options.js';
import { table } from './render.js';

const LIST_WHAT = ['kernels', 'ops', 'invariants'] as const;

export async function listCommand(args: readonly string[], opts: CliOptions, io: Io = processIo): Promise<number> {
  const what = args[0];
  let rows: string[][];
  switch (what) {
    case 'kernels':
      rows = [['kernel', 'what it does', 'source'], ...KERNEL_INFO.map((k) => [k.id, k.summary, k.source])];
      break;
    case 'ops':
      rows = [
        ['op', 'arguments', 'what it does'],
        ...OPERATION_LIST.map((op) => [op.name, op.argNames.join(', '), op.summary]),
      ];
      break;
    case 'invariants':
      rows = [
        ['invariant', 'kind', 'checked', 'description'],
        ...BUILTIN_INVARIANTS.map((i) => [
          i.id,
          i.kind,
          DEFAULT_INVARIANTS.includes(i) ? 'default' : 'on request',
          i.description,
        ]),
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
