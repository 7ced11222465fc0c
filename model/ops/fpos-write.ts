import { appendLength, dataValue } from './args.js';
import { defineOperation } from './operation.js';
import { write } from './write.js';

/**
 * write(fd, len, value) on the splicing fd itself, at its file position,
 * which then moves past what was written. splice with an explicit offset
 * (the splice step) does not move the position, so a program that splices
 * a range and goes on writing with write() overwrites nothing it spliced
 * unless the positions meet. From there it is a buffered write like pwrite.
 * Not enabled when the cells would grow the file past the bounds.
 */
export const fposWrite = defineOperation({
  name: 'fpos-write',
  summary: 'write() on the splicing fd, at its file position',
  args: { len: appendLength, value: dataValue },
  enumerate: ['value', 'len'],
  conformWeight: 2,
  needs: ['fileState'],
  inDefaultEnvironment: false,
  cellsMoved: ({ step }) => step.len,
  apply(ctx, before, { len, value }) {
    const pos = ctx.L.filePos(before);
    const r = write.apply(ctx, before, { op: 'write', off: pos, len, value });
    if (r) ctx.L.setFilePos(r.state, pos + len);
    return r;
  },
});
