/**
 * Steps: one operation with its arguments, exactly as scenario programs and
 * counterexample traces spell them (see the interface document). Offsets and
 * lengths are in cells, counted from the start of the file.
 *
 * @public
 */
export type Step =
  | { readonly op: 'write'; readonly off: number; readonly len: number; readonly value: number }
  | { readonly op: 'mmap-store'; readonly off: number; readonly value: number }
  | { readonly op: 'fallocate-punch'; readonly off: number; readonly len: number }
  | { readonly op: 'truncate'; readonly size: number }
  | { readonly op: 'splice'; readonly off: number; readonly len: number; readonly move?: boolean }
  | { readonly op: 'vmsplice'; readonly page: number; readonly gift?: boolean }
  | { readonly op: 'user-store'; readonly page: number; readonly cell: number; readonly value: number }
  | { readonly op: 'pipe-write'; readonly len: number; readonly value: number }
  | { readonly op: 'pipe-read'; readonly len: number; readonly pipe?: 0 | 1 }
  | { readonly op: 'tee'; readonly len: number }
  | { readonly op: 'writeback'; readonly page: number }
  | { readonly op: 'evict'; readonly page: number };

export type OpName = Step['op'];

/** Every operation, in the fixed order in which actions are enumerated. */
export const OP_NAMES: readonly OpName[] = [
  'write',
  'mmap-store',
  'fallocate-punch',
  'truncate',
  'splice',
  'vmsplice',
  'user-store',
  'pipe-write',
  'pipe-read',
  'tee',
  'writeback',
  'evict',
];

export type StepOf<N extends OpName> = Extract<Step, { op: N }>;

/** A step as the seed's reproducer would say it: `pwrite(off=0, len=2, value=2)`. */
export function formatStep(step: Step): string {
  const args = Object.entries(step)
    .filter(([k, v]) => k !== 'op' && k !== 'process' && v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  return `${step.op}(${args})`;
}
