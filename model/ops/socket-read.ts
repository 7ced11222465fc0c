import { readFromPipe } from '../pipe.js';
import { copyState, SOCKET } from '../state.js';
import { pipeLength } from './args.js';
import { defineOperation } from './operation.js';

/**
 * The socket's peer reads up to `len` cells (recv with MSG_DONTWAIT): the
 * oldest buffers first, as a pipe read. What it sees is judged exactly as a
 * pipe reader's: data-stability compares it with what the file held when
 * sendfile returned. An empty socket returns EAGAIN: not a step.
 */
export const socketRead = defineOperation({
  name: 'socket-read',
  summary: "the socket's peer reads: recv(MSG_DONTWAIT)",
  args: { len: pipeLength },
  conformWeight: 2,
  usesFile: false,
  needs: ['socket'],
  inDefaultEnvironment: false,
  cellsMoved: ({ observed }) => observed?.observed.length ?? 0,
  apply(ctx, before, { len }) {
    const { L } = ctx;
    if (len < 1 || L.count(before, SOCKET) === 0) return undefined;
    const s = copyState(before);
    const observed = readFromPipe(L, s, SOCKET, len);
    return { state: s, observed };
  },
});
