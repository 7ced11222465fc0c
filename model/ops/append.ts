import { appendLength, dataValue } from './args.js';
import { defineOperation } from './operation.js';
import { write } from './write.js';

/**
 * write(len, value) on an fd opened O_APPEND: the kernel takes the file's
 * size as the position under the inode lock (generic_write_checks, IOCB_APPEND),
 * so the cells land at the end of the file whatever any offset says, and
 * from there it is a buffered write like pwrite. "Writers only append" is a
 * scenario whose environment writes with append. Not enabled when the
 * cells would grow the file past the bounds (pages * cells).
 */
export const append = defineOperation({
  name: 'append',
  summary: 'write() on an O_APPEND fd: at the end of the file',
  args: { len: appendLength, value: dataValue },
  enumerate: ['value', 'len'],
  conformWeight: 2,
  cellsMoved: ({ step }) => step.len,
  apply(ctx, before, { len, value }) {
    return write.apply(ctx, before, { op: 'write', off: ctx.L.size(before), len, value });
  },
});
