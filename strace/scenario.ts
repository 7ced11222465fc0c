/**
 * The scenario an strace mapping gives (pure): one process per thread with
 * its steps in log order, the bounds the steps need (pages the file reaches,
 * `cells` per page, one value per distinct first byte, the slots the pipes
 * fill, folios as large as the file allows, as ext4 makes them, a depth of
 * exactly the steps), and the file's state before the first step as far as
 * the log shows it. The result is plain JSON that `parseScenario` accepts.
 */
import type { ScenarioInput } from '../model/scenario.js';
import type { Step } from '../model/step.js';
import { PAGE_SIZE, type InitialFile, type StraceMapping, type ValueLegend } from './map.js';

/** A process's name in the scenario: `pid-1234`, or `main` in a log without pids. */
export function processName(pid: number | undefined): string {
  return pid === undefined ? 'main' : `pid-${pid}`;
}

/** The processes, each with its steps in log order, in order of their first step. */
export function processesOf(m: StraceMapping): { name: string; program: Step[] }[] {
  const byName = new Map<string, Step[]>();
  for (const s of m.steps) {
    const name = processName(s.pid);
    const program = byName.get(name) ?? [];
    program.push(s.step);
    byName.set(name, program);
  }
  return [...byName].map(([name, program]) => ({ name, program }));
}

/** `1 call`, `2 calls`; `1 process`, `3 processes` */
export function plural(n: number, one: string, many = /s$/.test(one) ? `${one}es` : `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The largest power of two that is at most `n`. */
function largestPowerOfTwo(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/** `'A' (0x41)`, `0x01`, or what stands for the file's old contents. */
export function legendText(v: ValueLegend): string {
  if (v.byte === undefined) return "the file's contents before the log";
  const hex = `0x${v.byte.toString(16).padStart(2, '0')}`;
  return v.byte >= 0x21 && v.byte < 0x7f ? `'${String.fromCharCode(v.byte)}' (${hex})` : hex;
}

function initialFile(init: InitialFile, cells: number): { file: number[]; cached: boolean } {
  if (init.kind !== 'existing') return { file: [], cached: true };
  const cellBytes = PAGE_SIZE / cells;
  return { file: new Array<number>(Math.ceil(init.bytes / cellBytes)).fill(init.value), cached: false };
}

function describe(m: StraceMapping, source: string): string {
  const values = m.values.map((v) => `${v.value} = ${legendText(v)}`).join(', ');
  const parts = [
    `imported by pipecheck import-strace from ${source}: the file ${m.file?.path ?? '?'}`,
    `a cell is ${PAGE_SIZE / m.cells} bytes of a ${PAGE_SIZE}-byte page`,
    values === '' ? 'no values written' : `values: ${values}`,
  ];
  if (m.notMapped.length > 0) parts.push(`${plural(m.notMapped.length, 'call')} not mapped (listed by import-strace)`);
  return `${parts.join('; ')}.`;
}

/** The scenario of a mapping; `source` names the log in its description. */
export function scenarioOf(m: StraceMapping, source: string): ScenarioInput {
  const { file, cached } = initialFile(m.initial, m.cells);
  const user = m.userPages.map((v) => new Array<number>(m.cells).fill(v));
  return {
    description: describe(m, source),
    kernel: 'linux',
    bounds: {
      pages: m.pages,
      cells: m.cells,
      values: Math.max(1, m.values.length),
      slots: m.slots,
      folioPages: largestPowerOfTwo(m.pages),
      userPages: user.length,
      depth: m.steps.length,
    },
    initial: { file, cached, folios: [], user },
    processes: processesOf(m),
  };
}
