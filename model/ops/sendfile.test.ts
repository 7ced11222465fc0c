import { describe, expect, it } from 'vitest';
import { dataStability } from '../../invariants/data-stability.js';
import { traceSteps } from '../../checker/report.js';
import { explore } from '../../explorer/bfs.js';
import { toProperties } from '../../invariants/property.js';
import { KERNEL_IDS, type KernelId } from '../kernels/index.js';
import { reads, runSteps } from '../run-steps.js';
import { parseScenario } from '../scenario.js';
import { ScenarioModel } from '../scenario-model.js';
import { SOCKET } from '../state.js';
import type { Step } from '../step.js';

const bounds = { pages: 2, cells: 2, values: 2, slots: 2, folioPages: 1, userPages: 1 };
const full = { file: [1, 1, 1, 1], cached: true, folios: [1, 1], user: [[1, 1]] };

/** sendfile the first page, `then`, and the peer reads what is queued. */
function peerReads(kernel: KernelId, then: readonly Step[]): (readonly number[])[] {
  const steps: Step[] = [{ op: 'sendfile', off: 0, len: 2 }, ...then, { op: 'socket-read', len: 4 }];
  const run = runSteps(steps, { kernel, bounds, initial: full });
  expect(run.completed).toBe(true);
  return reads(run);
}

describe('sendfile and socket-read', () => {
  it('linux: the socket references the page-cache folio; a pwrite before the peer reads changes what it gets', () => {
    const run = runSteps([{ op: 'sendfile', off: 0, len: 2 }], { kernel: 'linux', bounds, initial: full });
    const [b] = run.final.pipes[SOCKET]!.buffers;
    expect(b).toMatchObject({ folio: run.final.pageCache[0], cells: [1, 1], ghost: [1, 1] });
    expect(run.final.pipes[0]!.buffers).toEqual([]);
    expect(peerReads('linux', [{ op: 'write', off: 0, len: 1, value: 2 }])).toEqual([[2, 1]]);
  });

  it('linux: truncate to 0 leaves the peer the old data; a sub-page punch zeroes it (measured, every fs)', () => {
    expect(peerReads('linux', [{ op: 'truncate', size: 0 }])).toEqual([[1, 1]]);
    expect(peerReads('linux', [{ op: 'fallocate-punch', off: 0, len: 1 }])).toEqual([[0, 1]]);
  });

  it.each([
    ['copy', [1, 1]],
    ['move', [1, 1]],
    ['howells-rfc', [1, 1]],
    ['cow', [1, 1]],
    ['linux', [2, 1]],
    ['dirty-pipe', [2, 1]],
  ] as const)('%s: what the peer gets after a pwrite over the sent cells', (kernel, got) => {
    expect(KERNEL_IDS).toContain(kernel);
    expect(peerReads(kernel, [{ op: 'write', off: 0, len: 1, value: 2 }])).toEqual([got]);
  });

  it('sends no more buffers than the queue has slots, and nothing at EOF or into a full queue', () => {
    const one = { ...bounds, slots: 1 };
    const run = runSteps([{ op: 'sendfile', off: 0, len: 4 }], { bounds: one, initial: full });
    expect(run.final.pipes[SOCKET]!.buffers.map((b) => b.cells)).toEqual([[1, 1]]);
    const full1 = runSteps(
      [
        { op: 'sendfile', off: 0, len: 4 },
        { op: 'sendfile', off: 2, len: 2 },
      ],
      { bounds: one, initial: full },
    );
    expect(full1.completed).toBe(false);
    expect(runSteps([{ op: 'sendfile', off: 4, len: 1 }], { bounds, initial: full }).completed).toBe(false);
    expect(runSteps([{ op: 'socket-read', len: 1 }], { bounds, initial: full }).completed).toBe(false);
  });

  it('data-stability judges the peer as a pipe reader: sendfile, write, socket-read is the shortest violation', () => {
    const sc = parseScenario({
      bounds: { ...bounds, depth: 3 },
      environment: { ops: ['sendfile', 'write', 'socket-read'] },
    });
    const model = new ScenarioModel(sc);
    const [property] = toProperties(model, [dataStability]);
    const r = explore(model, [property!], { maxDepth: 3 });
    const [v] = r.violations;
    const shown = traceSteps(model, v!.trace, v!.initialIndex);
    expect(shown.steps.map((st) => st.op)).toEqual(['sendfile', 'write', 'socket-read']);
    expect(shown.changes[0]).toContainEqual(expect.stringMatching(/^the socket: \[1\] -> folio of file page 0/));
    expect(v?.message).toMatch(/^the peer of the socket expected \[1\] \(what entered the socket\) but saw \[2\]/);
  });
});
