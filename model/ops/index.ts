import type { OpName } from '../step.js';
import type { Operation } from './operation.js';
import { write } from './write.js';
import { mmapStore } from './mmap-store.js';
import { fallocatePunch } from './fallocate-punch.js';
import { truncate } from './truncate.js';
import { splice } from './splice.js';
import { vmsplice } from './vmsplice.js';
import { userStore } from './user-store.js';
import { pipeWrite } from './pipe-write.js';
import { pipeRead } from './pipe-read.js';
import { tee } from './tee.js';
import { writeback } from './writeback.js';
import { evict } from './evict.js';

/** Every operation by name, in the fixed enumeration order. */
export const OPERATIONS: { readonly [N in OpName]: Operation<N> } = {
  write,
  'mmap-store': mmapStore,
  'fallocate-punch': fallocatePunch,
  truncate,
  splice,
  vmsplice,
  'user-store': userStore,
  'pipe-write': pipeWrite,
  'pipe-read': pipeRead,
  tee,
  writeback,
  evict,
};

export type { Operation, OpResult } from './operation.js';
