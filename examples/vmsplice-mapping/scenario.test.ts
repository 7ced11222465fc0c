import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exploreScenario } from '../../checker/explore.js';
import { dataStability } from '../../invariants/data-stability.js';
import { parseScenario } from '../../model/scenario.js';

const file = new URL('./scenario.json', import.meta.url);

function check(kernel: 'linux' | 'copy') {
  const scenario = { ...parseScenario(JSON.parse(readFileSync(file, 'utf8')), 'scenario.json'), kernel };
  return exploreScenario({ scenario, invariants: {} }, [dataStability]).result;
}

describe('examples/vmsplice-mapping: vmsplice from a MAP_PRIVATE mapping, then a pwrite, then the read', () => {
  it('linux: the pipe references the page-cache page, so the reader gets the pwrite (3 steps)', () => {
    const [v] = check('linux').violations;
    expect(v?.length).toBe(3);
    expect(v?.message).toBe('the reader of pipe 0 expected [1, 1] (what entered the pipe) but saw [2, 1]');
  });

  it('copy: vmsplice copies, so every interleaving holds', () => {
    const r = check('copy');
    expect(r.complete).toBe(true);
    expect(r.violations).toEqual([]);
  });
});
