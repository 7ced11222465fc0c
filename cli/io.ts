/** Where a command's lines go: stdout and stderr, or a test's arrays. */
import type { ExploreEvent } from '../explorer/result.js';
import { progressLine } from './render.js';

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Progress lines (stderr) from the explorer's events. */
/** Progress lines on stderr; `label` names the job a line is about (matrix: its kernel). */
export function progressPrinter(io: Io, label?: (job: number) => string): (e: ExploreEvent, job: number) => void {
  return (e, job) => {
    if (e.type === 'progress') io.err(progressLine(e, label?.(job)));
  };
}

export const INTERRUPTED = 'interrupted: stopping the search (press ^C again to quit at once)';
