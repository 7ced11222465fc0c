// Run the live-kernel conformance check from the compiled package:
//   npx tsc -p tsconfig.build.json && node scripts/conform.mjs [--fs DIR] [--runs N] [--seed S] [--out DIR]
// (the same as `pipecheck conform`; exit code 0 agree, 1 disagreement, 2 no oracle / bad usage).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const { runConform } = await import(pathToFileURL(resolve('dist/oracle/conform.js')).href);
const runs = opt('runs');
const seed = opt('seed');
const code = await runConform({
  ...(opt('fs') ? { fs: opt('fs') } : {}),
  ...(runs ? { runs: Number(runs) } : {}),
  ...(seed ? { seed: Number(seed) } : {}),
  ...(opt('out') ? { out: opt('out') } : {}),
  ...(opt('max-steps') ? { maxSteps: Number(opt('max-steps')) } : {}),
});
process.exit(code);
