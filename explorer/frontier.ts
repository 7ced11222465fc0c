/**
 * One BFS level's states as encoded bytes, in a chunked arena.
 *
 * Records are a LEB128 length and the bytes, appended in discovery order and
 * read once in the same order. A record never spans chunks (the model decodes
 * one contiguous view), so a chunk's unused tail is the only waste. Chunks
 * already read are dropped as the reader passes them, so while a level is
 * expanded only its unread part and the next level are alive.
 *
 * No ids are stored: states are discovered, numbered and queued in the same
 * order, so a level's records are the ids `firstId .. firstId + length - 1`.
 *
 * @internal
 */

const CHUNK_BYTES = 1 << 16;

export class Frontier {
  private chunks: Array<Uint8Array | undefined> = [];
  /** Where each full chunk's records end (the last chunk ends at writePos). */
  private ends: number[] = [];
  private writeChunk: Uint8Array | undefined;
  private writePos = 0;
  private readChunkIndex = 0;
  private readPos = 0;
  private liveBytes = 0;
  private count = 0;
  private readCount = 0;
  /** Per chunk: its byteLength and the number of its first record (for bytesHeldAfterReading). */
  private readonly chunkSizes: number[] = [];
  private readonly chunkFirstRecord: number[] = [];
  /** Suffix sums of chunkSizes, computed on first use after the last chunk was added. */
  private heldFrom: number[] | undefined;

  /**
   * @param retain keep every chunk until `release()`, even once read (a
   *   checkpoint saves the level being expanded: {@link records})
   */
  constructor(private readonly retain = false) {}

  /** Records appended. */
  get length(): number {
    return this.count;
  }

  /** Records not read yet. */
  get remaining(): number {
    return this.count - this.readCount;
  }

  /** The sum of the byteLengths of the chunks still held. */
  bytesUsed(): number {
    return this.liveBytes;
  }

  push(bytes: Uint8Array): void {
    const len = bytes.length;
    const header = len < 0x80 ? 1 : len < 0x4000 ? 2 : len < 0x200000 ? 3 : len < 0x10000000 ? 4 : 5;
    const need = header + len;
    let chunk = this.writeChunk;
    if (chunk === undefined || this.writePos + need > chunk.length) {
      if (chunk !== undefined) this.ends.push(this.writePos);
      chunk = new Uint8Array(Math.max(CHUNK_BYTES, need));
      this.chunks.push(chunk);
      this.chunkSizes.push(chunk.byteLength);
      this.chunkFirstRecord.push(this.count);
      this.writeChunk = chunk;
      this.writePos = 0;
      this.liveBytes += chunk.byteLength;
    }
    let pos = this.writePos;
    let n = len;
    while (n >= 0x80) {
      chunk[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    chunk[pos++] = n;
    chunk.set(bytes, pos);
    this.writePos = pos + len;
    this.count++;
  }

  /**
   * The next record, as a view into the arena (valid until the frontier is
   * dropped; nothing is overwritten). Call only while `remaining > 0`.
   */
  shift(): Uint8Array {
    let chunk = this.chunks[this.readChunkIndex]!;
    // A record that did not fit a chunk's tail went to the next chunk.
    if (this.readPos >= this.usedLength(this.readChunkIndex)) {
      if (!this.retain) {
        this.chunks[this.readChunkIndex] = undefined;
        this.liveBytes -= chunk.byteLength;
      }
      this.readChunkIndex++;
      this.readPos = 0;
      chunk = this.chunks[this.readChunkIndex]!;
    }
    let pos = this.readPos;
    let len = 0;
    let shift = 0;
    for (;;) {
      const b = chunk[pos++]!;
      len += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
    }
    this.readPos = pos + len;
    this.readCount++;
    if (this.readCount === this.count && !this.retain) this.release();
    return chunk.subarray(pos, pos + len);
  }

  /**
   * Every record appended, in order, whatever was read (views into the
   * arena): only on a frontier that retains its chunks, or one not read yet.
   */
  records(): Uint8Array[] {
    if (!this.retain && this.readCount > 0) throw new Error('frontier: records() of a frontier already read');
    const out: Uint8Array[] = [];
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      const end = this.usedLength(c);
      let pos = 0;
      while (pos < end) {
        let len = 0;
        let shift = 0;
        for (;;) {
          const b = chunk[pos++]!;
          len += (b & 0x7f) * 2 ** shift;
          if (b < 0x80) break;
          shift += 7;
        }
        out.push(chunk.subarray(pos, pos + len));
        pos += len;
      }
    }
    return out;
  }

  /**
   * What `bytesUsed()` returns once `read` records were shifted, on a
   * frontier read in one go after its last push (whatever was read since).
   */
  bytesHeldAfterReading(read: number): number {
    if (read >= this.count) return 0;
    let from = 0;
    if (read > 0) {
      // The chunk holding record read - 1 is still held.
      let lo = 0;
      let hi = this.chunkFirstRecord.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.chunkFirstRecord[mid]! <= read - 1) lo = mid;
        else hi = mid - 1;
      }
      from = lo;
    }
    if (this.heldFrom === undefined || this.heldFrom.length !== this.chunkSizes.length + 1) {
      const held = new Array<number>(this.chunkSizes.length + 1).fill(0);
      for (let c = this.chunkSizes.length - 1; c >= 0; c--) held[c] = held[c + 1]! + this.chunkSizes[c]!;
      this.heldFrom = held;
    }
    return this.heldFrom[from]!;
  }

  /** Drop every chunk (the frontier is done with). */
  release(): void {
    this.chunks = [];
    this.ends = [];
    this.writeChunk = undefined;
    this.liveBytes = 0;
  }

  private usedLength(index: number): number {
    return index === this.chunks.length - 1 ? this.writePos : this.ends[index]!;
  }
}
