import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveScenario } from '../checker/inputs.js';
import { readReportPage } from './files.js';
import { readCounterexample } from '../counterexamples/file.js';

const tmp = mkdtempSync(join(tmpdir(), 'pipecheck-kind-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const CX = 'counterexamples/classic/truncate.json';
const SCENARIO = 'examples/seed-reproducer.json';

describe('a file given to the wrong command is named for what it is', () => {
  it('a scenario where a counterexample is expected (replay, export-test, report): use check', () => {
    const use = `this is a scenario, not a counterexample: use pipecheck check ${SCENARIO}`;
    expect(() => readCounterexample(SCENARIO)).toThrow(`${SCENARIO}: not a valid counterexample:\n  - ${use}`);
    expect(() => readReportPage(SCENARIO)).toThrow(`this is a scenario, not a counterexample: use pipecheck check`);
  });

  it('a counterexample where a scenario is expected (check, simulate, run): use replay', () => {
    expect(() => resolveScenario(CX)).toThrow(
      `${CX}: this is a counterexample, not a scenario: use pipecheck replay ${CX}`,
    );
  });

  it('a counterexample that is not JSON is placed at FILE:LINE:COLUMN; a missing one is named', () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{\n  "format": "pipecheck-counterexample/1",\n  "trace": [1,]\n}\n');
    expect(() => readCounterexample(bad)).toThrow(`${bad}:3:15: not a valid counterexample:\n  - not JSON: a value`);
    const missing = join(tmp, 'nope.json');
    expect(() => readCounterexample(missing)).toThrow(`cannot read: no such file: ${missing}`);
  });
});
