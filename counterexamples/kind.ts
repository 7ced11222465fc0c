/**
 * Which of pipecheck's JSON files a parsed value looks like, so that a file
 * given to the wrong command is named for what it is ("this is a scenario:
 * use pipecheck check") rather than listed as a dozen schema errors.
 */
import { COUNTEREXAMPLE_FORMAT } from './format.js';

export type JsonFileKind = 'counterexample' | 'scenario' | 'check-report' | 'unknown';

const SCENARIO_FIELDS = ['processes', 'environment', 'initial', 'fsProfile'];

export function jsonFileKind(json: unknown): JsonFileKind {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return 'unknown';
  const o = json as Record<string, unknown>;
  if (o['format'] === COUNTEREXAMPLE_FORMAT || ('trace' in o && 'violation' in o)) return 'counterexample';
  if ('violations' in o && 'result' in o) return 'check-report';
  if ('format' in o || 'trace' in o) return 'unknown';
  if (SCENARIO_FIELDS.some((f) => f in o) || 'bounds' in o) return 'scenario';
  return 'unknown';
}

/** What to say when `file`, of kind `kind`, was given where a counterexample was expected (else undefined). */
export function notACounterexample(file: string, kind: JsonFileKind): string | undefined {
  if (kind === 'scenario') return `this is a scenario, not a counterexample: use pipecheck check ${file}`;
  if (kind === 'check-report') {
    return 'this is a check report (check --json), not a counterexample: give one of the files its violations name';
  }
  return undefined;
}
