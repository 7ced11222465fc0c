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

describe('examples/sendfile: the server sends, the application rewrites the file, the peer reads', () => {
  it('linux: the peer gets the rewritten cell (3 steps: sendfile, write, socket-read)', () => {
    const [v] = check('linux').violations;
    expect(v?.length).toBe(3);
    expect(v?.message).toBe('the peer of the socket expected [1, 1] (what entered the socket) but saw [2, 1]');
  });

  it('copy: sendfile copies, so every interleaving holds', () => {
    const r = check('copy');
    expect(r.complete).toBe(true);
    expect(r.violations).toEqual([]);
  });
});
