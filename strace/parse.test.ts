import { describe, expect, it } from 'vitest';
import { decodeCString, parseArg, parseCallText, parseResult, parseStraceLog, splitPrefix } from './parse.js';

describe('splitPrefix', () => {
  it('reads the pid of stderr (`[pid  N]`) and -o (`N  `) lines, and drops timestamps', () => {
    expect(splitPrefix('[pid  6033] splice(3, [0], 5, NULL, 4096, 0) = 4096')).toEqual({
      pid: 6033,
      body: 'splice(3, [0], 5, NULL, 4096, 0) = 4096',
    });
    expect(splitPrefix('5991  write(3, "A", 1) = 1')).toEqual({ pid: 5991, body: 'write(3, "A", 1) = 1' });
    expect(splitPrefix('5991  12:00:01.123456 close(3) = 0')).toEqual({ pid: 5991, body: 'close(3) = 0' });
    expect(splitPrefix('1700000000.123456 close(3) = 0')).toEqual({ pid: undefined, body: 'close(3) = 0' });
    expect(splitPrefix('     0.000123 close(3) = 0')).toEqual({ pid: undefined, body: 'close(3) = 0' });
    expect(splitPrefix('close(3) = 0')).toEqual({ pid: undefined, body: 'close(3) = 0' });
  });
});

describe('strings and arguments', () => {
  it('decodes the escapes strace prints', () => {
    expect(decodeCString('a\\"b\\\\c\\n\\t\\0\\177\\x41')).toEqual([97, 34, 98, 92, 99, 10, 9, 0, 127, 65]);
    expect(decodeCString('\\0\\0\\0')).toEqual([0, 0, 0]);
    expect(decodeCString('\\1770')).toEqual([127, 48]);
  });

  it('a quoted string may hold commas, brackets and quotes without splitting the arguments', () => {
    const r = parseCallText('write(1, "a, (b] \\"c\\", d"..., 4096) = 4096');
    expect(r).toMatchObject({ name: 'write', result: { value: 4096 } });
    const args = (r as { args: unknown[] }).args;
    expect(args).toHaveLength(3);
    expect(args[1]).toEqual({ kind: 'string', bytes: [...Buffer.from('a, (b] "c", d')], truncated: true });
  });

  it('reads arrays, structs, flags, -y annotations, entry => exit values and comments', () => {
    expect(parseArg('[4, 5]')).toEqual({
      kind: 'array',
      items: [
        { kind: 'number', value: 4 },
        { kind: 'number', value: 5 },
      ],
    });
    expect(parseArg('{iov_base="AB"..., iov_len=4096}')).toEqual({
      kind: 'struct',
      fields: {
        iov_base: { kind: 'string', bytes: [65, 66], truncated: true },
        iov_len: { kind: 'number', value: 4096 },
      },
    });
    expect(parseArg('O_RDWR|O_CREAT|O_TRUNC')).toEqual({ kind: 'symbol', text: 'O_RDWR|O_CREAT|O_TRUNC' });
    expect(parseArg('3</tmp/somefile>')).toEqual({ kind: 'number', value: 3, annotation: '/tmp/somefile' });
    expect(parseArg('0x7f0e012f0000')).toEqual({ kind: 'number', value: 0x7f0e012f0000 });
    expect(parseArg('0644')).toEqual({ kind: 'number', value: 0o644 });
    expect(parseArg('[0] => [4096]')).toEqual({
      kind: 'array',
      items: [{ kind: 'number', value: 0 }],
      after: { kind: 'array', items: [{ kind: 'number', value: 4096 }] },
    });
    const exec = parseCallText('execve("./a", ["./a"], 0x7ffd /* 39 vars */) = 0');
    expect((exec as { args: unknown[] }).args).toHaveLength(3);
  });
});

describe('results', () => {
  it('reads a value, an errno with its message, an address and `?`', () => {
    expect(parseResult('-1 EOPNOTSUPP (Operation not supported)')).toEqual({
      value: -1,
      errno: 'EOPNOTSUPP',
      text: '-1 EOPNOTSUPP (Operation not supported)',
    });
    expect(parseResult('4096 <0.000021>')).toMatchObject({ value: 4096, errno: undefined });
    expect(parseResult('0x7f0e012e6000')).toMatchObject({ value: 0x7f0e012e6000 });
    expect(parseResult('3</tmp/f>')).toMatchObject({ value: 3 });
    expect(parseResult('? ERESTARTSYS (To be restarted if SA_RESTART is set)')).toMatchObject({
      value: undefined,
      errno: 'ERESTARTSYS',
    });
    const r = parseCallText(
      'fallocate(3, FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE, 0, 4096) = -1 EOPNOTSUPP (Operation not supported)',
    );
    expect(r).toMatchObject({ name: 'fallocate', result: { value: -1, errno: 'EOPNOTSUPP' } });
  });
});

describe('parseStraceLog', () => {
  it('joins <unfinished ...> and <... NAME resumed> of the same pid across other lines; numbered by the first', () => {
    const log = [
      '[pid  11] read(4,  <unfinished ...>',
      '[pid  12] fallocate(3, FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE, 0, 4096) = 0',
      '[pid  11] <... read resumed>"\\0\\0\\0\\0"..., 4096) = 4096',
    ].join('\n');
    const { calls, problems } = parseStraceLog(log);
    expect(problems).toEqual([]);
    expect(calls.map((c) => [c.name, c.pid, c.line, c.endLine])).toEqual([
      ['fallocate', 12, 2, 2],
      ['read', 11, 1, 3],
    ]);
    expect(calls[1]!.text).toBe('read(4, "\\0\\0\\0\\0"..., 4096) = 4096');
    expect(calls[1]!.args[1]).toEqual({ kind: 'string', bytes: [0, 0, 0, 0], truncated: true });
  });

  it('-o style: every line carries its pid; madvise resumed with nothing but the result', () => {
    const log = ['5993  madvise(0x7f00, 8368128, MADV_DONTNEED <unfinished ...>', '5993  <... madvise resumed>) = 0'];
    const { calls } = parseStraceLog(log.join('\n'));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: 'madvise', pid: 5993, line: 1, endLine: 2, result: { value: 0 } });
  });

  it('stderr style: unprefixed lines belong to the first process, known once a prefixed line shows it', () => {
    const log = [
      'openat(AT_FDCWD, "/tmp/f", O_RDWR|O_CREAT|O_TRUNC, 0644) = 3',
      'strace: Process 6033 attached',
      '[pid  6032] pipe2([4, 5], 0) = 0',
      '[pid  6033] splice(3, [0], 5, NULL, 4096, 0) = 4096',
      '[pid  6033] +++ exited with 0 +++',
      'write(1, "done\\n", 5) = 5',
      '+++ exited with 0 +++',
    ];
    const { calls } = parseStraceLog(log.join('\n'));
    expect(calls.map((c) => [c.name, c.pid])).toEqual([
      ['openat', 6032],
      ['pipe2', 6032],
      ['splice', 6033],
      ['write', 6032],
    ]);
  });

  it('a log without pids (strace without -f) has no pids', () => {
    expect(parseStraceLog('close(3) = 0\n').calls[0]!.pid).toBeUndefined();
  });

  it('a call that never returns gets the result `?`; an unreadable call line is a problem, not dropped', () => {
    const log = ['7  read(0,  <unfinished ...>', '7  write(3, "x" = 1', '7  +++ killed by SIGKILL +++'].join('\n');
    const { calls, problems } = parseStraceLog(log);
    expect(calls).toMatchObject([{ name: 'read', pid: 7, line: 1, result: { value: undefined } }]);
    expect(problems).toEqual([{ line: 2, reason: 'the argument list does not close', text: 'write(3, "x" = 1' }]);
  });

  it('a resumed call whose start the log does not show is a problem', () => {
    const { problems } = parseStraceLog('9  <... read resumed>"A", 1) = 1');
    expect(problems).toMatchObject([{ line: 1, reason: 'resumes a read call the log does not show' }]);
  });

  it('a line nested thousands deep, an unterminated string or a __proto__ field neither crashes nor pollutes', () => {
    const deep = `read(3, ${'['.repeat(50_000)}${']'.repeat(50_000)}, 1) = 1`;
    const log = [deep, 'write(3, "abc\\', 'fstat(3, {__proto__=1, st_size=2}) = 0'].join('\n');
    const { calls, problems } = parseStraceLog(log);
    expect(calls.map((c) => c.name)).toEqual(['read', 'fstat']);
    expect(problems.map((p) => p.line)).toEqual([2]);
    expect(({} as Record<string, unknown>).st_size).toBeUndefined();
  });

  it('skips signals and exits', () => {
    const log = '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---\n+++ exited with 1 +++\n';
    expect(parseStraceLog(log)).toEqual({ calls: [], problems: [] });
  });
});
