import { range0, range1, type Operation } from './operation.js';
import { copyState } from '../state.js';

/** A store of `value` to cell `cell` of the process's user page `page`. */
export const userStore: Operation<'user-store'> = {
  name: 'user-store',
  summary: 'store to user memory',
  domain(b) {
    return range1(b.values).flatMap((value) =>
      range0(b.userPages).flatMap((page) =>
        range0(b.cells).map((cell) => ({ op: 'user-store' as const, page, cell, value })),
      ),
    );
  },
  apply(ctx, before, { page, cell, value }) {
    const { L } = ctx;
    if (page < 0 || page >= L.U || cell < 0 || cell >= L.C) return undefined;
    const s = copyState(before);
    const f = ctx.kernel.beforeInPlaceChange(ctx, s, L.userFolio(s, page));
    L.setFolioCell(s, f, cell, value);
    return { state: s };
  },
};
