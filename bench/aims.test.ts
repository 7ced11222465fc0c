/** The aims judged on a hand-made bench document: met, not met, not measured (and why). */
import { describe, expect, it } from 'vitest';
import { aimsOf, formatAims, type Measured } from './aims.js';
import type { Row } from './run.js';

function row(group: string, tool: Row['tool'], depth: number, wallMs: number, extra: Partial<Row> = {}): Row {
  return {
    group,
    case: `${group} question`,
    depth,
    tool,
    statesDistinct: 1000,
    transitions: 4000,
    wallMs,
    reps: 1,
    result: 'holds',
    transitionsPerSecond: Math.round(4000 / (wallMs / 1000)),
    statesPerSecond: Math.round(1000 / (wallMs / 1000)),
    ...extra,
  };
}

const doc: Measured = {
  options: { reps: 1, quick: false, only: null },
  rows: [
    // side-by-side: the CLI takes 0.4 of SPIN's time: met.
    row('side-by-side', 'spin', 6, 1000),
    row('side-by-side', 'pipecheck-cli', 6, 400),
    row('side-by-side', 'pipecheck-library', 6, 300),
    // workers: a speed-up of 1.5: not met.
    row('workers', 'pipecheck-cli', 5, 1500, { variant: 'workers 1' }),
    row('workers', 'pipecheck-cli', 5, 1000, { variant: 'workers 2' }),
    // shortest-vs-spin: SPIN missing, the CLI's row alone.
    row('shortest-vs-spin', 'pipecheck-cli', 4, 600),
    // throughput at depth 4: 0.6 of the bare loop's transitions/s: met, with a note.
    row('throughput', 'pipecheck-engine', 4, 1000),
    row('throughput', 'bare-loop', 4, 600),
  ],
  skipped: [
    { group: 'shortest-vs-spin', reason: 'SPIN skipped: spin is not installed (Debian: apt-get install spin)' },
  ],
};

describe('aimsOf', () => {
  const [sideBySide, workers, shortest, throughput] = aimsOf(doc);

  it('judges a ratio within its aim as met', () => {
    expect(sideBySide).toMatchObject({ measured: 0.4, aim: { direction: 'at-most', value: 0.5 }, met: true });
    expect(sideBySide!.note).toBeUndefined();
  });

  it('judges a ratio short of its aim as not met', () => {
    expect(workers).toMatchObject({ measured: 1.5, aim: { direction: 'at-least', value: 1.85 }, met: false });
  });

  it('says a figure was not measured, with the reason the bench gave, when SPIN is missing', () => {
    expect(shortest).toMatchObject({ measured: null, met: null });
    expect(shortest!.note).toMatch(/spin is not installed/);
  });

  it('judges a figure measured on a smaller question, saying so', () => {
    expect(throughput).toMatchObject({ measured: 0.6, met: true });
    expect(throughput!.note).toBe("measured at depth 4; the aim's question is at depth 5");
  });

  it('says which groups --only left out', () => {
    const rows = doc.rows.filter((r) => r.group === 'throughput');
    const only = aimsOf({ options: { ...doc.options, only: ['throughput'] }, rows, skipped: [] });
    expect(only.map((a) => a.met)).toEqual([null, null, null, true]);
    expect(only[0]!.note).toBe('--only left side-by-side out');
  });
});

describe('formatAims', () => {
  it('prints one line per aim under a header, measured beside the aim and the verdict', () => {
    const lines = formatAims(aimsOf(doc)).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^aims \(issue 22\)\s+measured\s+aim\s+verdict$/);
    expect(lines[1]).toMatch(/side-by-side.*\s0\.40\s+at most 0\.5\s+met$/);
    expect(lines[2]).toMatch(/workers.*\s1\.50\s+at least 1\.85\s+NOT met$/);
    expect(lines[3]).toMatch(/shortest.*\s-\s+at most 1\s+not measured \(SPIN skipped: spin is not installed/);
    expect(lines[4]).toMatch(/throughput.*\s0\.60\s+at least 0\.5\s+met \(measured at depth 4/);
  });
});
