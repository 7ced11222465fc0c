import { describe, expect, it } from 'vitest';
import { counterexampleOf } from '../counterexamples/build.js';
import { parseScenario } from '../model/scenario.js';
import { replay } from './replay.js';

describe('replaying on a Linux release', () => {
  it('replay takes the release recorded (or the one asked for): one trace, two verdicts', () => {
    // tmpfs huge=always: a PMD folio, pages 2-3 punched, an 8 KiB write there, page 3 spliced and
    // punched. On 6.18 the write makes one 2-page folio that the punch zeroes in place under the
    // pipe; on 6.1 it makes order-0 folios (measured), so the punch drops page 3's whole: the pipe
    // keeps the old data.
    const steps = [
      { op: 'write', off: 0, len: 4, value: 1 },
      { op: 'fallocate-punch', off: 2, len: 2 },
      { op: 'write', off: 2, len: 2, value: 1 },
      { op: 'splice', off: 3, len: 1 },
      { op: 'fallocate-punch', off: 3, len: 1 },
      { op: 'pipe-read', len: 1 },
    ] as const;
    const found = (release?: '6.1') =>
      counterexampleOf({
        scenario: parseScenario({
          ...(release ? { release } : {}),
          bounds: { pages: 4, cells: 1, values: 1, slots: 2, folioPages: 4, userPages: 0, depth: 6 },
          initial: { file: [], cached: true, folios: [] },
          processes: [{ name: 'p', program: steps }],
          invariants: ['data-stability'],
        }),
        invariant: 'data-stability',
        fs: 'tmpfs-huge',
        trace: steps.map((s) => ({ ...s, process: 'p' })),
        message: 'the reader saw zeros',
        stats: {},
        command: 'none',
      });
    const on618 = found();
    expect(on618.release).toBe('6.18');
    expect(replay(on618)).toMatchObject({ release: '6.18', reproduced: true });
    expect(replay(on618, { release: '6.1' })).toMatchObject({ release: '6.1', reproduced: false });
    const on61 = found('6.1');
    expect(on61.release).toBe('6.1');
    expect(replay(on61)).toMatchObject({ release: '6.1', reproduced: false });
  });
});
