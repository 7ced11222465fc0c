#!/usr/bin/env node
// Builds the live-kernel oracle helper (oracle/helper.c -> oracle/build/pipecheck-oracle).
// Never fails the install: without a C compiler, on a non-Linux system, or if
// the compile fails, it prints a warning and exits 0; the TypeScript side then
// reports the oracle as unavailable (oracleAvailable()).
import { spawnSync } from 'node:child_process';
import { mkdirSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'oracle', 'helper.c');
const outDir = join(root, 'oracle', 'build');
const out = join(outDir, 'pipecheck-oracle');

function warn(msg) {
  console.warn(
    `pipecheck: live-kernel oracle not built: ${msg} ` +
      "(everything else works; 'replay --live' and 'conform' will report the oracle as unavailable)",
  );
  process.exit(0);
}

if (process.platform !== 'linux') warn(`platform is ${process.platform}, not linux`);
if (!existsSync(src)) warn(`${src} is missing`);
const cc = process.env.CC || 'cc';
try {
  mkdirSync(outDir, { recursive: true });
} catch (e) {
  warn(`cannot create ${outDir}: ${e instanceof Error ? e.message : String(e)}`);
}
const r = spawnSync(cc, ['-O2', '-Wall', '-o', out, src], { stdio: ['ignore', 'inherit', 'inherit'] });
if (r.error) warn(`cannot run C compiler '${cc}': ${r.error.message}`);
if (r.status !== 0) {
  try {
    rmSync(out, { force: true });
  } catch {
    /* ignore */
  }
  warn(`'${cc}' exited with status ${r.status ?? r.signal}`);
}
console.log(`pipecheck: built ${out}`);
