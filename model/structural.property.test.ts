import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KERNEL_IDS, type KernelId } from './kernels/index.js';
import type { Bounds } from './bounds.js';
import type { InitialContents } from './initial.js';
import { OPERATIONS } from './ops/index.js';
import { OP_NAMES, type Step } from './step.js';
import { parseScenario } from './scenario.js';
import { ScenarioModel } from './scenario-model.js';
import { canonicalize } from './canonical.js';
import { F_DIRTY, F_IN_CACHE, F_PRIVATE, F_USER, type Layout, type State } from './state.js';
import { type Invariant, type InvariantStep } from '../invariants/define.js';
import { LayoutStateReader } from '../invariants/state-reader.js';
import { noUseAfterFree } from '../invariants/no-use-after-free.js';
import { pipeFifo } from '../invariants/pipe-fifo.js';
import { fileIntegrity } from '../invariants/file-integrity.js';
import { dataStability } from '../invariants/data-stability.js';
import { pageOwnership } from '../invariants/page-ownership.js';
import type { ReadObservation } from './pipe.js';
import { EXT4, TMPFS, type FsProfile } from './fs/index.js';

/**
 * Structural invariants of the encoding, checked on every reached state.
 * Returns the first problem found, or undefined.
 */
function structuralProblem(L: Layout, s: State, values: number, kernel: KernelId = 'linux'): string | undefined {
  const refs = new Array<number>(L.NF).fill(0);
  for (let pipe = 0; pipe < L.queues; pipe++) {
    const count = L.count(s, pipe);
    if (count > L.S) return `pipe ${pipe}: count ${count} > slots ${L.S}`;
    if (L.tail(s, pipe) >= L.S) return `pipe ${pipe}: tail ${L.tail(s, pipe)} out of the ring`;
    const queued = new Set<number>();
    for (let i = 0; i < count; i++) {
      const slot = L.slotAt(s, pipe, i);
      queued.add(slot);
      const f = L.slotFolio(s, pipe, slot);
      if (f < 0 || f >= L.NF) return `pipe ${pipe} slot ${slot}: queued but references no folio`;
      if (L.folioPages(s, f) === 0) return `pipe ${pipe} slot ${slot}: references freed folio ${f}`;
      const len = L.slotLen(s, pipe, slot);
      const off = L.slotOffset(s, pipe, slot);
      if (len < 1) return `pipe ${pipe} slot ${slot}: empty buffer queued`;
      if (off + len > L.C) return `pipe ${pipe} slot ${slot}: offset ${off} + len ${len} beyond a page`;
      if (L.slotPage(s, pipe, slot) >= L.folioPages(s, f)) return `pipe ${pipe} slot ${slot}: page beyond its folio`;
      for (let c = 0; c < len; c++) {
        const g = L.slotGhost(s, pipe, slot, c);
        if (g > values) return `pipe ${pipe} slot ${slot}: ghost value ${g} > ${values}`;
      }
      refs[f]!++;
    }
    for (let slot = 0; slot < L.S; slot++) {
      if (!queued.has(slot) && L.slotFolio(s, pipe, slot) >= 0)
        return `pipe ${pipe} slot ${slot}: empty slot still references a folio`;
    }
  }
  for (let f = 0; f < L.NF; f++) {
    const pages = L.folioPages(s, f);
    const base = L.folioBase(f);
    if (pages === 0) {
      for (let i = 0; i < L.folioSize; i++) if (s[base + i] !== 0) return `freed folio record ${f} is not all zero`;
      continue;
    }
    if (L.folioRefs(s, f) !== refs[f])
      return `folio ${f}: stored pipe refs ${L.folioRefs(s, f)} but ${refs[f]} slots reference it`;
    const flags = L.folioFlags(s, f);
    if (refs[f] === 0 && (flags & (F_IN_CACHE | F_USER | F_PRIVATE)) === 0)
      return `folio ${f} is live but referenced by nothing`;
    if (flags & F_IN_CACHE) {
      const idx = L.folioIndex(s, f);
      if (idx + pages > L.P) return `folio ${f} caches pages ${idx}..${idx + pages - 1} beyond the file's pages`;
      for (let p = idx; p < idx + pages; p++)
        if (L.pageFolio(s, p) !== f)
          return `folio ${f} says it caches page ${p} but the cache says ${L.pageFolio(s, p)}`;
    }
    if (flags & F_USER && L.userFolio(s, L.folioIndex(s, f)) !== f)
      return `folio ${f} says it backs user page ${L.folioIndex(s, f)} but it does not`;
    if (flags & F_PRIVATE && L.privateFolio(s, L.folioIndex(s, f)) !== f)
      return `folio ${f} says it is the private copy of file page ${L.folioIndex(s, f)} but it is not`;
    for (let i = 0; i < pages * L.C; i++) {
      if (L.folioCell(s, f, i) > values) return `folio ${f} cell ${i} holds ${L.folioCell(s, f, i)} > ${values}`;
    }
    for (let i = pages * L.C; i < L.F * L.C; i++)
      if (L.folioCell(s, f, i) !== 0) return `folio ${f} has data past its ${pages} pages`;
  }
  for (let p = 0; p < L.P; p++) {
    const f = L.pageFolio(s, p);
    if (f < 0) continue;
    if (f >= L.NF || L.folioPages(s, f) === 0) return `page ${p} is cached by freed folio ${f}`;
    if ((L.folioFlags(s, f) & F_IN_CACHE) === 0) return `page ${p} is cached by folio ${f} that is not IN_CACHE`;
    const idx = L.folioIndex(s, f);
    if (p < idx || p >= idx + L.folioPages(s, f))
      return `page ${p} is cached by folio ${f} covering ${idx}..${idx + L.folioPages(s, f) - 1}`;
  }
  for (let u = 0; u < L.U; u++) {
    const f = L.userFolio(s, u);
    // Not populated (user-unmap, user-dontneed): no folio, it reads as zeros.
    if (f < 0) continue;
    if (L.folioPages(s, f) === 0) return `user page ${u} has no live folio`;
    if ((L.folioFlags(s, f) & F_USER) === 0 || L.folioIndex(s, f) !== u)
      return `user page ${u}: folio ${f} is not marked as that user page`;
  }
  const size = L.size(s);
  if (size > L.P * L.C) return `size ${size} > pages * cells`;
  for (let off = 0; off < L.P * L.C; off++) {
    if (L.disk(s, off) > values) return `disk cell ${off} holds ${L.disk(s, off)}`;
    if (L.logical(s, off) > values) return `logical cell ${off} holds ${L.logical(s, off)}`;
    if (off < size) continue;
    if (L.logical(s, off) !== 0) return `logical cell ${off} beyond EOF (${size}) is ${L.logical(s, off)}`;
    const page = Math.floor(off / L.C);
    const f = L.pageFolio(s, page);
    // Dirty Pipe: a merging pipe-write may write into the page-cache folio
    // past EOF (within the page), as CVE-2022-0847 does. Exempt only there.
    if (f >= 0 && kernel !== 'dirty-pipe') {
      const v = L.folioCell(s, f, (page - L.folioIndex(s, f)) * L.C + (off % L.C));
      if (v !== 0) return `cell ${off} beyond EOF (${size}) reads ${v} through the cache`;
    }
    // The disk may still hold stale data past EOF while a dirty folio caches
    // the page (the tail was zeroed in the cache; writeback will zero it).
    const dirtyCached = f >= 0 && (L.folioFlags(s, f) & F_DIRTY) !== 0;
    if (!dirtyCached && L.disk(s, off) !== 0)
      return `disk cell ${off} beyond EOF (${size}) is ${L.disk(s, off)} with no dirty folio over it`;
  }
  const copy = s.slice();
  canonicalize(L, copy);
  for (let i = 0; i < s.length; i++) if (copy[i] !== s[i]) return `not canonical at byte ${i}`;
  return undefined;
}

interface Stats {
  tried: number;
  applied: number;
  copied: number;
  stolen: number;
  ops: Set<string>;
}

interface Config {
  readonly name: string;
  readonly bounds: Partial<Bounds>;
  readonly initial: Partial<InitialContents>;
  readonly fs?: FsProfile;
}

const B1 = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const B2 = { ...B1, folioPages: 2 };
const B4 = { pages: 4, cells: 1, values: 2, slots: 3, folioPages: 4, userPages: 1 };
const user = [[1, 2]];
const CONFIGS: readonly Config[] = [
  { name: 'F=1 cached [1,1]', bounds: B1, initial: { file: [1, 2, 1, 2], cached: true, folios: [1, 1], user } },
  { name: 'F=1 uncached', bounds: B1, initial: { file: [1, 2, 1, 2], cached: false, folios: [1, 1], user } },
  { name: 'F=1 short file', bounds: B1, initial: { file: [2, 1, 1], cached: true, folios: [1, 1], user } },
  { name: 'F=2 cached [2]', bounds: B2, initial: { file: [1, 2, 1, 2], cached: true, folios: [2], user } },
  { name: 'F=2 cached [1,1]', bounds: B2, initial: { file: [1, 2, 1, 2], cached: true, folios: [1, 1], user } },
  { name: 'F=2 uncached', bounds: B2, initial: { file: [1, 2, 1, 2], cached: false, folios: [2], user } },
  { name: 'F=2 short file [2]', bounds: B2, initial: { file: [2, 1, 1], cached: true, folios: [2], user } },
  { name: 'F=4 cached [4]', bounds: B4, initial: { file: [1, 2, 1, 2], cached: true, folios: [4], user: [[1]] } },
  {
    name: 'F=4 cached [2,1,1]',
    bounds: B4,
    initial: { file: [1, 2, 1, 2], cached: true, folios: [2, 1, 1], user: [[2]] },
  },
  { name: 'F=4 empty file', bounds: B4, initial: { file: [], cached: true, folios: [], user: [[1]] } },
  // the tmpfs profile (order-0 writes, no readahead, dirty large folios split, evict drops nothing)
  {
    name: 'tmpfs F=2 cached [2]',
    bounds: B2,
    initial: { file: [1, 2, 1, 2], cached: true, folios: [2], user },
    fs: TMPFS,
  },
  {
    name: 'tmpfs F=2 uncached',
    bounds: B2,
    initial: { file: [1, 2, 1, 2], cached: false, folios: [2], user },
    fs: TMPFS,
  },
  {
    name: 'tmpfs F=4 cached [4]',
    bounds: B4,
    initial: { file: [1, 2, 1, 2], cached: true, folios: [4], user: [[1]] },
    fs: TMPFS,
  },
  {
    name: 'ext4 F=4 uncached short',
    bounds: B4,
    initial: { file: [1, 2, 1], cached: false, folios: [2, 1], user: [[1]] },
    fs: EXT4,
  },
];

function modelFor(kernel: KernelId, cfg: Config): ScenarioModel {
  const sc = parseScenario(
    // Every operation in the environment, so that the layout has what each needs (steps are applied, not enumerated).
    { kernel, bounds: { ...cfg.bounds, depth: 12 }, initial: cfg.initial, environment: { ops: [...OP_NAMES] } },
    cfg.name,
  );
  return new ScenarioModel(sc, cfg.fs);
}

/** Each operation's argument domain, so that a generated step picks an operation uniformly, then its arguments. */
function domains(b: Bounds): Step[][] {
  return OP_NAMES.map((op) => OPERATIONS[op].domain(b) as Step[]);
}

function invariantStep(
  L: Layout,
  before: State,
  after: State,
  step: Step,
  observed: ReadObservation | undefined,
  depth: number,
): InvariantStep {
  return {
    before: new LayoutStateReader(L, before),
    after: new LayoutStateReader(L, after),
    step: { ...step, process: 'env' },
    observed,
    depth,
  };
}

/** Run `steps` (skipping the ones not enabled), checking every reached state; returns the first problem. */
function explore(
  kernel: KernelId,
  cfg: Config,
  picks: readonly (readonly [number, number])[],
  stats?: Stats,
): string | undefined {
  const model = modelFor(kernel, cfg);
  const { L } = model;
  const doms = domains(model.scenario.bounds);
  const invariants: Invariant[] = [noUseAfterFree, pipeFifo];
  if (kernel !== 'dirty-pipe') invariants.push(fileIntegrity);
  // The fixes the seed thread proposes must also be what they claim: stable
  // pipe data (every fix), and pages owned by the pipe alone (the copying ones).
  if (kernel === 'copy' || kernel === 'howells-rfc' || kernel === 'move' || kernel === 'cow')
    invariants.push(dataStability);
  if (kernel === 'copy' || kernel === 'howells-rfc' || kernel === 'move') invariants.push(pageOwnership);
  let s = model.initialStates()[0]!;
  const first = structuralProblem(L, s, model.scenario.bounds.values);
  if (first) return `initial state: ${first}`;
  const trace: string[] = [];
  let depth = 0;
  for (const [op, arg] of picks) {
    const dom = doms[op % doms.length]!;
    const step = dom[arg % dom.length];
    if (!step) continue; // e.g. vmsplice with no user pages
    const r = model.applyStep(s, step);
    if (stats) stats.tried++;
    if (!r) continue;
    if (stats) {
      stats.applied++;
      stats.ops.add(step.op);
    }
    trace.push(JSON.stringify(step));
    const where = () => `${kernel} / ${cfg.name} after ${trace.join(' ')}`;
    const p = structuralProblem(L, r.state, model.scenario.bounds.values, kernel);
    if (p) return `${where()}: ${p}`;
    const inv = invariantStep(L, s, r.state, step, r.observed, depth);
    for (const invariant of invariants) {
      const msg = invariant.check(inv);
      if (msg) return `${where()}: ${invariant.id}: ${msg}`;
    }
    s = r.state;
    depth++;
  }
  if (stats) {
    stats.copied += L.pagesCopied(s);
    stats.stolen += L.pagesStolen(s);
  }
  return undefined;
}

describe('structural invariants over random step sequences', () => {
  it('the initial states of every configuration are well formed', () => {
    for (const kernel of KERNEL_IDS) {
      for (const cfg of CONFIGS) {
        const model = modelFor(kernel, cfg);
        expect(structuralProblem(model.L, model.initialStates()[0]!, model.scenario.bounds.values)).toBeUndefined();
      }
    }
  });

  it.each(KERNEL_IDS)(
    '%s keeps every structural invariant, no-use-after-free, pipe-fifo, file-integrity (unless dirty-pipe)',
    (kernel) => {
      const stats: Stats = { tried: 0, applied: 0, copied: 0, stolen: 0, ops: new Set() };
      fc.assert(
        fc.property(
          fc.constantFrom(...CONFIGS),
          fc.array(fc.tuple(fc.nat({ max: OP_NAMES.length - 1 }), fc.nat({ max: 10_000 })), {
            minLength: 1,
            maxLength: 14,
          }),
          (cfg, picks) => {
            const problem = explore(kernel, cfg, picks, stats);
            if (problem) throw new Error(problem);
          },
        ),
        { seed: 20230628, numRuns: 500 },
      );
      // The run is not vacuous: most steps are enabled, every operation was taken.
      expect(stats.applied).toBeGreaterThan(stats.tried / 2);
      expect([...stats.ops].sort()).toEqual([...OP_NAMES].sort());
      if (kernel === 'copy' || kernel === 'howells-rfc' || kernel === 'move' || kernel === 'cow')
        expect(stats.copied).toBeGreaterThan(0);
      if (kernel === 'howells-rfc' || kernel === 'move') expect(stats.stolen).toBeGreaterThan(0);
    },
  );

  it('the checker is not vacuous: it catches a broken ref count and a non-canonical state', () => {
    const model = modelFor('linux', CONFIGS[0]!);
    const r = model.applyStep(model.initialStates()[0]!, { op: 'splice', off: 0, len: 2 })!;
    const L = model.L;
    const broken = r.state.slice();
    const f = L.slotFolio(broken, 0, L.slotAt(broken, 0, 0));
    L.setFolioRefs(broken, f, 2);
    expect(structuralProblem(L, broken, 2)).toMatch(/stored pipe refs 2 but 1/);
    // swap the two file folios' numbering by hand: no longer canonical
    const swapped = r.state.slice();
    const a = L.pageFolio(swapped, 0);
    const b = L.pageFolio(swapped, 1);
    const ra = swapped.slice(L.folioBase(a), L.folioBase(a) + L.folioSize);
    const rb = swapped.slice(L.folioBase(b), L.folioBase(b) + L.folioSize);
    swapped.set(rb, L.folioBase(a));
    swapped.set(ra, L.folioBase(b));
    L.setPageFolio(swapped, 0, b);
    L.setPageFolio(swapped, 1, a);
    const slot = L.slotAt(swapped, 0, 0);
    swapped[L.slotBase(0, slot)] = b + 1;
    expect(structuralProblem(L, swapped, 2)).toMatch(/not canonical/);
  });
});
