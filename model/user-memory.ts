/**
 * The process's user memory: anonymous pages, each backed by a folio, or not
 * populated (mapped, never touched since it was mapped or zapped: it reads as
 * zeros through the shared zero page). Measured on 6.18 (oracle/FINDINGS.md):
 * vmsplice of a page never touched puts the shared zero page in the pipe, so
 * a later store to the page (a copy-on-write fault that populates it) does
 * not reach the pipe; munmap or MADV_DONTNEED after vmsplice leaves the pipe
 * its reference to the old page, with the old data.
 */
import type { ModelContext } from './context.js';
import type { MemorySource } from './ops/args.js';
import { F_MAPPED, F_MAPPED_READ, F_PRIVATE, F_UPTODATE, F_USER, type Layout, type State } from './state.js';

/** The cells of user page `page` as the process reads them (zeros when not populated). */
export function userCells(L: Layout, s: State, page: number): number[] {
  const f = L.userFolio(s, page);
  const out: number[] = [];
  for (let i = 0; i < L.C; i++) out.push(f < 0 ? 0 : L.folioCell(s, f, i));
  return out;
}

/** The folio backing user page `page`, populated with zeros first if it was not (a write fault). */
export function populatedUserFolio(L: Layout, s: State, page: number): number {
  const f = L.userFolio(s, page);
  if (f >= 0) return f;
  const fresh = L.allocFolio(s, 1, F_UPTODATE | F_USER, page);
  L.setUserFolio(s, page, fresh);
  return fresh;
}

/**
 * The process lets go of user page `page` (munmap and a fresh mapping at the
 * same address, or MADV_DONTNEED): its folio stays alive, with its data, only
 * while a pipe references it; the page reads as zeros until touched again.
 */
export function zapUserPage(L: Layout, s: State, page: number): void {
  const f = L.userFolio(s, page);
  if (f < 0) return;
  L.setFolioFlags(s, f, L.folioFlags(s, f) & ~F_USER);
  L.setUserFolio(s, page, -1);
  L.releaseIfUnused(s, f);
}

/**
 * The process's MAP_PRIVATE mapping of the file lets go of its private copy
 * of file page `page` (munmap, or a truncate that unmaps the page, COWed
 * copies too): like a zapped user page, the copy stays alive only while a
 * pipe references it. No-op without a copy or without the privateMapping
 * feature.
 */
export function dropPrivateCopy(L: Layout, s: State, page: number): void {
  const f = L.privateFolio(s, page);
  if (f < 0) return;
  L.setFolioFlags(s, f, L.folioFlags(s, f) & ~F_PRIVATE);
  L.setPrivateFolio(s, page, -1);
  L.releaseIfUnused(s, f);
}

/** Drop the private copies of file pages `from` .. P - 1 (`dropPrivateCopy`). */
export function dropPrivateCopiesFrom(L: Layout, s: State, from: number): void {
  if (!L.features.privateMapping) return;
  for (let p = Math.max(0, from); p < L.P; p++) dropPrivateCopy(L, s, p);
}

/** The page a user address resolves to: page `page` of `folio`, or the shared zero page (folio -1). */
export interface MemoryPage {
  readonly folio: number;
  readonly page: number;
}

/**
 * What get_user_pages returns for page `page` of user memory from `source`,
 * read-only, as vmsplice takes it (iov_iter_get_pages2): an anonymous page
 * (or the zero page, not populated); through a MAP_SHARED mapping of the
 * file, the page-cache page, faulted in (a read fault maps it); through a
 * MAP_PRIVATE mapping, the process's private copy where a store made one,
 * else the page-cache page itself, mapped read-only. The caller checks that
 * `page` is inside the file (past EOF the fault fails: EFAULT).
 *
 * Measured on 6.18 on ext4 (4 KiB and 1 KiB blocks), xfs, btrfs, tmpfs and
 * tmpfs huge=always, a 2-page file vmspliced from page 0 of a mapping: a
 * later pwrite reaches the pipe from a shared mapping and from a private one
 * the process never stored to; a private store after it does not (it copies)
 * and one before it does (the pipe holds that copy, and a second private
 * store changes it in place).
 */
export function memoryPage(ctx: ModelContext, s: State, page: number, source: MemorySource): MemoryPage {
  const { L } = ctx;
  if (source === 'anon') return { folio: L.userFolio(s, page), page: 0 };
  if (source === 'file-private') {
    const copy = L.privateFolio(s, page);
    if (copy >= 0) return { folio: copy, page: 0 };
  }
  const f = ctx.fs.faultPage(ctx, s, page);
  // A read fault maps it; one that a store made writable already stands.
  if ((L.folioFlags(s, f) & F_MAPPED) === 0) L.setFolioFlags(s, f, L.folioFlags(s, f) | F_MAPPED_READ);
  return { folio: f, page: page - L.folioIndex(s, f) };
}

/** The cells of a memory page as the process reads them (the zero page reads zeros). */
export function memoryCells(L: Layout, s: State, m: MemoryPage): number[] {
  const out: number[] = [];
  for (let i = 0; i < L.C; i++) out.push(m.folio < 0 ? 0 : L.folioCell(s, m.folio, m.page * L.C + i));
  return out;
}
