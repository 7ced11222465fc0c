import { copyState } from '../state.js';
import { populatedUserFolio } from '../user-memory.js';
import { dataValue, pageCell, userPage } from './args.js';
import { defineOperation } from './operation.js';

/** A store of `value` to cell `cell` of the process's user page `page` (populating it if it was not). */
export const userStore = defineOperation({
  name: 'user-store',
  summary: 'store to user memory',
  args: { page: userPage, cell: pageCell, value: dataValue },
  enumerate: ['value', 'page', 'cell'],
  conformWeight: 1,
  usesFile: false,
  cellsMoved: () => 1,
  apply(ctx, before, { page, cell, value }) {
    const { L } = ctx;
    if (page < 0 || page >= L.U || cell < 0 || cell >= L.C) return undefined;
    const s = copyState(before);
    const f = ctx.kernel.beforeInPlaceChange(ctx, s, populatedUserFolio(L, s, page));
    L.setFolioCell(s, f, cell, value);
    return { state: s };
  },
});
