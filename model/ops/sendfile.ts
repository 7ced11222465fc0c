import { copyState, SOCKET } from '../state.js';
import { fileLength, fileOffset } from './args.js';
import { defineOperation } from './operation.js';

/**
 * sendfile(socket, file, &off, len) to a stream socket (an AF_UNIX
 * socketpair) whose peer has not read yet. sendfile is a splice through the
 * task's internal pipe (splice_direct_to_actor) into the socket
 * (MSG_SPLICE_PAGES), so the socket's queue holds what splice would have put
 * in a pipe: under linux, references to the page-cache folios, and a later
 * pwrite, mmap store or punch changes what the peer receives (measured on
 * 6.18 on ext4, xfs, btrfs and tmpfs). Each kernel variant does what its
 * splice does without SPLICE_F_MOVE (copy and move copy, howells-rfc steals
 * or copies). The queue holds as many buffers as a pipe (bounds.slots): a
 * call that would overflow it sends less, and a full queue or EOF is not a step.
 */
export const sendfile = defineOperation({
  name: 'sendfile',
  summary: 'sendfile(file -> stream socket), the peer has not read yet',
  args: { off: fileOffset, len: fileLength },
  conformWeight: 2,
  needs: ['socket'],
  inDefaultEnvironment: false,
  // sendfile at or past EOF returns 0: nothing happened.
  zeroReturnIsRefusal: true,
  cellsMoved: ({ L, before, after }) => L.pipeCells(after, SOCKET) - L.pipeCells(before, SOCKET),
  apply(ctx, before, { off, len }) {
    const { L } = ctx;
    const size = L.size(before);
    if (len < 1 || off < 0 || off >= size || L.count(before, SOCKET) >= L.S) return undefined;
    const s = copyState(before);
    const n = ctx.kernel.spliceToPipe(ctx, s, off, Math.min(len, size - off), false, SOCKET);
    return n > 0 ? { state: s } : undefined;
  },
});
