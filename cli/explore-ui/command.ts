/**
 * `pipecheck explore [SCENARIO.json]`: the scenario as check builds it (the
 * same options: kernel, release, profile, kernel choices, bounds,
 * invariants, plugins), served to a browser on 127.0.0.1 (server.ts) until
 * Ctrl-C, which stops it cleanly (exit 0). Bad input exits 2 before anything
 * listens, as check does.
 */
import type { ExploreJob } from '../../checker/explore.js';
import { checkInitialForProfile, resolveRequest } from '../../checker/inputs.js';
import { resolvedRelease, timeoutMs } from '../check.js';
import { ABORT, runJobs } from '../explore-job.js';
import { EXIT, UsageError } from '../exit.js';
import { fsProfileOf, invariantRequest, scenarioOf } from '../inputs.js';
import { processIo, type Io } from '../io.js';
import { workersOf, type CliOptions } from '../options.js';
import { checkOutputDir, outDirOf } from '../outputs.js';
import { exploreCommandLine } from './api.js';
import { startServer, type RunningServer } from './server.js';
import { createSession, type ExploreSession } from './session.js';

/** The session check's options describe (every input problem an InputError: exit 2). */
export async function sessionOf(
  file: string | undefined,
  opts: CliOptions,
  io: Io,
  shared: Int32Array = new Int32Array(new SharedArrayBuffer(8)),
): Promise<ExploreSession> {
  const { scenario } = scenarioOf(file, opts, io.err);
  const request = invariantRequest(opts.invariant, opts, { file: file ?? null, ids: scenario.invariants });
  const fs = await fsProfileOf(opts, io.err, {
    file: file ?? null,
    fsProfile: scenario.fsProfile,
    release: scenario.release,
  });
  checkInitialForProfile(scenario, fs, file ?? 'the default scenario');
  const outDir = outDirOf(opts.out, io.err);
  checkOutputDir('--out', outDir);
  const { invariants } = await resolveRequest(request);
  const job: Omit<ExploreJob, 'scenario' | 'invariants' | 'fs'> = {
    maxStates: opts.maxStates,
    timeoutMs: timeoutMs(opts),
    workers: workersOf(opts),
  };
  return createSession({
    scenario,
    file: file ?? null,
    fs,
    invariants,
    request,
    job,
    outDir,
    command: exploreCommandLine(file, resolvedRelease(opts, scenario), scenario.kernel),
    // Check's own runner: a worker thread when built (the page stays responsive), else here.
    run: async (j) => {
      const [done] = await runJobs([j], { shared }, () => undefined);
      if (done === undefined) throw new Error('the search ended without a result');
      return done;
    },
  });
}

/**
 * Resolves on the first SIGINT or SIGTERM, or when the parent process goes
 * away (npx's `sh -c` killed: the server would run on, orphaned).
 */
function untilSignal(): Promise<unknown> {
  return new Promise((resolve) => {
    const parent = process.ppid;
    const orphaned = setInterval(() => {
      if (process.ppid !== parent) on();
    }, 500);
    const on = (): void => {
      clearInterval(orphaned);
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(undefined);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export async function exploreCommand(
  args: readonly string[],
  opts: CliOptions,
  io: Io = processIo,
  /** What ends the server (default: Ctrl-C or SIGTERM). */
  until: (server: RunningServer) => Promise<unknown> = untilSignal,
): Promise<number> {
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const session = await sessionOf(args[0], opts, io, shared);
  let server: RunningServer;
  try {
    server = await startServer(session, { port: opts.port });
  } catch (e) {
    throw new UsageError(`--port ${opts.port ?? 0}: cannot listen on 127.0.0.1 (${(e as Error).message})`);
  }
  io.out(`pipecheck explore: open ${server.url}`);
  io.err('(only this machine can reach it, and only with the token; Ctrl-C stops it)');
  await until(server);
  // A search still running stops at its next poll.
  Atomics.store(shared, ABORT, 1);
  await server.close();
  io.err('pipecheck explore: stopped');
  return EXIT.ok;
}
