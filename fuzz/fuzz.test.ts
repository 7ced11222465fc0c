/**
 * The fuzzer, seeded and small, in every test run: a few hundred hostile
 * inputs of each kind in-process and a handful through the command line.
 * `npm run fuzz` runs the full campaign (10,000 of each, 200 through the
 * command line).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCampaign } from './campaign.js';
import { removePluginDir } from './targets.js';

afterAll(removePluginDir);

describe('the fuzzer, seeded (npm run fuzz runs the full campaign)', () => {
  it('300 hostile inputs of each kind in-process and 8 through the command line: no crash, no hang', async () => {
    const reports = await runCampaign({ runs: 300, cliRuns: 8, seed: 42 });
    expect(reports.map((r) => r.kind)).toEqual([
      'scenarios',
      'counterexamples',
      'plugins',
      'scenarios (command line)',
      'counterexamples (command line)',
      'plugins (command line)',
    ]);
    for (const r of reports) {
      expect(r.failure, `${r.kind}: ${r.failure?.message}\ninput: ${r.failure?.input}`).toBeUndefined();
      expect(r.refused + r.taken).toBe(r.runs);
    }
    // The mutations reach past the parser: some inputs of each in-process kind are valid and run.
    for (const r of reports.slice(0, 3)) expect(r.taken).toBeGreaterThan(0);
  }, 300_000);
});
