import type { Invariant } from './define.js';
import { dataStability } from './data-stability.js';
import { fileIntegrity } from './file-integrity.js';
import { pipeFifo } from './pipe-fifo.js';
import { pageOwnership } from './page-ownership.js';
import { noUseAfterFree } from './no-use-after-free.js';
import { zerocopyRoContract } from './zerocopy-ro-contract.js';
import { witnessCopy, witnessOrphanedFolio, witnessSteal } from './witnesses.js';

/** The built-in invariants checked when none is named, in report order: what a user's data depends on. */
export const DEFAULT_INVARIANTS: readonly Invariant[] = [dataStability, fileIntegrity, pipeFifo, noUseAfterFree];

/**
 * Built-in invariants checked only when asked for by id: design goals
 * rather than properties of the data (page-ownership is Howells' goal that a
 * pipe never shares a page with the page cache; linux and cow break it by
 * design, so checking it by default would fail every safe pattern too).
 * zerocopy-ro-contract is a promise a sender makes (Kicinski's
 * TLS_TX_ZEROCOPY_RO): it fails at the step that changes referenced data,
 * earlier than data-stability, and also where no reader ever looks.
 */
export const ON_REQUEST_INVARIANTS: readonly Invariant[] = [pageOwnership, zerocopyRoContract];

/** Every built-in "always" invariant, the default ones first. */
export const BUILTIN_INVARIANTS: readonly Invariant[] = [
  dataStability,
  fileIntegrity,
  pipeFifo,
  pageOwnership,
  noUseAfterFree,
  zerocopyRoContract,
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
