/**
 * What a step changed, in the problem's words: the file, the page cache's
 * folios, the pipes' buffers, user memory and what the reader saw.
 */
import { counted, showCells } from '../model/cells.js';
import type { ChoiceMade } from '../model/choices.js';
import type { StateView } from '../model/view.js';
import { queueName } from '../model/state.js';

const cells = showCells;

function folioLabel(v: StateView, id: number): string {
  const f = v.folios.find((x) => x.id === id);
  if (!f) return `folio ${id} (freed)`;
  if (f.cachesPage !== null)
    return `folio of file page${f.pages > 1 ? `s ${f.cachesPage}-${f.cachesPage + f.pages - 1}` : ` ${f.cachesPage}`}`;
  if (f.userPage !== null) return `user page ${f.userPage}`;
  if (f.privatePage !== null) return `private copy of file page ${f.privatePage}`;
  return `pipe-only folio ${cells(f.cells)}`;
}

/**
 * What a step changed: one line per change between the views, or, for a
 * step the file system refused (`failed`: its errno), that it failed and
 * changed nothing (`fails with EOPNOTSUPP: nothing changed`).
 */
export function stepChanges(failed: string | undefined, before: StateView, after: StateView): string[] {
  return failed === undefined ? describeChanges(before, after) : [failedStepLine(failed)];
}

/**
 * The kernel's choices in a step where it had others (model/choices.ts), one
 * line each: `kernel choice: folio of pages 0-1 (the kernel may also make
 * smaller folios here: ...)`.
 */
export function kernelChoiceLines(choices: readonly ChoiceMade[] | undefined): string[] {
  return (choices ?? []).filter((c) => c.count > 1).map((c) => `kernel choice: ${c.says}`);
}

/** `fails with EOPNOTSUPP: nothing changed` */
function failedStepLine(errno: string): string {
  return `fails with ${errno}: nothing changed`;
}

/** One line per change between two views of consecutive states. */
export function describeChanges(before: StateView, after: StateView): string[] {
  const out: string[] = [];
  if (!before.unlinked && after.unlinked) out.push('file unlinked, its fds and mappings closed');
  if (before.size !== after.size) out.push(`file size ${before.size} -> ${counted(after.size, 'cell')}`);
  if (cells(before.file) !== cells(after.file)) out.push(`file reads ${cells(before.file)} -> ${cells(after.file)}`);
  if (cells(before.disk) !== cells(after.disk)) out.push(`disk ${cells(before.disk)} -> ${cells(after.disk)}`);
  // Page cache: which folio caches each page, by what it holds (numbers change with canonical renumbering).
  const cacheLine = (v: StateView): string =>
    v.pageCache
      .map((f, p) => {
        if (f === null) return `${p}:-`;
        const fv = v.folios.find((x) => x.id === f)!;
        const flags = [
          fv.dirty ? 'dirty' : '',
          fv.mapped ? 'mapped' : '',
          fv.pipeRefs > 0 ? `${fv.pipeRefs} pipe ref${fv.pipeRefs > 1 ? 's' : ''}` : '',
        ]
          .filter(Boolean)
          .join(' ');
        const first = fv.cachesPage!;
        const span = fv.pages > 1 ? `[${first}-${first + fv.pages - 1}]` : '';
        const perPage = fv.cells.length / fv.pages;
        const page = cells(fv.cells.slice((p - first) * perPage, (p - first + 1) * perPage));
        return `${p}:${span}${page}${flags ? ` (${flags})` : ''}`;
      })
      .join('  ');
  const cb = cacheLine(before);
  const ca = cacheLine(after);
  if (cb !== ca) out.push(`page cache ${ca}`);
  for (let p = 0; p < after.pipes.length; p++) {
    const show = (v: StateView): string =>
      v.pipes[p]!.buffers.map(
        (b) => `${cells(b.cells)}${b.flags.length ? `{${b.flags.join(',')}}` : ''} -> ${folioLabel(v, b.folio)}`,
      ).join('; ') || 'empty';
    const pb = show(before);
    const pa = show(after);
    if (pb !== pa) out.push(`${queueName(p)}: ${pa}`);
  }
  for (let u = 0; u < after.user.length; u++) {
    if (cells(before.user[u]!) !== cells(after.user[u]!))
      out.push(`user page ${u} ${cells(before.user[u]!)} -> ${cells(after.user[u]!)}`);
  }
  for (let p = 0; p < after.privateCopies.length; p++) {
    const show = (v: StateView): string => {
      const c = v.privateCopies[p];
      return c ? cells(c) : 'none';
    };
    if (show(before) !== show(after)) out.push(`private copy of file page ${p} ${show(before)} -> ${show(after)}`);
  }
  const cost = (v: StateView): string => `copied ${v.cost.pagesCopied}, stolen ${v.cost.pagesStolen}`;
  if (cost(before) !== cost(after)) out.push(`pages ${cost(after)}`);
  return out;
}
