// Toy models for the multi-thread search's tests (explorer/parallel.test.ts):
// plain JavaScript, so that worker threads can import it without a build.
// `createExploration(data)` builds the same model, properties and visitors in
// every thread.

/** A box of side `n` in 3 dimensions; actions: +1 and -1 on each axis, and a jump of x to 0. */
function boxModel(n) {
  return {
    actionCount: 7,
    initialStates: () => [Uint8Array.of(0, 0, 0), Uint8Array.of(1, 0, 0), Uint8Array.of(0, 0, 0)],
    step(s, action) {
      const axis = action % 3;
      if (action === 6) {
        if (s[0] === 0) return undefined;
        return { next: Uint8Array.of(0, s[1], s[2]), observed: { jumped: s[0] } };
      }
      const delta = action < 3 ? 1 : -1;
      const v = s[axis] + delta;
      if (v < 0 || v >= n) return undefined;
      const next = Uint8Array.from(s);
      next[axis] = v;
      return { next };
    },
  };
}

const sum = (s) => s[0] + s[1] + s[2];

/**
 * Properties by spec: { kind: 'sum-below', k } | { kind: 'throws-at-sum', k } | { kind: 'diagonal' } | ...;
 * `judges: 'state'` in a spec makes the property say so (it reads `after` only).
 */
function propertyOf(spec, i) {
  const p = propertyOfKind(spec, i);
  return spec.judges === undefined ? p : { ...p, judges: spec.judges };
}

function propertyOfKind(spec, i) {
  switch (spec.kind) {
    case 'sum-below':
      return {
        id: `sum-below-${spec.k}-${i}`,
        kind: 'always',
        check: ({ after }) => (sum(after) >= spec.k ? `sum ${sum(after)}` : undefined),
      };
    case 'x-below':
      return {
        id: `x-below-${spec.k}-${i}`,
        kind: 'always',
        check: ({ after }) => (after[0] >= spec.k ? `x ${after[0]}` : undefined),
      };
    case 'throws-at-sum':
      return {
        id: `throws-${spec.k}-${i}`,
        kind: 'always',
        check: ({ after }) => {
          if (sum(after) === spec.k) throw new Error(`boom at ${after.join(',')}`);
          return spec.alsoViolatesAt !== undefined && sum(after) >= spec.alsoViolatesAt ? 'late' : undefined;
        },
      };
    case 'diagonal':
      return {
        id: `diagonal-${i}`,
        kind: 'sometimes',
        check: ({ after }) => (after[0] === after[1] && after[1] === after[2] && after[0] > 1 ? 'diagonal' : undefined),
      };
    case 'never':
      return { id: `never-${i}`, kind: 'sometimes', check: () => undefined };
    default:
      throw new Error(`unknown property ${spec.kind}`);
  }
}

/** Counts the steps it sees and keeps the largest sum: both merge exactly. */
class StepsVisitor {
  steps = 0;
  maxSum = 0;
  visit({ after }) {
    this.steps++;
    if (sum(after) > this.maxSum) this.maxSum = sum(after);
  }
  take() {
    const part = { steps: this.steps, maxSum: this.maxSum };
    this.steps = 0;
    this.maxSum = 0;
    return part;
  }
  absorb(part) {
    this.steps += part.steps;
    if (part.maxSum > this.maxSum) this.maxSum = part.maxSum;
  }
  saveState() {
    return { steps: this.steps, maxSum: this.maxSum };
  }
  restoreState(state) {
    this.steps = state.steps;
    this.maxSum = state.maxSum;
  }
}

/** The box with an ample set: below the far x face only +x and +y are taken (explorer's ampleActions). */
function reducedBox(n) {
  const model = boxModel(n);
  model.ampleActions = (s) => (s[0] < n - 1 ? [0, 1] : undefined);
  return model;
}

export function createExploration(data) {
  return {
    model: data.ample ? reducedBox(data.n) : boxModel(data.n),
    properties: data.properties.map(propertyOf),
    visitors: [new StepsVisitor()],
  };
}
