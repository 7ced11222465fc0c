/**
 * An invariant's verdict after an exploration, the same for `check` and
 * `matrix`: violated or witnessed (with the length of the shortest trace),
 * holds or not witnessed when the search was exhaustive, unknown when a
 * limit stopped it or the invariant's plugin threw.
 *
 * @public
 */
import type { ExploreResult } from '../explorer/result.js';
import type { Invariant } from '../invariants/define.js';

export type Verdict = 'holds' | 'violated' | 'unknown' | 'witnessed' | 'not witnessed';

export interface InvariantVerdict {
  readonly verdict: Verdict;
  /** Steps of the shortest violation or witness. */
  readonly length?: number;
}

export function verdictOf(invariant: Pick<Invariant, 'id' | 'kind'>, result: ExploreResult<unknown>): InvariantVerdict {
  const found = result.violations.find((v) => v.propertyId === invariant.id);
  if (found) return { verdict: found.kind === 'always' ? 'violated' : 'witnessed', length: found.length };
  if (!result.complete || result.propertyErrors.some((e) => e.propertyId === invariant.id))
    return { verdict: 'unknown' };
  return { verdict: invariant.kind === 'always' ? 'holds' : 'not witnessed' };
}
