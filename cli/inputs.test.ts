import { describe, expect, it } from 'vitest';
import { UsageError } from './exit.js';
import { releaseOption, scenarioOf } from './inputs.js';

describe('--release', () => {
  it('passes a given release through (checked where it is applied) and leaves none alone', () => {
    expect(releaseOption('6.1')).toBe('6.1');
    expect(releaseOption(undefined)).toBeUndefined();
    expect(scenarioOf(undefined, { release: '6.1' }).scenario.release).toBe('6.1');
    expect(() => scenarioOf(undefined, { release: '6.2' })).toThrow(
      '--release: unknown Linux release "6.2"; modelled: 6.1, 6.18 (or auto: the running kernel\'s)',
    );
  });

  it("auto: the running kernel's release, said on stderr", () => {
    const said: string[] = [];
    expect(
      releaseOption(
        'auto',
        (l) => said.push(l),
        '--release',
        () => '6.1.0-57-cloud-amd64',
      ),
    ).toBe('6.1');
    expect(
      releaseOption(
        'auto',
        (l) => said.push(l),
        '--release',
        () => '6.18.44-fc-v1300',
      ),
    ).toBe('6.18');
    expect(releaseOption('auto', undefined, '--release', () => '6.19.1')).toBe('6.18');
    expect(said).toEqual([
      '--release auto: Linux 6.1 (uname -r: 6.1.0-57-cloud-amd64)',
      '--release auto: Linux 6.18 (uname -r: 6.18.44-fc-v1300)',
    ]);
  });

  it('auto on a kernel no modelled release describes is a usage error (exit 2) saying to pick one', () => {
    const run = () => releaseOption('auto', undefined, '--releases', () => '6.8.0-45-generic');
    expect(run).toThrow(UsageError);
    expect(run).toThrow(
      '--releases auto: the running kernel is Linux 6.8.0-45-generic, which no modelled release describes ' +
        '(modelled: 6.1, 6.18: 6.1.y is 6.1, 6.18 and later 6.18); ' +
        'pick one explicitly with --releases 6.1 or --releases 6.18',
    );
  });
});
