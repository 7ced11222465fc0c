/**
 * The set of visited states, by 64-bit fingerprint, in typed arrays.
 *
 * States get dense ids in discovery order. Per id we keep the fingerprint
 * (hi, lo), the parent id and the action that discovered it: enough to rebuild
 * any state's path as action indices, as Stateright does. An open-addressing
 * table (linear probing, power-of-two, grown at 0.7 load) maps fingerprints to
 * ids; it stores `id + 1` so a zero-filled table is empty.
 *
 * Why chunks: the per-id arrays grow in fixed chunks of 2^16 entries instead
 * of doubling, so past a million states they waste under 1% instead of up to
 * half. Only the hash table doubles (it must be rehashed anyway).
 *
 * Memory per state: 8 (fingerprint) + 4 (parent) + 2 or 4 (action) bytes,
 * plus 4 / load bytes of table (5.7 to 11.4 bytes between growths).
 *
 * @internal
 */

/** The parent of an initial state. */
export const NO_PARENT = 0xffffffff;

const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
const MAX_LOAD = 0.7;
const MAX_TABLE_BITS = 31;

export class VisitedSet {
  private readonly hiChunks: Uint32Array<ArrayBufferLike>[] = [];
  private readonly loChunks: Uint32Array<ArrayBufferLike>[] = [];
  private readonly parentChunks: Uint32Array[] = [];
  private readonly actionChunks: Array<Uint16Array | Uint32Array> = [];
  private readonly wideActions: boolean;
  private table: Uint32Array<ArrayBufferLike>;
  private mask: number;
  private growAt: number;
  private count = 0;
  private chunkBytes = 0;

  /**
   * @param actionCount how many actions the model has (decides whether an
   *   action index fits 16 bits)
   * @param initialTableBits log2 of the initial table size
   */
  constructor(
    actionCount: number,
    initialTableBits = 12,
    /** Keep the fingerprints and the table in SharedArrayBuffers, for other threads to read ({@link shareSince}). */
    private readonly shared = false,
  ) {
    this.wideActions = actionCount > 0xffff;
    this.table = this.words(1 << initialTableBits);
    this.mask = this.table.length - 1;
    this.growAt = Math.floor(this.table.length * MAX_LOAD);
  }

  /** The last lookup's fingerprint and slot (-1: none since the last insert). */
  private memoHi = 0;
  private memoLo = 0;
  private memoSlot = -1;

  /** How many states were inserted (the next id). */
  get size(): number {
    return this.count;
  }

  /**
   * The table slot that holds this fingerprint's id, or the empty slot where
   * it would go (linear probing from `lo`). Arguments are already unsigned.
   */
  private slotOf(hi: number, lo: number): number {
    const table = this.table;
    const mask = this.mask;
    let slot = lo & mask;
    for (;;) {
      const entry = table[slot]!;
      if (entry === 0) return slot;
      const id = entry - 1;
      const c = id >>> CHUNK_BITS;
      const k = id & CHUNK_MASK;
      if (this.loChunks[c]![k] === lo && this.hiChunks[c]![k] === hi) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** The id of the state with this fingerprint, or -1. */
  lookup(hi: number, lo: number): number {
    hi >>>= 0;
    lo >>>= 0;
    const slot = this.slotOf(hi, lo);
    // An insert of the same fingerprint next (the search looks a step's state up, then inserts it) probes no more.
    this.memoHi = hi;
    this.memoLo = lo;
    this.memoSlot = slot;
    return this.table[slot]! - 1;
  }

  /**
   * Insert a fingerprint unless present. Returns the new id, or -1 when the
   * fingerprint was already there (its parent and action are left alone: the
   * first discovery, in BFS order, is a shortest path).
   */
  insert(hi: number, lo: number, parent: number, action: number): number {
    hi >>>= 0;
    lo >>>= 0;
    const table = this.table;
    const slot = this.memoSlot >= 0 && this.memoHi === hi && this.memoLo === lo ? this.memoSlot : this.slotOf(hi, lo);
    // Any insert may move what the memo says (a new id in the slot, a larger table).
    this.memoSlot = -1;
    if (table[slot] !== 0) return -1;
    const id = this.count;
    const c = id >>> CHUNK_BITS;
    const k = id & CHUNK_MASK;
    if (k === 0) this.addChunk();
    this.hiChunks[c]![k] = hi;
    this.loChunks[c]![k] = lo;
    this.parentChunks[c]![k] = parent;
    this.actionChunks[c]![k] = action;
    this.count = id + 1;
    table[slot] = id + 1;
    if (this.count > this.growAt) this.grow();
    return id;
  }

  parent(id: number): number {
    return this.parentChunks[id >>> CHUNK_BITS]![id & CHUNK_MASK]!;
  }

  action(id: number): number {
    return this.actionChunks[id >>> CHUNK_BITS]![id & CHUNK_MASK]!;
  }

  fingerprintHi(id: number): number {
    return this.hiChunks[id >>> CHUNK_BITS]![id & CHUNK_MASK]!;
  }

  fingerprintLo(id: number): number {
    return this.loChunks[id >>> CHUNK_BITS]![id & CHUNK_MASK]!;
  }

  /** The actions from the root (an initial state) to `id`, oldest first. */
  path(id: number): number[] {
    const actions: number[] = [];
    let cur = id;
    for (;;) {
      const p = this.parent(cur);
      if (p === NO_PARENT) break;
      actions.push(this.action(cur));
      cur = p;
    }
    return actions.reverse();
  }

  /** Ids `0 .. count - 1` as four arrays (copies): what a checkpoint saves. */
  exportPrefix(count: number): VisitedColumns {
    if (!Number.isInteger(count) || count < 0 || count > this.count) {
      throw new RangeError(`visited set: cannot export ${count} of ${this.count} states`);
    }
    const columns = {
      hi: new Uint32Array(count),
      lo: new Uint32Array(count),
      parent: new Uint32Array(count),
      action: new Uint32Array(count),
    };
    for (let c = 0; c * CHUNK_SIZE < count; c++) {
      const end = Math.min(CHUNK_SIZE, count - c * CHUNK_SIZE);
      const at = c * CHUNK_SIZE;
      columns.hi.set(this.hiChunks[c]!.subarray(0, end), at);
      columns.lo.set(this.loChunks[c]!.subarray(0, end), at);
      columns.parent.set(this.parentChunks[c]!.subarray(0, end), at);
      columns.action.set(this.actionChunks[c]!.subarray(0, end), at);
    }
    return columns;
  }

  /** The initial state `id` descends from. */
  root(id: number): number {
    let cur = id;
    for (;;) {
      const p = this.parent(cur);
      if (p === NO_PARENT) return cur;
      cur = p;
    }
  }

  /** The sum of the byteLengths of every typed array held. */
  bytesUsed(): number {
    return this.chunkBytes + this.table.byteLength;
  }

  /**
   * What another thread needs to look fingerprints up (a shared set only):
   * the current table and the fingerprint chunks from `chunksKnown` on. The
   * arrays are views of SharedArrayBuffers, so posting them shares them.
   */
  shareSince(chunksKnown: number): SharedVisited {
    if (!this.shared) throw new Error('visited set: not shared');
    return {
      table: this.table,
      hiChunks: this.hiChunks.slice(chunksKnown),
      loChunks: this.loChunks.slice(chunksKnown),
    };
  }

  /** Fingerprint chunks allocated so far. */
  get chunks(): number {
    return this.hiChunks.length;
  }

  private words(n: number): Uint32Array<ArrayBufferLike> {
    return this.shared ? new Uint32Array(new SharedArrayBuffer(n * 4)) : new Uint32Array(n);
  }

  private addChunk(): void {
    this.hiChunks.push(this.words(CHUNK_SIZE));
    this.loChunks.push(this.words(CHUNK_SIZE));
    this.parentChunks.push(new Uint32Array(CHUNK_SIZE));
    this.actionChunks.push(this.wideActions ? new Uint32Array(CHUNK_SIZE) : new Uint16Array(CHUNK_SIZE));
    this.chunkBytes += CHUNK_SIZE * (12 + (this.wideActions ? 4 : 2));
  }

  private grow(): void {
    const bits = Math.log2(this.table.length) + 1;
    if (bits > MAX_TABLE_BITS) throw new RangeError('visited set: more states than a 2^31-slot table holds');
    // Drop the old table first, so the peak is the new table alone.
    this.table = new Uint32Array(0);
    const table = this.words(1 << bits);
    const mask = table.length - 1;
    const n = this.count;
    for (let c = 0; c * CHUNK_SIZE < n; c++) {
      const los = this.loChunks[c]!;
      const end = Math.min(CHUNK_SIZE, n - c * CHUNK_SIZE);
      for (let k = 0; k < end; k++) {
        let slot = los[k]! & mask;
        while (table[slot] !== 0) slot = (slot + 1) & mask;
        table[slot] = c * CHUNK_SIZE + k + 1;
      }
    }
    this.table = table;
    this.mask = mask;
    this.growAt = Math.floor(table.length * MAX_LOAD);
  }
}

/** A visited set's states by id, as exportPrefix gives them (insert them in order to rebuild the set). */
export interface VisitedColumns {
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly parent: Uint32Array;
  readonly action: Uint32Array;
}

/** A shared visited set's lookup data, as posted to another thread (see {@link VisitedSet.shareSince}). */
export interface SharedVisited {
  readonly table: Uint32Array;
  readonly hiChunks: readonly Uint32Array[];
  readonly loChunks: readonly Uint32Array[];
}

/**
 * Another thread's read-only view of a shared VisitedSet. The owner may
 * insert while this thread reads: a lookup then may miss a state inserted
 * meanwhile (or an id in a chunk not received yet), never find one that is
 * absent, so a caller that drops what it finds here drops only states the
 * owner also holds.
 */
export class VisitedView {
  private table: Uint32Array<ArrayBufferLike> = new Uint32Array(1);
  private mask = 0;
  private readonly hiChunks: Uint32Array<ArrayBufferLike>[] = [];
  private readonly loChunks: Uint32Array<ArrayBufferLike>[] = [];

  update(u: SharedVisited): void {
    this.table = u.table;
    this.mask = u.table.length - 1;
    this.hiChunks.push(...u.hiChunks);
    this.loChunks.push(...u.loChunks);
  }

  has(hi: number, lo: number): boolean {
    return this.idOf(hi, lo) >= 0;
  }

  /** The id of the state with this fingerprint, or -1 (see the class comment). */
  idOf(hi: number, lo: number): number {
    hi >>>= 0;
    lo >>>= 0;
    const table = this.table;
    const mask = this.mask;
    let slot = lo & mask;
    for (let probes = 0; probes <= mask; probes++) {
      const entry = table[slot]!;
      if (entry === 0) return -1;
      const id = entry - 1;
      const c = id >>> CHUNK_BITS;
      if (c >= this.loChunks.length) return -1;
      const k = id & CHUNK_MASK;
      if (this.loChunks[c]![k] === lo && this.hiChunks[c]![k] === hi) return id;
      slot = (slot + 1) & mask;
    }
    return -1;
  }
}
