/**
 * `check --checkpoint DIR`, `--checkpoint-every SECONDS`, `--resume DIR`: the
 * checkpoint a job asks for, checked before anything runs (a checkpoint of
 * another search is refused with exit 2, naming the file and the field), and
 * the lines said on stderr when one is written.
 */
import {
  checkpointFile,
  checkpointKey,
  checkResumable,
  DEFAULT_CHECKPOINT_EVERY_MS,
  type CheckpointJob,
} from '../checker/checkpoint.js';
import type { ExploreJob } from '../checker/explore.js';
import type { ExploreEvent } from '../explorer/result.js';
import { UsageError } from './exit.js';
import type { CliOptions } from './options.js';
import { num, stepsText } from './render.js';

/** The job's checkpoint from the options (undefined: none asked); UsageError or InputError when it cannot be. */
export function checkpointJobOf(opts: CliOptions, job: ExploreJob): CheckpointJob | undefined {
  const dir = opts.checkpoint ?? opts.resume;
  if (dir === undefined) {
    if (opts.checkpointEvery !== undefined) throw new UsageError('--checkpoint-every needs --checkpoint DIR');
    return undefined;
  }
  const flag = opts.checkpoint !== undefined ? '--checkpoint' : '--resume';
  if (opts.graph !== undefined) throw new UsageError(`${flag} and --graph do not go together (the graph is not saved)`);
  const key = checkpointKey(job);
  if (opts.resume !== undefined) checkResumable(opts.resume, key);
  return {
    dir,
    everyMs: opts.checkpointEvery === undefined ? DEFAULT_CHECKPOINT_EVERY_MS : opts.checkpointEvery * 1000,
    resumeFrom: opts.resume,
    key,
  };
}

/** The stderr line for a checkpoint written. */
export function checkpointLine(e: Extract<ExploreEvent, { type: 'checkpoint' }>, dir: string): string {
  return (
    `checkpoint: every trace of at most ${stepsText(e.depth)} checked (${num(e.statesDistinct)} states), ` +
    `saved to ${checkpointFile(dir)}`
  );
}
