/**
 * A simulation cut into shards, for running it on several machines: shard
 * `index` of `count` (1-based, as `--shard 2/3` says it) takes a contiguous
 * range of the simulation's chunks (simulate.ts: chunk k is runs
 * k*CHUNK_RUNS .. (k+1)*CHUNK_RUNS - 1 from the seed deriveSeed(seed, k)).
 * The ranges of shards 1..count are disjoint and together are every chunk,
 * so the shards take exactly the walks one run of the same runs and seed
 * takes; merging their findings chunk by chunk gives its result.
 *
 * @public
 */
/** Runs per chunk: the unit of work a simulation's worker takes, and of the derived seeds (simulate.ts). */
export const CHUNK_RUNS = 250;

/** How many chunks `runs` make. */
export function chunkCount(runs: number): number {
  return Math.ceil(runs / CHUNK_RUNS);
}

/** Shard `index` (1 .. count) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Chunks `first .. end - 1`, runs `firstRun .. endRun - 1` of a simulation of `runs`. */
export interface ShardRange {
  readonly first: number;
  readonly end: number;
  readonly firstRun: number;
  readonly endRun: number;
}

/** Whether `shard` names a shard (1 <= index <= count, integers). */
export function isShard(shard: Shard): boolean {
  return (
    Number.isSafeInteger(shard.count) &&
    shard.count >= 1 &&
    Number.isSafeInteger(shard.index) &&
    shard.index >= 1 &&
    shard.index <= shard.count
  );
}

/**
 * The chunks of shard `index`/`count` of a simulation of `runs`: chunks
 * floor((index - 1) * C / count) .. floor(index * C / count) - 1 of its C
 * chunks (a shard past the C-th has none).
 */
export function shardRange(runs: number, shard: Shard | undefined): ShardRange {
  const chunks = chunkCount(runs);
  const { index, count } = shard ?? { index: 1, count: 1 };
  if (shard !== undefined && !isShard(shard)) throw new RangeError(`shard ${index}/${count} does not exist`);
  const first = Math.floor(((index - 1) * chunks) / count);
  const end = Math.floor((index * chunks) / count);
  return { first, end, firstRun: Math.min(runs, first * CHUNK_RUNS), endRun: Math.min(runs, end * CHUNK_RUNS) };
}
