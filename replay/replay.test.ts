import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replay } from './replay.js';

const classic = JSON.parse(
  readFileSync(new URL('../counterexamples/classic/write.json', import.meta.url), 'utf8'),
) as Record<string, unknown> & { scenario: Record<string, unknown> };

describe('replaying a counterexample file that contradicts itself', () => {
  it('a process named env in the scenario does not replay silently wrong: replay says why', () => {
    const scenario = { ...classic.scenario, processes: [{ name: 'env', program: [] }] };
    expect(() => replay({ ...classic, scenario })).toThrow(/processes\[0\]\.name: "env" names the free environment/);
  });
});
