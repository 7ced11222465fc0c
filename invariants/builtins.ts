import type { Invariant } from './define.js';
import { dataStability } from './data-stability.js';
import { fileIntegrity } from './file-integrity.js';
import { pipeFifo } from './pipe-fifo.js';
import { pageOwnership } from './page-ownership.js';
import { noUseAfterFree } from './no-use-after-free.js';
import { witnessCopy, witnessOrphanedFolio, witnessSteal } from './witnesses.js';

/** The built-in invariants checked by default, in report order. */
export const BUILTIN_INVARIANTS: readonly Invariant[] = [
  dataStability,
  fileIntegrity,
  pipeFifo,
  pageOwnership,
  noUseAfterFree,
];

/** Witnesses, checked when asked for by id (--invariant witness-steal). */
export const BUILTIN_WITNESSES: readonly Invariant[] = [witnessOrphanedFolio, witnessSteal, witnessCopy];

export function builtinById(id: string): Invariant | undefined {
  return [...BUILTIN_INVARIANTS, ...BUILTIN_WITNESSES].find((i) => i.id === id);
}

/** Ids of every built-in invariant and witness. */
export function builtinIds(): string[] {
  return [...BUILTIN_INVARIANTS, ...BUILTIN_WITNESSES].map((i) => i.id);
}
