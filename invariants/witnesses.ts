import { counted } from '../model/cells.js';
import { F_IN_CACHE, type Layout, type State } from '../model/state.js';
import { defineInvariant } from './define.js';
import { readerBytes, readerLayout } from './state-reader.js';

/**
 * Witnesses ("sometimes" properties): the interesting states are reachable
 * at all, so that a pass of the invariants is never vacuous.
 */
export const witnessOrphanedFolio = defineInvariant({
  id: 'witness-orphaned-folio',
  // --symmetry: value-relabelled states are judged alike; it reads folio references and flags only.
  valueSymmetric: true,
  // --partial-order: a queued buffer's folio leaves the page cache only by a step on the folio's block, which the
  // queue's taint holds, and a buffer's slot changes only by a step on its queue.
  commutes: true,
  kind: 'sometimes',
  description: 'a folio leaves the page cache while a pipe still references it',
  check({ before, after }) {
    const L = readerLayout(after);
    const a = readerBytes(after);
    const b = readerBytes(before);
    for (let pipe = 0; pipe < L.queues; pipe++) {
      for (let slot = 0; slot < L.S; slot++) {
        const fb = L.slotFolio(b, pipe, slot);
        const fa = L.slotFolio(a, pipe, slot);
        if (fb < 0 || fa < 0 || (L.folioFlags(b, fb) & F_IN_CACHE) === 0) continue;
        if ((L.folioFlags(a, fa) & F_IN_CACHE) === 0) {
          return `the folio of file page ${L.folioIndex(b, fb)} left the page cache while pipe ${pipe} references it`;
        }
      }
    }
    return undefined;
  },
});

/** A witness that a step raised one of the state's cost counters. */
function costWitness(id: string, description: string, verb: string, counter: (L: Layout, s: State) => number) {
  return defineInvariant({
    id,
    // --symmetry: value-relabelled states are judged alike; it reads the cost counters only.
    valueSymmetric: true,
    // --partial-order: the counters grow by what the step itself copied or stole.
    commutes: true,
    kind: 'sometimes',
    description,
    check({ before, after }) {
      const L = readerLayout(after);
      const a = readerBytes(after);
      const n = counter(L, a) - counter(L, readerBytes(before));
      return n > 0 ? `${counted(n, 'page')} ${verb}` : undefined;
    },
  });
}

export const witnessSteal = costWitness('witness-steal', 'a step steals a page into the pipe', 'stolen', (L, s) =>
  L.pagesStolen(s),
);

export const witnessCopy = costWitness(
  'witness-copy',
  'a step copies a page to keep pipe data stable',
  'copied',
  (L, s) => L.pagesCopied(s),
);
