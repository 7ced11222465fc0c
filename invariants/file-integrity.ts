import { fileCell } from '../model/pagecache.js';
import { defineInvariant } from './define.js';

/**
 * A file's contents change only by operations on that file: what read()
 * returns is what POSIX says the file holds (nothing done to a pipe changes
 * a file; stealing never loses file data).
 */
export const fileIntegrity = defineInvariant({
  id: 'file-integrity',
  description: 'the file reads as POSIX says it must: only operations on the file change it',
  check({ after }) {
    const L = after.layout;
    const s = after.bytes;
    const size = L.size(s);
    for (let off = 0; off < size; off++) {
      const got = fileCell(L, s, off);
      const want = L.logical(s, off);
      if (got !== want) return `file cell ${off} reads ${got}, but the file's operations say it holds ${want}`;
    }
    return undefined;
  },
});
