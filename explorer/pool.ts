/**
 * The one worker-thread pool: the multi-thread search (parallel.ts), the
 * command line's worker that runs the explorations (check, matrix) and the
 * simulation's workers all start, hear and end their threads here. It knows
 * nothing of what the threads compute: a module URL, per-thread data, and
 * messages both ways. Failures (a thread that throws or exits) reach the
 * owner as events of their own, never in silence.
 *
 * The thread side: `workerSide()` gives the data and a typed `post`, and
 * turns an exception of the thread's main function into an `error` message;
 * `refuseExit` keeps code the thread runs from ending it in silence.
 *
 * @internal
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker, workerData } from 'node:worker_threads';

/** What a pool reports of one of its threads. */
export type PoolEvent<M> =
  | { readonly worker: number; readonly type: 'message'; readonly message: M }
  /** The thread threw outside its own handlers, or exited (with `code`) while the pool still ran. */
  | { readonly worker: number; readonly type: 'failed'; readonly reason: string; readonly error?: Error };

/** Whether the compiled script at `url` is there (it is not when the TypeScript sources run under a test runner). */
export function compiledAvailable(url: URL): boolean {
  return existsSync(fileURLToPath(url));
}

/** `size` threads running the module `url`, each given `dataOf(index)` as its workerData. */
export class WorkerPool<M> {
  private readonly threads: Worker[] = [];
  private ended = false;

  constructor(
    url: URL,
    readonly size: number,
    onEvent: (e: PoolEvent<M>) => void,
    dataOf: (index: number) => unknown = () => undefined,
    /** Buffers in thread `index`'s data to move there rather than copy (they are unusable here after). */
    transferOf: (index: number) => readonly ArrayBuffer[] = () => [],
  ) {
    for (let w = 0; w < size; w++) {
      const thread = new Worker(url, { workerData: dataOf(w), transferList: [...transferOf(w)] });
      thread.on('message', (message: M) => onEvent({ worker: w, type: 'message', message }));
      thread.on('error', (error) => onEvent({ worker: w, type: 'failed', reason: error.message, error }));
      thread.on('exit', (code) => {
        if (!this.ended) onEvent({ worker: w, type: 'failed', reason: `worker exited with code ${code}` });
      });
      this.threads.push(thread);
    }
  }

  post(worker: number, message: unknown): void {
    this.threads[worker]!.postMessage(message);
  }

  /** End every thread (whatever it runs); later exits are not reported. */
  async terminate(): Promise<void> {
    this.ended = true;
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}

/** Values (messages, clock ticks) awaited one at a time, in the order they were pushed. */
export class Inbox<T> {
  private readonly queue: T[] = [];
  private waiting: ((m: T) => void) | undefined;

  push(m: T): void {
    const w = this.waiting;
    if (w !== undefined) {
      this.waiting = undefined;
      w(m);
    } else this.queue.push(m);
  }

  next(): Promise<T> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift()!);
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

/** The message a thread's main function that throws sends (see `workerSide`). */
export interface WorkerCrash {
  readonly type: 'error';
  readonly message: string;
}

/**
 * In a pool's thread: its data, `post` and `onMessage`; `run(main)` runs the thread's
 * main function and posts a `WorkerCrash` if it throws.
 */
export function workerSide<D, M>(
  name: string,
): {
  data: D;
  post: (m: M | WorkerCrash) => void;
  onMessage: <T>(handle: (m: T) => void) => void;
  run: (main: () => Promise<void>) => Promise<void>;
} {
  const port = parentPort;
  if (port === null) throw new Error(`${name} runs as a worker thread`);
  const post = (m: M | WorkerCrash): void => port.postMessage(m);
  return {
    data: workerData as D,
    post,
    onMessage: (handle) => void port.on('message', handle),
    run: async (main) => {
      try {
        await main();
      } catch (e) {
        post({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      }
    },
  };
}

/**
 * In a pool's thread: `process.exit()` throws an Error with `message(code)`
 * instead (code the thread loads, calling it, would end the thread in
 * silence; a throw is reported like any other failure of that code).
 */
export function refuseExit(message: (code: number | string | null | undefined) => string): void {
  process.exit = ((code?: number | string | null) => {
    throw new Error(message(code));
  }) as typeof process.exit;
}
