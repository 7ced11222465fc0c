import { describe, expect, it } from 'vitest';
import { parseScenario } from '../model/scenario.js';
import { mapCalls, samePath, type MapOptions } from './map.js';
import { parseStraceLog } from './parse.js';
import { scenarioOf } from './scenario.js';

/** Map a log given as lines; every mapping must give a scenario the strict schema accepts. */
function mapLog(lines: readonly string[], opts: Partial<MapOptions> = {}) {
  const m = mapCalls(parseStraceLog(lines.join('\n')).calls, { cells: 2, ...opts });
  const sc = scenarioOf(m, 'test.strace');
  if (m.steps.length > 0) expect(() => parseScenario(sc, 'test.strace')).not.toThrow();
  return { m, sc, steps: m.steps.map((s) => s.step), reasons: m.notMapped.map((n) => [n.line, n.reason]) };
}

const A = '"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"...';
const B = '"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"...';
const ZEROS = '"\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0"...';
const CREATE = '1  openat(AT_FDCWD, "/tmp/f", O_RDWR|O_CREAT|O_TRUNC, 0644) = 3';
const PIPE = '1  pipe2([4, 5], 0) = 0';
const LOADER = [
  '1  openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3',
  '1  newfstatat(3, "", {st_mode=S_IFREG|0644, st_size=38759, ...}, AT_EMPTY_PATH) = 0',
  '1  mmap(NULL, 38759, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f0e012e6000',
  '1  close(3) = 0',
];

describe('mapCalls: the seed thread, from a log', () => {
  it('write, splice, punch, read: one process per pid, offsets in cells of 2048 bytes', () => {
    const { m, sc, reasons } = mapLog([
      ...LOADER,
      CREATE,
      `1  write(3, ${A}, 8192) = 8192`,
      PIPE,
      '2  splice(3, [0], 5, NULL, 4096, 0) = 4096',
      '3  fallocate(3, FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE, 0, 4096) = 0',
      `2  read(4, ${ZEROS}, 4096) = 4096`,
      '1  write(1, "saw zeros\\n", 10) = 10',
    ]);
    expect(reasons).toEqual([]);
    expect(m.file).toEqual({ path: '/tmp/f', line: 5 });
    expect(m.initial).toEqual({ kind: 'created-empty', line: 5 });
    expect(sc.processes).toEqual([
      { name: 'pid-1', program: [{ op: 'write', off: 0, len: 4, value: 1 }] },
      {
        name: 'pid-2',
        program: [
          { op: 'splice', off: 0, len: 2 },
          { op: 'pipe-read', len: 2 },
        ],
      },
      { name: 'pid-3', program: [{ op: 'fallocate-punch', off: 0, len: 2 }] },
    ]);
    expect(sc.bounds).toEqual({ pages: 2, cells: 2, values: 1, slots: 1, folioPages: 2, userPages: 0, depth: 4 });
    expect(sc.initial).toEqual({ file: [], cached: true, folios: [], user: [] });
    // the loader's four calls and the write to stdout are ignored; openat and pipe2 change nothing the model holds
    expect(m.counts).toEqual({ mapped: 4, none: 2, notMapped: 0, failed: 0, ignored: 5 });
  });

  it('lists an offset or a length that is not a multiple of the cell size, with its line', () => {
    const { steps, reasons } = mapLog([
      CREATE,
      `1  pwrite64(3, ${A}, 4096, 100) = 4096`,
      `1  pwrite64(3, ${A}, 100, 0) = 100`,
      `1  pwrite64(3, ${A}, 4096, 0) = 4096`,
    ]);
    expect(reasons).toEqual([
      [2, 'offset 100 is not a multiple of the cell size 2048'],
      [3, 'length 100 is not a multiple of the cell size 2048'],
    ]);
    expect(steps).toEqual([{ op: 'write', off: 0, len: 2, value: 1 }]);
  });

  it('--cells 4: a cell is 1024 bytes, and 100 is still not a multiple', () => {
    const { steps, reasons, sc } = mapLog(
      [CREATE, `1  pwrite64(3, ${A}, 1024, 1024) = 1024`, `1  pwrite64(3, ${A}, 1, 100) = 1`],
      {
        cells: 4,
      },
    );
    expect(steps).toEqual([{ op: 'write', off: 1, len: 1, value: 1 }]);
    expect(reasons).toEqual([[3, 'offset 100 is not a multiple of the cell size 1024']]);
    expect(sc.bounds.cells).toBe(4);
  });

  it("write follows the fd's position through lseek, O_APPEND and dup2; close and reuse of an fd number", () => {
    const { steps, m } = mapLog([
      CREATE,
      `1  write(3, ${A}, 4096) = 4096`,
      '1  lseek(3, 2048, SEEK_SET) = 2048',
      `1  write(3, ${B}, 2048) = 2048`,
      '1  dup2(3, 7) = 7',
      `1  write(7, ${A}, 2048) = 2048`,
      '1  close(3) = 0',
      '1  openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3',
      `1  write(3, ${B}, 2048) = -1 EBADF (Bad file descriptor)`,
      '1  openat(AT_FDCWD, "/tmp/f", O_WRONLY|O_APPEND) = 8',
      `1  write(8, ${B}, 2048) = 2048`,
    ]);
    expect(steps).toEqual([
      { op: 'write', off: 0, len: 2, value: 1 },
      { op: 'write', off: 1, len: 1, value: 2 },
      { op: 'write', off: 2, len: 1, value: 1 },
      { op: 'write', off: 3, len: 1, value: 2 },
    ]);
    // the failed write names /etc/passwd, not the file: ignored
    expect(m.counts.failed).toBe(0);
  });

  it('creat, open and dup3 open and share the file; a socket from socketpair is the reader of a splice', () => {
    const { steps, m } = mapLog([
      '1  creat("/tmp/f", 0644) = 3',
      `1  write(3, ${A}, 4096) = 4096`,
      '1  open("/tmp/f", O_RDONLY) = 4',
      '1  dup3(4, 9, O_CLOEXEC) = 9',
      '1  close(4) = 0',
      PIPE,
      '1  splice(9, NULL, 5, NULL, 2048, 0) = 2048',
      '1  splice(9, NULL, 5, NULL, 2048, 0) = 2048',
      '1  socketpair(AF_UNIX, SOCK_STREAM, 0, [6, 7]) = 0',
      '1  splice(4, NULL, 6, NULL, 4096, SPLICE_F_MOVE) = 4096',
    ]);
    expect(m.initial).toEqual({ kind: 'created-empty', line: 1 });
    expect(steps.slice(1)).toEqual([
      { op: 'splice', off: 0, len: 1 },
      { op: 'splice', off: 1, len: 1 },
      { op: 'pipe-read', len: 2 },
    ]);
  });

  it('splice with a NULL offset splices at the position and moves it; SPLICE_F_MOVE is move: true', () => {
    const { steps } = mapLog([
      CREATE,
      `1  write(3, ${A}, 8192) = 8192`,
      '1  lseek(3, 0, SEEK_SET) = 0',
      PIPE,
      '1  splice(3, NULL, 5, NULL, 4096, SPLICE_F_MOVE) = 4096',
      '1  splice(3, NULL, 5, NULL, 4096, 0) = 4096',
      `1  read(4, ${A}, 8192) = 8192`,
    ]);
    expect(steps.slice(1)).toEqual([
      { op: 'splice', off: 0, len: 2, move: true },
      { op: 'splice', off: 2, len: 2 },
      { op: 'pipe-read', len: 4 },
    ]);
  });

  it('a failed call on the file is counted, not listed; fallocate modes other than a punch are listed', () => {
    const { steps, reasons, m } = mapLog([
      CREATE,
      `1  write(3, ${A}, 4096) = 4096`,
      '1  fallocate(3, FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE, 0, 2048) = -1 EOPNOTSUPP (Operation not supported)',
      '1  fallocate(3, 0, 0, 8192) = 0',
      '1  fallocate(3, FALLOC_FL_ZERO_RANGE, 0, 2048) = 0',
    ]);
    expect(steps).toEqual([{ op: 'write', off: 0, len: 2, value: 1 }]);
    expect(reasons).toEqual([
      [4, 'fallocate mode 0 is not in the model (only PUNCH_HOLE|KEEP_SIZE is)'],
      [5, 'fallocate FALLOC_FL_ZERO_RANGE is not in the model (only PUNCH_HOLE|KEEP_SIZE is)'],
    ]);
    expect(m.counts.failed).toBe(1);
  });

  it('a punch reaching past every byte the file holds is cut at the end of the model file', () => {
    const { steps } = mapLog([
      CREATE,
      `1  write(3, ${A}, 4096) = 4096`,
      '1  fallocate(3, FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE, 2048, 1048576) = 0',
    ]);
    expect(steps[1]).toEqual({ op: 'fallocate-punch', off: 1, len: 1 });
  });

  it('ftruncate, an O_TRUNC reopen, fsync and fadvise(DONTNEED) are steps', () => {
    const { steps } = mapLog([
      CREATE,
      `1  write(3, ${A}, 8192) = 8192`,
      '1  fsync(3) = 0',
      '1  fadvise64(3, 0, 0, POSIX_FADV_DONTNEED) = 0',
      '1  ftruncate(3, 2048) = 0',
      '1  openat(AT_FDCWD, "/tmp/f", O_WRONLY|O_TRUNC) = 4',
    ]);
    expect(steps.slice(1)).toEqual([
      { op: 'writeback', page: 0 },
      { op: 'writeback', page: 1 },
      { op: 'evict', page: 0 },
      { op: 'evict', page: 1 },
      { op: 'truncate', size: 1 },
      { op: 'truncate', size: 0 },
    ]);
  });

  it('a shared writable mapping is listed (strace cannot see the stores); a private one is not', () => {
    const { reasons } = mapLog([
      CREATE,
      '1  ftruncate(3, 8192) = 0',
      '1  mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f0000000000',
      '1  mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000010000',
      '1  madvise(0x7f0000010000, 4096, MADV_REMOVE) = 0',
      '1  munmap(0x7f0000010000, 8192) = 0',
    ]);
    expect(reasons).toEqual([
      [4, 'stores through a shared mapping of the file are invisible to strace (no mmap-store steps)'],
      [5, 'madvise(MADV_REMOVE) of a mapping of the file is not in the model'],
    ]);
  });

  it('tee fills pipe 1; reads of each pipe carry len in cells and the pipe', () => {
    const { steps, sc } = mapLog([
      CREATE,
      `1  write(3, ${A}, 4096) = 4096`,
      PIPE,
      '1  pipe2([6, 7], O_CLOEXEC) = 0',
      '1  splice(3, [0], 5, NULL, 4096, 0) = 4096',
      '1  tee(4, 7, 4096, 0) = 4096',
      `1  read(6, ${A}, 65536) = 4096`,
      `1  read(4, ${A}, 2048) = 2048`,
    ]);
    expect(steps.slice(2)).toEqual([
      { op: 'tee', len: 2 },
      { op: 'pipe-read', len: 2, pipe: 1 },
      { op: 'pipe-read', len: 1 },
    ]);
    expect(sc.bounds.slots).toBe(1);
  });

  it('vmsplice: each whole-page iovec is a user page with its data; GIFT is gift: true', () => {
    const { steps, sc, reasons } = mapLog([
      CREATE,
      `1  write(3, ${A}, 4096) = 4096`,
      PIPE,
      `1  vmsplice(5, [{iov_base=${B}, iov_len=4096}], 1, SPLICE_F_GIFT) = 4096`,
      '1  vmsplice(5, [{iov_base="C", iov_len=1}], 1, 0) = 1',
      `1  read(4, ${B}, 4096) = 4096`,
    ]);
    expect(steps.slice(1)).toEqual([
      { op: 'vmsplice', page: 0, gift: true },
      { op: 'pipe-read', len: 2 },
    ]);
    expect(reasons).toEqual([[5, 'vmsplices iovecs of 1 bytes; the model vmsplices whole pages']]);
    expect(sc.initial?.user).toEqual([[2, 2]]);
    expect(sc.bounds.userPages).toBe(1);
  });

  it('write on the pipe write end is pipe-write (one page at a time); a zero byte is value 0', () => {
    const { steps } = mapLog([
      CREATE,
      `1  write(3, ${A}, 2048) = 2048`,
      PIPE,
      `1  write(5, ${ZEROS}, 8192) = 8192`,
      `1  write(5, ${B}, 2048) = 2048`,
    ]);
    expect(steps.slice(1)).toEqual([
      { op: 'pipe-write', len: 2, value: 0 },
      { op: 'pipe-write', len: 2, value: 0 },
      { op: 'pipe-write', len: 1, value: 2 },
    ]);
  });

  it('a read of more than mapped steps put in the pipe is listed, not mapped', () => {
    const { reasons } = mapLog([
      CREATE,
      `1  write(3, ${A}, 4096) = 4096`,
      PIPE,
      '1  splice(3, [0], 5, NULL, 2048, 0) = 2048',
      `1  write(5, "xyz", 3) = 3`,
      `1  read(4, ${A}, 4096) = 2051`,
    ]);
    expect(reasons.map(([line]) => line)).toEqual([5, 6]);
    expect(reasons[1]![1]).toBe('length 2051 is not a multiple of the cell size 2048');
  });

  it('a splice from the pipe to a socket is the reader; a splice from another file into the pipe is listed', () => {
    const { steps, reasons } = mapLog([
      CREATE,
      `1  write(3, ${A}, 4096) = 4096`,
      PIPE,
      '1  socketpair(AF_UNIX, SOCK_STREAM, 0, [6, 7]) = 0',
      '1  openat(AT_FDCWD, "/tmp/other", O_RDONLY) = 8',
      '1  splice(3, [0], 5, NULL, 4096, 0) = 4096',
      '1  splice(4, NULL, 6, NULL, 4096, 0) = 4096',
      '1  splice(8, NULL, 5, NULL, 4096, 0) = 4096',
    ]);
    expect(steps.slice(1)).toEqual([
      { op: 'splice', off: 0, len: 2 },
      { op: 'pipe-read', len: 2 },
    ]);
    expect(reasons).toEqual([
      [8, 'data from another file (/tmp/other) enters the pipe; the model has one file and strace shows no contents'],
    ]);
  });

  it('sendfile of the file into a pipe is a splice at its offset', () => {
    const { steps } = mapLog([
      CREATE,
      `1  write(3, ${A}, 4096) = 4096`,
      PIPE,
      '1  sendfile(5, 3, [2048] => [4096], 2048) = 2048',
    ]);
    expect(steps[1]).toEqual({ op: 'splice', off: 1, len: 1 });
  });

  it('values: each distinct first byte in order of first appearance; a 16th one is listed', () => {
    const letters = 'ABCDEFGHIJKLMNOP';
    const lines = [CREATE, ...[...letters].map((c) => `1  pwrite64(3, "${c}${c}"..., 2048, 0) = 2048`)];
    const { m, reasons, sc } = mapLog(lines);
    expect(m.values.map((v) => String.fromCharCode(v.byte!))).toEqual([...letters.slice(0, 15)]);
    expect(sc.bounds.values).toBe(15);
    expect(reasons).toEqual([
      [17, 'data starting with byte 80 would be a 16th distinct value; the model has at most 15'],
    ]);
  });

  it('a file not created empty: a stat before the first step gives its size, with a value of its own, on disk', () => {
    const { m, sc } = mapLog([
      '1  openat(AT_FDCWD, "/tmp/f", O_RDWR) = 3',
      '1  fstat(3, {st_mode=S_IFREG|0644, st_size=8192, ...}) = 0',
      `1  pwrite64(3, ${B}, 2048, 0) = 2048`,
    ]);
    expect(m.initial).toEqual({ kind: 'existing', bytes: 8192, line: 2, value: 1 });
    expect(sc.initial).toEqual({ file: [1, 1, 1, 1], cached: false, folios: [], user: [] });
    expect(sc.processes?.[0]?.program).toEqual([{ op: 'write', off: 0, len: 1, value: 2 }]);
    expect(m.notes[0]).toMatch(/the file had 8192 bytes before the log/);
  });

  it('no O_TRUNC and no fstat: the file is started empty, and a note says so', () => {
    const { m } = mapLog(['1  openat(AT_FDCWD, "/tmp/f", O_RDWR) = 3', `1  pwrite64(3, ${B}, 2048, 0) = 2048`]);
    expect(m.initial).toEqual({ kind: 'unknown' });
    expect(m.notes[0]).toMatch(/starts it empty/);
  });

  it('which file: the one spliced from, else the first opened for writing and written; --file chooses', () => {
    const two = [
      '1  openat(AT_FDCWD, "/tmp/log", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3',
      `1  write(3, ${A}, 2048) = 2048`,
      '1  openat(AT_FDCWD, "/tmp/data", O_RDWR|O_CREAT|O_TRUNC, 0644) = 4',
      `1  write(4, ${B}, 2048) = 2048`,
      '1  pipe2([5, 6], 0) = 0',
      '1  splice(4, [0], 6, NULL, 2048, 0) = 2048',
    ];
    expect(mapLog(two).m.file?.path).toBe('/tmp/data');
    expect(mapLog(two.slice(0, 4)).m.file?.path).toBe('/tmp/log');
    expect(mapLog(two, { file: 'log' }).m.file).toEqual({ path: '/tmp/log', line: 1 });
    expect(mapLog(two, { file: '/tmp/none' }).m.file).toBeUndefined();
    expect(mapLog(LOADER).m.file).toBeUndefined();
  });

  it('a path names the file when one ends with the components of the other', () => {
    expect(samePath('/tmp/f', 'f')).toBe(true);
    expect(samePath('/tmp/f', '/tmp/f')).toBe(true);
    expect(samePath('/tmp/xf', 'f')).toBe(false);
    expect(samePath('/tmp/f', '/other/f')).toBe(false);
  });

  it('an unknown call on the file is listed; one on an unrelated fd is ignored', () => {
    const { reasons, m } = mapLog([
      CREATE,
      `1  write(3, ${A}, 2048) = 2048`,
      '1  copy_file_range(3, NULL, 9, NULL, 2048, 0) = 2048',
      '1  ioctl(3, FICLONE, 9) = 0',
      '1  ioctl(1, TCGETS, {c_iflag=ICRNL}) = 0',
    ]);
    expect(reasons).toEqual([
      [3, 'copy_file_range is not in the model'],
      [4, 'ioctl(FICLONE) on the file or a pipe is not in the model'],
    ]);
    expect(m.counts.ignored).toBe(1);
  });

  it('past 8 pages is listed', () => {
    const { reasons } = mapLog([CREATE, `1  pwrite64(3, ${A}, 4096, 32768) = 4096`]);
    expect(reasons).toEqual([[2, "reaches byte 36864, past the 8 pages (32768 bytes) the model's file can have"]]);
  });
});
