/**
 * The job channel between the host and the guest (a second serial port,
 * /dev/ttyS1 in the guest, in raw mode; a Unix socket on the host). Pure.
 *
 * Host to guest, one job at a time:
 *   J ID KIND FS SECS LEN\n  then LEN bytes: the helper's stdin
 *   (KIND: run | probe; FS: a guest file system, mounted at /mnt/FS; SECS:
 *   the guest kills the helper after that long)
 * Guest to host:
 *   READY KVER FS...\n       once, when the guest is up (the file systems it mounted)
 *   R ID STATUS OUTLEN ERRLEN\n  then OUTLEN bytes of the helper's stdout and ERRLEN of its stderr
 *   (STATUS: the helper's exit status; 128+N when signal N ended it)
 * Any other line is noise, reported as such.
 */
import { GUEST_FILE_SYSTEMS, type GuestFs } from './releases.js';

export interface GuestJob {
  readonly id: number;
  readonly kind: 'run' | 'probe';
  readonly fs: GuestFs;
  /** The guest kills the helper after this many seconds. */
  readonly timeoutSecs: number;
  readonly stdin: string;
}

export type GuestMessage =
  | { readonly type: 'ready'; readonly kernel: string; readonly mounted: readonly GuestFs[] }
  | {
      readonly type: 'result';
      readonly id: number;
      /** The helper's exit status (128+N: signal N). */
      readonly status: number;
      readonly stdout: string;
      readonly stderr: string;
    }
  | { readonly type: 'noise'; readonly line: string };

/** A job as the guest reads it. */
export function encodeJob(job: GuestJob): Buffer {
  if (!Number.isSafeInteger(job.id) || job.id < 0) throw new RangeError(`job id ${job.id}`);
  if (!Number.isInteger(job.timeoutSecs) || job.timeoutSecs < 1) throw new RangeError(`timeout ${job.timeoutSecs}`);
  const body = Buffer.from(job.stdin, 'utf8');
  return Buffer.concat([Buffer.from(`J ${job.id} ${job.kind} ${job.fs} ${job.timeoutSecs} ${body.length}\n`), body]);
}

const RESULT = /^R\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/;

/** One header line's meaning: a READY, a result's header (with the bytes that follow), or noise. */
function readHeader(line: string):
  | { type: 'ready'; message: GuestMessage }
  | { type: 'result'; id: number; status: number; out: number; err: number }
  | {
      type: 'noise';
      message: GuestMessage;
    } {
  const words = line.trim().split(/\s+/);
  if (words[0] === 'READY' && words[1] !== undefined) {
    const mounted = words.slice(2).filter((w): w is GuestFs => (GUEST_FILE_SYSTEMS as readonly string[]).includes(w));
    return { type: 'ready', message: { type: 'ready', kernel: words[1], mounted } };
  }
  const m = RESULT.exec(line);
  if (m) return { type: 'result', id: Number(m[1]), status: Number(m[2]), out: Number(m[3]), err: Number(m[4]) };
  return { type: 'noise', message: { type: 'noise', line } };
}

/** Reads the guest's byte stream into messages, however it is split into chunks. */
export class GuestReader {
  private buf: Buffer = Buffer.alloc(0);
  private pending: { id: number; status: number; out: number; err: number } | undefined;

  /** Add received bytes; the messages they complete. */
  push(chunk: Buffer): GuestMessage[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: GuestMessage[] = [];
    for (;;) {
      const m = this.next();
      if (!m) return out;
      out.push(m);
    }
  }

  private next(): GuestMessage | undefined {
    if (this.pending) {
      const { id, status, out, err } = this.pending;
      if (this.buf.length < out + err) return undefined;
      const stdout = this.buf.subarray(0, out).toString('utf8');
      const stderr = this.buf.subarray(out, out + err).toString('utf8');
      this.buf = this.buf.subarray(out + err);
      this.pending = undefined;
      return { type: 'result', id, status, stdout, stderr };
    }
    const nl = this.buf.indexOf(0x0a);
    if (nl < 0) return undefined;
    const line = this.buf.subarray(0, nl).toString('utf8').replace(/\r$/, '');
    this.buf = this.buf.subarray(nl + 1);
    const h = readHeader(line);
    if (h.type !== 'result') return h.message;
    this.pending = h;
    return this.next();
  }
}
