/**
 * Partial-order reduction for scenarios whose only actors are processes
 * (no environment): the footprints of the processes' steps, which steps
 * commute, and the ample set of a state (`--partial-order`, docs/scale.md).
 *
 * A footprint is two sets of resources, what a step may read and what it
 * may write (read-or-write: bits in `rw`; read only: bits in `r`). The
 * resources are the file's metadata (size, flags, the fd position, whether
 * it is unlinked), the file's pages in aligned blocks of `folioPages` pages
 * (a folio never crosses one), pipe 0, pipe 1, the socket, and each user
 * page. Two steps are dependent when one writes what the other reads or
 * writes. The footprints are static and conservative: any step that may
 * reach pages other than its arguments' (readahead, fault read-around, a
 * change of size, a shift of the pages, a PMD folio) writes the whole file;
 * a queue a step touches brings in everything a buffer in it may reference
 * (its taint, computed over every program: the file blocks a splice or
 * sendfile references, the user pages vmsplice references, pipe 0's taint
 * for pipe 1 after tee or pipe-splice).
 *
 * The one state-dependent part: a write (pwrite) that ends at or before the
 * file's size writes its blocks only (it neither grows the file nor zeroes
 * past EOF). The size it is compared with is the size in the state the
 * ample set is computed at, and only when no program shrinks the file
 * (truncate, fallocate-collapse, unlink), so that the size is a lower bound
 * on the size in every later state: the footprint holds wherever the step
 * runs later.
 *
 * @internal
 */
import { OPERATIONS } from './ops/index.js';
import type { Scenario } from './scenario.js';
import { completeStep, type CompleteStep, type Step } from './step.js';

/** What a step may read and write: bit masks of resources. */
export interface Footprint {
  /** Read or written. */
  readonly rw: number;
  /** Only read. */
  readonly r: number;
}

/** Whether two footprints conflict: one writes what the other reads or writes. */
export function conflicts(a: Footprint, b: Footprint): boolean {
  return (a.rw & (b.rw | b.r)) !== 0 || (b.rw & a.r) !== 0;
}

/** Ops that may make the file smaller (or end it): with one in a program, the size is no lower bound. */
const SHRINKERS: ReadonlySet<string> = new Set(['truncate', 'fallocate-collapse', 'unlink']);

/** The resources of one scenario's bounds, as bits. */
export class Resources {
  readonly meta = 1;
  /** Blocks of file pages: bits 1 .. blocks. */
  readonly blocks: number;
  readonly fileAll: number;
  readonly queue0: number;
  readonly queue1: number;
  readonly socket: number;
  private readonly userBase: number;
  readonly blockPages: number;
  readonly cells: number;
  /** Pages are one PMD folio in effect (tmpfs huge=always): every file step writes the whole file. */
  readonly wholeFileOnly: boolean;

  constructor(bounds: Scenario['bounds'], pmdFolios: boolean) {
    this.blockPages = Math.max(1, bounds.folioPages);
    this.cells = bounds.cells;
    this.blocks = Math.ceil(bounds.pages / this.blockPages);
    this.wholeFileOnly = pmdFolios;
    let all = this.meta;
    for (let b = 0; b < this.blocks; b++) all |= 1 << (1 + b);
    this.fileAll = all;
    const q = 1 + this.blocks;
    this.queue0 = 1 << q;
    this.queue1 = 1 << (q + 1);
    this.socket = 1 << (q + 2);
    this.userBase = q + 3;
    if (this.userBase + bounds.userPages > 30) throw new Error('partial order: too many resources for the bounds');
  }

  user(page: number): number {
    return 1 << (this.userBase + page);
  }

  /** The blocks of file cells [off, off + len) (the whole file when pages are PMD folios). */
  cellBlocks(off: number, len: number): number {
    if (this.wholeFileOnly || len < 1) return this.fileAll;
    const first = Math.floor(Math.floor(off / this.cells) / this.blockPages);
    const last = Math.floor(Math.floor((off + len - 1) / this.cells) / this.blockPages);
    let m = 0;
    for (let b = first; b <= last; b++) {
      if (b >= this.blocks) return this.fileAll;
      m |= 1 << (1 + b);
    }
    return m;
  }

  pageBlock(page: number): number {
    return this.cellBlocks(page * this.cells, 1);
  }
}

type Args = Record<string, unknown>;

function num(st: CompleteStep, key: string): number {
  return Number((st as unknown as Args)[key] ?? 0);
}

/**
 * The footprints of a processes-only scenario's program steps, and its
 * ample sets. Built once per model; `ample` runs on every state.
 */
export class PartialOrder {
  readonly res: Resources;
  /** Per queue (0, 1, socket): what a buffer in it may reference. */
  readonly taint: readonly [number, number, number];
  /** Whether some program may shrink the file (then a state's size bounds nothing). */
  readonly shrinks: boolean;
  private readonly programs: readonly (readonly CompleteStep[])[];
  /** Per process, per step: its footprint when the file is at least `withinFileAt` cells long (else `whole`). */
  private readonly prints: readonly (readonly StepPrint[])[];

  constructor(scenario: Scenario, pmdFolios: boolean) {
    this.res = new Resources(scenario.bounds, pmdFolios);
    this.programs = scenario.processes.map((p) => p.program.map((st: Step) => completeStep(st)));
    this.shrinks = this.programs.some((prog) => prog.some((st) => SHRINKERS.has(st.op)));
    this.taint = this.computeTaint();
    this.prints = this.programs.map((prog) => prog.map((st) => this.readingFlags(st, this.stepPrint(st))));
  }

  /** What each queue's buffers may reference, over every program (pipe 1 gets pipe 0's by tee and pipe-splice). */
  private computeTaint(): [number, number, number] {
    const R = this.res;
    let q0 = 0;
    let sock = 0;
    let to1 = false;
    for (const prog of this.programs) {
      for (const st of prog) {
        switch (st.op) {
          case 'splice':
            q0 |= R.cellBlocks(num(st, 'off'), num(st, 'len'));
            break;
          case 'sendfile':
            sock |= R.cellBlocks(num(st, 'off'), num(st, 'len'));
            break;
          case 'vmsplice': {
            const source = (st as unknown as Args)['source'] ?? 'anon';
            q0 |= source === 'anon' ? R.user(num(st, 'page')) : R.fileAll;
            break;
          }
          case 'tee':
          case 'pipe-splice':
            to1 = true;
            break;
          default:
        }
      }
    }
    // A buffer may reference what it referenced when it was made (the folio's block or user page); pipe 1 gets
    // only what pipe 0 held.
    return [q0, to1 ? q0 : 0, sock];
  }

  /**
   * A step of an operation that uses the file is not enabled once the file
   * is unlinked (ScenarioModel.applyCompiled): it reads the file's flags.
   */
  private readingFlags(st: CompleteStep, sp: StepPrint): StepPrint {
    if (!OPERATIONS[st.op].usesFile) return sp;
    const meta = this.res.meta;
    const add = (f: Footprint): Footprint => (f.rw & meta ? f : { rw: f.rw, r: f.r | meta });
    return { ...sp, whole: add(sp.whole), ...(sp.local ? { local: add(sp.local) } : {}) };
  }

  /** The footprint of `st`: its queues bring in their taint. */
  private stepPrint(st: CompleteStep): StepPrint {
    const R = this.res;
    const [t0, t1, ts] = this.taint;
    const q0 = R.queue0 | t0;
    const q1 = R.queue1 | t1;
    const qs = R.socket | ts;
    const whole: Footprint = { rw: R.fileAll, r: 0 };
    const withQueues = (rw: number, r = 0): Footprint => ({ rw, r });
    switch (st.op) {
      case 'write': {
        const off = num(st, 'off');
        const len = num(st, 'len');
        const local = R.wholeFileOnly ? undefined : { rw: R.cellBlocks(off, len), r: R.meta };
        return { whole, local, withinFileAt: off + len };
      }
      case 'writeback':
      case 'evict':
        // As the page says (the folio caching it lies in its block); the size and flags read only.
        return { whole: R.wholeFileOnly ? whole : { rw: R.pageBlock(num(st, 'page')), r: R.meta } };
      case 'user-store':
      case 'user-unmap':
      case 'user-dontneed':
        return { whole: { rw: R.user(num(st, 'page')), r: 0 } };
      case 'vmsplice': {
        const source = (st as unknown as Args)['source'] ?? 'anon';
        // usesFile ops are disabled once the file is unlinked: they read its flags.
        const from = source === 'anon' ? R.user(num(st, 'page')) : R.fileAll;
        return { whole: withQueues(from | q0) };
      }
      case 'pipe-write':
        return { whole: withQueues(q0) };
      case 'pipe-read':
        return { whole: withQueues(num(st, 'pipe') === 1 ? q1 : q0) };
      case 'tee':
      case 'pipe-splice':
        return { whole: withQueues(q0 | q1) };
      case 'socket-read':
        return { whole: withQueues(qs) };
      case 'splice':
      case 'splice-out':
        return { whole: withQueues(R.fileAll | q0) };
      case 'sendfile':
        return { whole: withQueues(R.fileAll | qs) };
      default:
        // Everything else may reach any page of the file, or its size, or shift its pages.
        return { whole };
    }
  }

  /** The footprint of process `p`'s step `i` when the file has at least `size` cells in every state it may run in. */
  footprint(p: number, i: number, size: number): Footprint {
    const sp = this.prints[p]![i]!;
    return sp.local !== undefined && sp.withinFileAt! <= size ? sp.local : sp.whole;
  }

  /** The footprint of `p`'s step `i` wherever it runs, the file `initialSize` cells long at first. */
  staticFootprint(p: number, i: number, initialSize: number): Footprint {
    return this.footprint(p, i, this.shrinks ? -1 : initialSize);
  }

  /**
   * The ample process at a state: the lowest-numbered process whose next
   * step (`pcs[p]`) is enabled (`enabled(p)`) and independent of every step
   * its other processes have left; -1 when there is none (explore every
   * action). `size`: the state's file size.
   */
  ampleProcess(pcs: readonly number[], size: number, enabled: (p: number) => boolean): number {
    const bound = this.shrinks ? -1 : size;
    const n = this.programs.length;
    // What each process's remaining steps may touch, as one footprint.
    const restRw: number[] = new Array<number>(n);
    const restR: number[] = new Array<number>(n);
    for (let q = 0; q < n; q++) {
      let rw = 0;
      let r = 0;
      const len = this.programs[q]!.length;
      for (let i = pcs[q]!; i < len; i++) {
        const f = this.footprint(q, i, bound);
        rw |= f.rw;
        r |= f.r;
      }
      restRw[q] = rw;
      restR[q] = r;
    }
    for (let p = 0; p < n; p++) {
      const pc = pcs[p]!;
      if (pc >= this.programs[p]!.length) continue;
      const t = this.footprint(p, pc, bound);
      let independent = true;
      for (let q = 0; q < n && independent; q++) {
        if (q === p) continue;
        if (conflicts(t, { rw: restRw[q]!, r: restR[q]! })) independent = false;
      }
      if (independent && enabled(p)) return p;
    }
    return -1;
  }

  /** The number of processes. */
  get processes(): number {
    return this.programs.length;
  }

  programLength(p: number): number {
    return this.programs[p]!.length;
  }
}

interface StepPrint {
  /** The footprint in general. */
  readonly whole: Footprint;
  /** A smaller one, when the file has at least `withinFileAt` cells wherever the step runs. */
  readonly local?: Footprint | undefined;
  readonly withinFileAt?: number;
}
