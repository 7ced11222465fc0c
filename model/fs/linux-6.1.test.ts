import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.js';
import { BUILTIN_INVARIANTS } from '../../invariants/builtins.js';
import { toProperties } from '../../invariants/property.js';
import { allReads, modelFor, reads, runSteps } from '../run-steps.js';
import { parseScenario } from '../scenario.js';
import { ScenarioModel } from '../scenario-model.js';
import type { Step } from '../step.js';
import type { ReadObservation } from '../pipe.js';
import { F_UPTODATE, type State } from '../state.js';
import type { Property } from '../../explorer/model.js';
import {
  BTRFS,
  DEFAULT_RELEASE,
  EXT4,
  EXT4_1K,
  FS_PROFILE_IDS,
  FS_PROFILES,
  fsProfileById,
  KERNEL_RELEASES,
  profileFor,
  recogniseProbe,
  releaseOfUname,
  TMPFS,
  TMPFS_HUGE,
  XFS,
  type FsProfile,
  type KernelRelease,
} from './index.js';

/** The folio sizes caching the file, in file order (one entry per folio). */
function cachedFolioSizes(run: ReturnType<typeof runSteps>): number[] {
  const out: number[] = [];
  let last: number | null = null;
  for (const id of run.final.pageCache) {
    if (id === null || id === last) continue;
    last = id;
    out.push(run.final.folios.find((f) => f.id === id)!.pages);
  }
  return out;
}

const empty = { file: [], cached: true, folios: [], user: [] };

describe('profileFor', () => {
  it('gives every profile on every release, 6.18 the profiles of the list', () => {
    expect(KERNEL_RELEASES).toEqual(['6.1', '6.18']);
    expect(DEFAULT_RELEASE).toBe('6.18');
    for (const id of FS_PROFILE_IDS) {
      expect(profileFor(id, '6.18')).toBe(fsProfileById(id));
      const old = profileFor(id, '6.1')!;
      expect(old.id).toBe(id);
      expect(old).not.toBe(fsProfileById(id));
      expect(old.fsType).toBe(fsProfileById(id)!.fsType);
    }
    expect(profileFor('zfs', '6.1')).toBeUndefined();
  });

  it('6.1: no profile but tmpfs-huge has writes that make large folios', () => {
    const large = FS_PROFILE_IDS.filter((id) => profileFor(id, '6.1')!.largeFolios);
    expect(large).toEqual(['tmpfs-huge']);
    expect(FS_PROFILES.filter((p) => p.largeFolios).map((p) => p.id)).toEqual(['ext4', 'ext4-1k', 'xfs', 'tmpfs-huge']);
  });
});

describe('recognising a probed directory on a release', () => {
  const ext4 = { fsType: 'ext4', blockSize: 4096, evictable: true };
  it('6.1 expects order-0 folios of ext4 and xfs, 6.18 large ones', () => {
    const on61 = recogniseProbe({ ...ext4, largeFolios: false }, '6.1');
    expect(on61).toMatchObject({ profile: profileFor('ext4', '6.1'), answer: { ok: true } });
    expect(recogniseProbe({ ...ext4, largeFolios: true }, '6.1')).toMatchObject({
      answer: { ok: false, refuse: 'the ext4 profile expects order-0 folios only' },
    });
    expect(recogniseProbe({ ...ext4, largeFolios: true })).toMatchObject({ profile: EXT4, answer: { ok: true } });
    const xfs = { fsType: 'xfs', blockSize: 4096, evictable: true, largeFolios: false };
    expect(recogniseProbe(xfs, '6.1')).toMatchObject({ profile: profileFor('xfs', '6.1'), answer: { ok: true } });
    expect(recogniseProbe({ ...ext4, blockSize: 1024, largeFolios: false }, '6.1')).toMatchObject({
      profile: profileFor('ext4-1k', '6.1'),
    });
  });
});

describe('releaseOfUname', () => {
  it.each([
    ['6.1.0-57-cloud-amd64', '6.1'],
    ['6.1.131', '6.1'],
    ['6.18.44-fc-v1300', '6.18'],
    ['6.18', '6.18'],
    ['6.19.2-arch1', '6.18'],
    ['7.0.0', '6.18'],
  ])('%s -> %s', (uname, release) => {
    expect(releaseOfUname(uname)).toBe(release);
  });

  it.each(['6.10.3', '6.12.0-1-amd64', '6.17.9', '5.15.0-91-generic', '4.19.0', 'garbage', ''])(
    '%s: no modelled release',
    (uname) => {
      expect(releaseOfUname(uname)).toBeUndefined();
    },
  );
});

describe('writes into uncached pages on 6.1', () => {
  const bounds = { pages: 4, cells: 1, values: 2, slots: 4, folioPages: 4, userPages: 0 };
  const write: Step[] = [{ op: 'write', off: 0, len: 4, value: 1 }];
  const sizes = (fs: FsProfile, release: KernelRelease) =>
    cachedFolioSizes(runSteps(write, { fs, release, bounds, initial: empty }));

  it('a 4-page pwrite makes four order-0 folios on ext4, ext4-1k, xfs, btrfs and tmpfs', () => {
    for (const fs of [EXT4, EXT4_1K, XFS, BTRFS, TMPFS]) expect(sizes(fs, '6.1')).toEqual([1, 1, 1, 1]);
  });

  it('and one 4-page folio on ext4, ext4-1k and xfs under 6.18 (by write length)', () => {
    for (const fs of [EXT4, EXT4_1K, XFS]) expect(sizes(fs, '6.18')).toEqual([4]);
  });

  it('tmpfs huge=always: the PMD folio into an empty file, order 0 once a page is cached', () => {
    expect(sizes(TMPFS_HUGE, '6.1')).toEqual([4]);
    const run = (release: KernelRelease) =>
      cachedFolioSizes(
        runSteps(
          [
            { op: 'write', off: 1, len: 1, value: 1 },
            { op: 'write', off: 2, len: 1, value: 1 },
          ],
          { fs: TMPFS_HUGE, release, bounds, initial: { ...empty, file: [0], folios: [1] } },
        ),
      );
    // 6.1: page 0 is cached, so the 2 MiB range is not free: order 0 (shmem_alloc_hugefolio).
    expect(run('6.1')).toEqual([1, 1, 1]);
    // 6.18: the largest free aligned folio (shmem_suitable_orders): page 1, then pages 2-3.
    expect(run('6.18')).toEqual([1, 1, 2]);
  });
});

/** Per file page: the pages of the folio caching it, 0 when uncached (the measured shapes' notation). */
function pageShape(run: ReturnType<typeof runSteps>): number[] {
  return run.final.pageCache.map((id) => (id === null ? 0 : run.final.folios.find((f) => f.id === id)!.pages));
}

// Measured on Debian 12's 6.1.0-57 cloud kernel under qemu (oracle/FINDINGS.md section 18).
describe('as measured on 6.1', () => {
  it('xfs: readahead made 4-page folios; a punch of a page, or of part of one, splits its folio to order 0', () => {
    const bounds = { pages: 8, cells: 2, values: 2, slots: 2, folioPages: 4, userPages: 0 };
    const initial = { file: new Array<number>(16).fill(1), cached: true, folios: [4, 4], user: [] };
    const steps: Step[] = [
      { op: 'fallocate-punch', off: 2, len: 2 },
      { op: 'fallocate-punch', off: 11, len: 1 },
    ];
    const after = (n: number, release: KernelRelease) =>
      pageShape(runSteps(steps.slice(0, n), { fs: XFS, release, bounds, initial }));
    // Measured: H t t t -> 1 . 1 1 (punch page 9 of 16), then 1 1 1 1 (200 bytes inside page 13).
    expect(after(1, '6.1')).toEqual([1, 0, 1, 1, 4, 4, 4, 4]);
    expect(after(2, '6.1')).toEqual([1, 0, 1, 1, 1, 1, 1, 1]);
    // 6.18 splits the buddy way (try_folio_split): a punch of a folio's first page leaves 1 and 2.
    const first: Step[] = [{ op: 'fallocate-punch', off: 8, len: 2 }];
    const firstPage = (release: KernelRelease) => pageShape(runSteps(first, { fs: XFS, release, bounds, initial }));
    expect(firstPage('6.1')).toEqual([4, 4, 4, 4, 0, 1, 1, 1]);
    expect(firstPage('6.18')).toEqual([4, 4, 4, 4, 0, 1, 2, 2]);
  });

  it('tmpfs huge=always: a PMD folio, punch of pages 2-3 splits it to order 0, a write there makes order 0', () => {
    const bounds = { pages: 4, cells: 1, values: 2, slots: 2, folioPages: 4, userPages: 0 };
    const steps: Step[] = [
      { op: 'write', off: 0, len: 4, value: 1 },
      { op: 'fallocate-punch', off: 2, len: 2 },
      { op: 'write', off: 2, len: 2, value: 1 },
    ];
    const after = (n: number, release: KernelRelease) =>
      pageShape(runSteps(steps.slice(0, n), { fs: TMPFS_HUGE, release, bounds, initial: empty }));
    // Measured: H t t t, then 1 1 . ., then 1 1 1 1.
    expect(after(1, '6.1')).toEqual([4, 4, 4, 4]);
    expect(after(2, '6.1')).toEqual([1, 1, 0, 0]);
    expect(after(3, '6.1')).toEqual([1, 1, 1, 1]);
    // 6.18: the pieces stay as large as the split leaves them, and the write fills the free pair.
    expect(after(3, '6.18')).toEqual([2, 2, 2, 2]);
  });
});

describe('large initial folios on 6.1', () => {
  it('ext4 on 6.1 refuses a large initial folio (it has none)', () => {
    const fs = profileFor('ext4', '6.1')!;
    expect(fs.unbuildableInitial({ cached: true, folios: [2, 1, 1], file: [1, 1, 1, 1] })).toContain(
      'ext4 on Linux 6.1 has no large folios',
    );
    expect(fs.unbuildableInitial({ cached: true, folios: [1, 1], file: [1, 1] })).toBeUndefined();
    expect(EXT4.unbuildableInitial({ cached: true, folios: [2], file: [1, 1] })).toBeUndefined();
  });
});

// The seed thread's punch case, as measured on both kernels (/work/shared/tools/kernel-vm):
// 16 KiB of 'A' written, splice 4 KiB from offset 0, punch [0, 4096), read the pipe.
// A page is one cell here; 1 is 'A'.
const seedPunch: Step[] = [
  { op: 'write', off: 0, len: 4, value: 1 },
  { op: 'splice', off: 0, len: 1 },
  { op: 'fallocate-punch', off: 0, len: 1 },
  { op: 'pipe-read', len: 1 },
];
const seedBounds = { pages: 4, cells: 1, values: 1, slots: 2, folioPages: 4, userPages: 0 };

describe('the seed punch case, applied', () => {
  const pipeReads = (fs: FsProfile, release: KernelRelease) =>
    reads(runSteps(seedPunch, { fs, release, bounds: seedBounds, initial: empty }));

  it('6.1: the pipe reads the old data on ext4, xfs, btrfs and tmpfs (measured: A on all four)', () => {
    for (const fs of [EXT4, XFS, BTRFS, TMPFS]) expect(pipeReads(fs, '6.1')).toEqual([[1]]);
  });

  it('6.18: zeros on ext4 (its 4-page folio is zeroed in place), old data on btrfs and tmpfs', () => {
    expect(pipeReads(EXT4, '6.18')).toEqual([[0]]);
    for (const fs of [BTRFS, TMPFS]) expect(pipeReads(fs, '6.18')).toEqual([[1]]);
    // xfs on 6.18 follows the build of oracle/FINDINGS.md section 13 (zero the large folio in
    // place, then drop it): zeros; the build of section 17 (issue 21) reads the old data.
    expect(pipeReads(XFS, '6.18')).toEqual([[0]]);
  });
});

describe('the seed punch case, explored', () => {
  // The writer's program and a reader, interleaved every way; data-stability is checked throughout.
  const scenario = (release: KernelRelease) =>
    parseScenario({
      release,
      bounds: { ...seedBounds, depth: 4 },
      initial: empty,
      processes: [
        { name: 'backup', program: seedPunch.slice(0, 3) },
        { name: 'reader', program: seedPunch.slice(3) },
      ],
      invariants: ['data-stability'],
    });
  const search = (release: KernelRelease) => {
    const model = new ScenarioModel(scenario(release), EXT4);
    const stability = BUILTIN_INVARIANTS.filter((i) => i.id === 'data-stability');
    return { model, result: explore(model, toProperties(model, stability), { maxDepth: 4 }) };
  };

  it('ext4 on 6.1: data stability holds in every interleaving', () => {
    const { model, result } = search('6.1');
    expect(model.ctx.release).toBe('6.1');
    expect(model.fs).toBe(profileFor('ext4', '6.1'));
    expect(result.status).toBe('holds');
  });

  it('ext4 on 6.18: the reader sees zeros after the punch', () => {
    const { model, result } = search('6.18');
    expect(model.ctx.release).toBe('6.18');
    expect(model.fs).toBe(EXT4);
    expect(result.status).toBe('violated');
    const v = result.violations[0]!;
    expect(v.trace.map((a) => model.formatAction(a))).toEqual([
      'backup: next step',
      'backup: next step',
      'backup: next step',
      'reader: next step',
    ]);
    expect(v.message).toContain('saw [0]');
  });
});

describe('what conform --vm 6.1 found (measured under qemu, Debian 12 6.1.0-57)', () => {
  it('xfs: a collapse that fails with EINVAL has flushed its range first: the pipe keeps its page', () => {
    const steps: Step[] = [
      { op: 'write', off: 0, len: 2, value: 1 },
      { op: 'splice', off: 0, len: 2 },
      { op: 'fallocate-collapse', off: 0, len: 1 },
      { op: 'truncate', size: 1 },
      { op: 'pipe-read', len: 4 },
    ];
    const opts = {
      bounds: { pages: 1, cells: 4, values: 1, slots: 1, folioPages: 1 },
      initial: { file: [], cached: false },
    };
    expect(reads(runSteps(steps, { ...opts, fs: XFS, release: '6.1' }))).toEqual([[1, 1]]);
    expect(reads(runSteps(steps, { ...opts, fs: XFS }))).toEqual([[1, 0]]);
  });

  it('tmpfs has no O_DIRECT on 6.1 (EINVAL), btrfs invalidates a pipe-held page for an aligned one', () => {
    const direct: Step = { op: 'direct-write', off: 0, len: 4, value: 2 };
    const opts = { bounds: { pages: 1, cells: 4, values: 2, slots: 1, folioPages: 1 } };
    const tmpfs61 = modelFor({ ...opts, fs: TMPFS, release: '6.1' }, [direct]);
    expect(tmpfs61.failureOf(tmpfs61.initialStates()[0]!, direct)).toBe('EINVAL');
    const held: Step[] = [{ op: 'splice', off: 0, len: 4 }, direct, { op: 'pipe-read', len: 4 }];
    expect(reads(runSteps(held, { ...opts, fs: BTRFS, release: '6.1' }))).toEqual([[1, 1, 1, 1]]);
    expect(reads(runSteps(held, { ...opts, fs: BTRFS }))).toEqual([[2, 2, 2, 2]]);
  });

  it('xfs: a fault may read the file in a large folio, which a ZERO_RANGE of the next page takes out whole', () => {
    const steps: Step[] = [
      { op: 'vmsplice', page: 0, gift: false, source: 'file-shared' },
      { op: 'fallocate-zero', off: 4, len: 1 },
      { op: 'write', off: 0, len: 4, value: 1 },
      { op: 'pipe-read', len: 4 },
    ];
    const bounds = { pages: 2, cells: 4, values: 1, slots: 1, folioPages: 2, userPages: 1 };
    const initial = { file: [0, 0, 0, 0, 0, 0, 0, 0], cached: false };
    // The kernel (xfs, 6.1, conform seed 84511) reads [0, 0, 0, 0]; an order-0 read-around gives [1, 1, 1, 1].
    const got = allReads(steps, { fs: XFS, release: '6.1', bounds, initial });
    expect(got).toContainEqual([[0, 0, 0, 0]]);
    expect(got[0]).toEqual([[1, 1, 1, 1]]);
  });
});

describe('6.1 splices through ITER_PIPE (generic_file_splice_read)', () => {
  // Measured under qemu (conform --vm 6.1, seeds 84203 and 84409): with one pipe slot free, a splice
  // of cells 1-2 (over a page boundary) moves both where a readahead folio holds them (xfs), or
  // where both are a hole (tmpfs); 6.18 moves the first page's cell only.
  const bounds = { pages: 2, cells: 2, values: 1, slots: 1, folioPages: 2, userPages: 1 };
  const read = [
    { op: 'splice', off: 1, len: 2 },
    { op: 'pipe-read', len: 2 },
  ] satisfies Step[];

  it('xfs: one buffer per folio, across its pages, where readahead made a large folio', () => {
    const cold = { file: [0, 1, 1, 0], cached: false, user: [[0, 0]] };
    expect(allReads(read, { fs: XFS, release: '6.1', bounds, initial: cold })).toEqual([[[1]], [[1, 1]]]);
    expect(allReads(read, { fs: XFS, release: '6.18', bounds, initial: cold })).toEqual([[[1]]]);
  });

  it('tmpfs: zeros of holes packed into fresh pages, several pages of hole in one buffer', () => {
    const steps = [{ op: 'truncate', size: 4 }, ...read] satisfies Step[];
    const opts = { fs: TMPFS, bounds: { ...bounds, folioPages: 1 }, initial: { ...empty, user: [[0, 0]] } };
    expect(reads(runSteps(steps, { ...opts, release: '6.1' }))).toEqual([[0, 0]]);
    expect(reads(runSteps(steps, { ...opts, release: '6.18' }))).toEqual([[0]]);
  });

  it("the socket's queue still takes a buffer per page part (sendfile; conform --vm 6.1, tmpfs, seed 90101)", () => {
    const steps = [
      { op: 'truncate', size: 4 },
      { op: 'sendfile', off: 1, len: 2 },
      { op: 'socket-read', len: 2 },
    ] satisfies Step[];
    const opts = { fs: TMPFS, bounds: { ...bounds, folioPages: 1 }, initial: { ...empty, user: [[0, 0]] } };
    expect(reads(runSteps(steps, { ...opts, release: '6.1' }))).toEqual([[0]]);
  });

  it('a buffer of a folio keeps referencing it: a write to its second page reaches the reader', () => {
    const cold = { file: [0, 1, 1, 0], cached: false, user: [[0, 0]] };
    const steps = [
      { op: 'splice', off: 1, len: 2 },
      { op: 'write', off: 2, len: 1, value: 0 },
      { op: 'pipe-read', len: 2 },
    ] satisfies Step[];
    expect(
      allReads(steps, { fs: XFS, release: '6.1', bounds: { ...bounds, values: 2 }, initial: cold }),
    ).toContainEqual([[1, 0]]);
  });
});

describe('buffers spanning pages, explored (xfs and tmpfs on 6.1)', () => {
  // Every structural invariant holds through every interleaving of splices, moves, tees, reads
  // and changes, with buffers a folio wide (xfs readahead) or packed zeros (tmpfs holes).
  const structural = BUILTIN_INVARIANTS.filter((i) =>
    ['pipe-fifo', 'no-use-after-free', 'file-integrity'].includes(i.id),
  );
  for (const fs of [XFS, TMPFS]) {
    it(`${fs.id}: the structural invariants hold`, () => {
      const scenario = parseScenario({
        release: '6.1',
        bounds: { pages: 2, cells: 2, values: 1, slots: 2, folioPages: 2, userPages: 1, depth: 4 },
        initial: { file: [0, 1, 1], cached: false, user: [[0, 0]] },
        environment: { ops: ['splice', 'pipe-splice', 'tee', 'pipe-read', 'write', 'fallocate-punch', 'truncate'] },
      });
      const model = new ScenarioModel(scenario, fs);
      expect(model.L.features.spanningBuffers).toBe(fs === XFS);
      const L = model.L;
      // Reached on xfs: a buffer over a page boundary (a readahead folio's); on tmpfs: zeros packed in one buffer.
      const wide: Property<State, ReadObservation> = {
        id: 'a-wide-buffer',
        kind: 'sometimes',
        check: ({ after }) => {
          for (let i = 0; i < L.count(after, 0); i++) {
            const slot = L.slotAt(after, 0, i);
            const end = L.slotOffset(after, 0, slot) + L.slotLen(after, 0, slot);
            if (
              fs === XFS
                ? end > L.C
                : L.slotLen(after, 0, slot) > 1 && L.folioFlags(after, L.slotFolio(after, 0, slot)) === F_UPTODATE
            )
              return 'seen';
          }
          return undefined;
        },
      };
      const result = explore(model, [...toProperties(model, structural), wide], { maxDepth: 4 });
      expect(result.status, JSON.stringify(result.violations[0]?.message)).toBe('holds');
      expect(result.witnessesMissing).toEqual([]);
      expect(result.statistics.statesDistinct).toBeGreaterThan(100);
    });
  }
});
