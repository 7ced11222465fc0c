import { writeToPipe } from '../pipe.js';
import { copyState } from '../state.js';
import { dataValue, pipeWriteLength } from './args.js';
import { defineOperation } from './operation.js';

/**
 * write(pipe, len cells of value) on an O_NONBLOCK pipe, at most one page:
 * appends to the newest buffer when its slot has CAN_MERGE and room, else
 * fills a new slot with a fresh private page and sets CAN_MERGE. A full pipe
 * returns EAGAIN: not a step.
 */
export const pipeWrite = defineOperation({
  name: 'pipe-write',
  summary: 'write() into the pipe',
  args: { len: pipeWriteLength, value: dataValue },
  enumerate: ['value', 'len'],
  conformWeight: 2,
  usesFile: false,
  cellsMoved: ({ step }) => step.len,
  apply(ctx, before, { len, value }) {
    const { L } = ctx;
    if (len < 1 || len > L.C) return undefined;
    const s = copyState(before);
    return writeToPipe(L, s, 0, new Array<number>(len).fill(value)) ? { state: s } : undefined;
  },
});
