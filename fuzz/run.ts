/**
 * `npm run fuzz [-- --runs N --cli N --seed S]`: 10,000 hostile inputs of
 * each kind in-process and 200 of each through the command line (default),
 * then a summary. Exit 1 on any crash, hang or exit code outside 0-3; the
 * shrunk input is printed with the seed that finds it again.
 */
import { runCampaign } from './campaign.js';
import { removePluginDir } from './targets.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const runs = arg('--runs', 10_000);
const cliRuns = arg('--cli', 200);
const seed = arg('--seed', Date.now() % 2 ** 31);
process.stdout.write(
  `fuzz: ${runs} inputs of each kind in-process, ${cliRuns} through the command line, seed ${seed}\n`,
);
let failed = 0;
try {
  await runCampaign({
    runs,
    cliRuns,
    seed,
    onReport: (r) => {
      const secs = (r.elapsedMs / 1000).toFixed(1);
      process.stdout.write(
        `  ${r.kind}: ${r.runs} inputs, ${r.refused} refused clearly, ${r.taken} taken, ${secs} s\n`,
      );
      if (r.failure) {
        failed++;
        process.stdout.write(
          `    ${r.failure.kind.toUpperCase()}: ${r.failure.message}\n    input: ${r.failure.input}\n`,
        );
      }
    },
  });
} finally {
  removePluginDir();
}
process.stdout.write(
  failed === 0 ? 'fuzz: 0 crashes, 0 hangs\n' : `fuzz: ${failed} kinds failed; re-run with --seed ${seed}\n`,
);
process.exitCode = failed === 0 ? 0 : 1;
