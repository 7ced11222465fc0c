/**
 * The process's user memory: anonymous pages, each backed by a folio, or not
 * populated (mapped, never touched since it was mapped or zapped: it reads as
 * zeros through the shared zero page). Measured on 6.18 (oracle/FINDINGS.md):
 * vmsplice of a page never touched puts the shared zero page in the pipe, so
 * a later store to the page (a copy-on-write fault that populates it) does
 * not reach the pipe; munmap or MADV_DONTNEED after vmsplice leaves the pipe
 * its reference to the old page, with the old data.
 */
import { F_PRIVATE, F_UPTODATE, F_USER, type Layout, type State } from './state.js';

/** Whether user page `page` is backed by a folio (touched since it was mapped). */
export function userPagePopulated(L: Layout, s: State, page: number): boolean {
  return L.userFolio(s, page) >= 0;
}

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
