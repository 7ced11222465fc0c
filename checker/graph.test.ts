import { describe, expect, it } from 'vitest';
import { DEFAULT_INVARIANTS } from '../invariants/builtins.js';
import { parseScenario, type Scenario } from '../model/scenario.js';
import { ScenarioModel } from '../model/scenario-model.js';
import { explore } from '../explorer/bfs.js';
import { exploreScenario, exploreScenarioParallel, type ExploreJob } from './explore.js';
import { GraphVisitor, graphDot, type StateGraph } from './graph.js';

/** A tiny space with a violation of data-stability in 3 steps: splice, write, pipe-read. */
const TINY = { pages: 1, cells: 1, values: 2, slots: 1, folioPages: 1, userPages: 1, depth: 3 };

function scenario(bounds: object = TINY): Scenario {
  return parseScenario({ kernel: 'linux', bounds, environment: { ops: ['write', 'splice', 'pipe-read'] } }, 'test');
}

const job = (sc: Scenario, extra: Partial<ExploreJob> = {}): ExploreJob => ({
  scenario: sc,
  invariants: { ids: ['data-stability'], plugins: [] },
  graph: true,
  ...extra,
});

const STABILITY = DEFAULT_INVARIANTS.filter((i) => i.id === 'data-stability');

function drawn(g: StateGraph | undefined): Extract<StateGraph, { kind: 'graph' }> {
  if (g?.kind !== 'graph') throw new Error(`expected a graph, got ${JSON.stringify(g)}`);
  return g;
}

describe('GraphVisitor', () => {
  it('has a node per distinct state and an edge per transition of the run', () => {
    const model = new ScenarioModel(scenario());
    const visitor = new GraphVisitor(model);
    const r = explore(model, [], { maxDepth: 3, visitors: [visitor] });
    const g = drawn(visitor.graph(r));
    expect(g.nodes).toHaveLength(r.statistics.statesDistinct);
    expect(g.edges).toHaveLength(r.statistics.transitions);
    expect(g.nodes[0]).toEqual({ depth: 0 });
    // Ids in breadth-first order: depths never decrease; edges sorted.
    expect(g.nodes.map((n) => n.depth)).toEqual([...g.nodes.map((n) => n.depth)].sort((a, b) => a - b));
    const keys = g.edges.map((e) => [e.from, e.to, e.action]);
    expect(keys).toEqual([...keys].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!));
    expect(g.violations).toEqual([]);
  });

  it('marks the shortest violation: its edges in order from an initial state, in red, the last one bold', () => {
    const done = exploreScenario(job(scenario()), STABILITY);
    expect(done.result.status).toBe('violated');
    const g = drawn(done.graph);
    expect(g.nodes).toHaveLength(done.result.statistics.statesDistinct);
    expect(g.edges).toHaveLength(done.result.statistics.transitions);
    expect(g.violations).toHaveLength(1);
    const path = g.violations[0]!.map((i) => g.edges[i]!);
    expect(path.map((e) => e.label)).toEqual([
      'env splice(off=0, len=1, move=false)',
      'env write(off=0, len=1, value=2)',
      'env pipe-read(len=1, pipe=0)',
    ]);
    expect(path[0]!.from).toBe(0);
    for (let k = 1; k < path.length; k++) expect(path[k]!.from).toBe(path[k - 1]!.to);
    const dot = graphDot(g);
    expect(dot.startsWith('digraph "pipecheck" {\n')).toBe(true);
    expect(dot.match(/ -> /g)).toHaveLength(g.edges.length);
    expect(dot.match(/^ {2}s\d+ \[/gm)).toHaveLength(g.nodes.length);
    const red = dot.split('\n').filter((l) => l.includes(' -> ') && l.includes('color=red'));
    expect(red).toHaveLength(3);
    const [a, b, c] = path;
    expect(dot).toContain(`  s${a!.from} -> s${a!.to} [label="${a!.label}", color=red, fontcolor=red, penwidth=2];`);
    expect(dot).toContain(`  s${b!.from} -> s${b!.to} [label="${b!.label}", color=red, fontcolor=red, penwidth=2];`);
    expect(dot).toContain(
      `  s${c!.from} -> s${c!.to} [label="${c!.label}", color=red, fontcolor=red, penwidth=3, style=bold];`,
    );
    expect(dot).toMatch(new RegExp(`^ {2}s${c!.to} \\[.*style=filled`, 'm'));
    expect(dot.endsWith('}\n')).toBe(true);
  });

  it('past the cap it stops collecting and says so; the verdict is the same', () => {
    const model = new ScenarioModel(scenario());
    const visitor = new GraphVisitor(model, 5);
    const r = explore(model, [], { maxDepth: 3, visitors: [visitor] });
    expect(r.statistics.statesDistinct).toBeGreaterThan(5);
    expect(visitor.graph(r)).toEqual({ kind: 'too-large', cap: 5 });
    const exact = new GraphVisitor(model, r.statistics.statesDistinct);
    expect(drawn(exact.graph(explore(model, [], { maxDepth: 3, visitors: [exact] }))).nodes).toHaveLength(
      r.statistics.statesDistinct,
    );
    const without = exploreScenario(job(scenario(), { graph: false }), STABILITY);
    const withGraph = exploreScenario(job(scenario()), STABILITY);
    expect(without.graph).toBeUndefined();
    expect(withGraph.result.violations).toEqual(without.result.violations);
    expect(withGraph.result.statistics.statesDistinct).toBe(without.result.statistics.statesDistinct);
  });

  it('is the same DOT on every run, and a multi-thread search refuses to collect it', async () => {
    const once = graphDot(drawn(exploreScenario(job(scenario()), STABILITY).graph));
    expect(graphDot(drawn(exploreScenario(job(scenario()), STABILITY).graph))).toBe(once);
    await expect(exploreScenarioParallel(job(scenario()), STABILITY, { workers: 2 })).rejects.toThrow(/one thread/);
  });

  it('quotes labels for DOT', () => {
    const dot = graphDot({
      kind: 'graph',
      nodes: [{ depth: 0 }, { depth: 1 }],
      edges: [{ from: 0, to: 1, action: 0, label: 'app "x" \\ y' }],
      violations: [],
    });
    expect(dot).toContain('  s0 -> s1 [label="app \\"x\\" \\\\ y"];');
    expect(dot).toContain('  s0 [label="0\\nd0", peripheries=2];');
  });
});
