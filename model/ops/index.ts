/**
 * The operation table, built from the descriptors: one module per operation,
 * listed once here, in the fixed order in which actions are enumerated (so
 * that action indices replay). Adding an operation is its module, its line
 * here, its case in the oracle helper (oracle/helper.c) and its test.
 */
import { append } from './append.js';
import { copyFileRange } from './copy-file-range.js';
import { directWrite } from './direct-write.js';
import { evict } from './evict.js';
import { fallocateCollapse } from './fallocate-collapse.js';
import { fallocateInsert } from './fallocate-insert.js';
import { fallocatePunch } from './fallocate-punch.js';
import { fallocateZero } from './fallocate-zero.js';
import { fposWrite } from './fpos-write.js';
import { mmapPrivateStore } from './mmap-private-store.js';
import { mmapStore } from './mmap-store.js';
import type { AnyOperation } from './operation.js';
import { pipeRead } from './pipe-read.js';
import { pipeSplice } from './pipe-splice.js';
import { pipeWrite } from './pipe-write.js';
import { sendfile } from './sendfile.js';
import { socketRead } from './socket-read.js';
import { splice } from './splice.js';
import { spliceOut } from './splice-out.js';
import { tee } from './tee.js';
import { truncate } from './truncate.js';
import { unlink } from './unlink.js';
import { userDontneed } from './user-dontneed.js';
import { userStore } from './user-store.js';
import { userUnmap } from './user-unmap.js';
import { vmsplice } from './vmsplice.js';
import { write } from './write.js';
import { writeback } from './writeback.js';

/** Every operation, in the fixed enumeration order. */
export const OPERATION_LIST = [
  write,
  mmapStore,
  fallocatePunch,
  truncate,
  splice,
  vmsplice,
  userStore,
  pipeWrite,
  pipeRead,
  tee,
  writeback,
  evict,
  append,
  userUnmap,
  userDontneed,
  sendfile,
  socketRead,
  pipeSplice,
  fallocateZero,
  fposWrite,
  directWrite,
  copyFileRange,
  fallocateCollapse,
  fallocateInsert,
  unlink,
  spliceOut,
  mmapPrivateStore,
] as const;

type Operations = (typeof OPERATION_LIST)[number];

export type OpName = Operations['name'];

type SchemasOf<T extends readonly unknown[]> = {
  readonly [K in keyof T]: T[K] extends { readonly schema: infer S } ? S : never;
};

/** The step schemas, one per operation, in table order (TypeScript cannot type a tuple's `map`). */
export type StepSchemas = SchemasOf<typeof OPERATION_LIST>;

export const STEP_SCHEMAS = OPERATION_LIST.map((op) => op.schema) as unknown as StepSchemas;

/** Every operation by name. */
export const OPERATIONS = Object.fromEntries(OPERATION_LIST.map((op) => [op.name, op])) as {
  readonly [N in OpName]: Extract<Operations, { name: N }>;
};

/** The operation named `name`, whatever the name's type (undefined when there is none). */
export function operationNamed(name: string): AnyOperation | undefined {
  return Object.prototype.hasOwnProperty.call(OPERATIONS, name) ? OPERATIONS[name as OpName] : undefined;
}

export type { AnyOperation, Operation, OpResult } from './operation.js';
