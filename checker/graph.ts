/**
 * The explored state graph (`check --graph FILE.dot`), for small state
 * spaces: every state visited is a node, every step taken an edge (steps to
 * states already seen included), and the shortest violations are drawn in
 * red. Past GRAPH_MAX_STATES states the visitor stops collecting (the search
 * goes on, its verdict unchanged) and the graph is refused.
 *
 * The graph is collected on one thread (a search with --graph runs on one),
 * node ids in the order the steps reach the states (breadth first: the
 * initial states first), edges sorted by source, target and action, so the
 * same run gives the same graph.
 *
 * @public
 */
import { replayTrace } from '../explorer/path.js';
import type { Finding, ExploreResult } from '../explorer/result.js';
import type { StepVisitor } from '../explorer/model.js';
import type { ReadObservation } from '../model/pipe.js';
import type { ScenarioModel } from '../model/scenario-model.js';
import type { State } from '../model/state.js';
import { formatStep } from '../model/step.js';

/** The most states a graph may have (past it the graph is refused: lower the bounds). */
export const GRAPH_MAX_STATES = 2000;

export interface GraphNode {
  /** Steps from an initial state (breadth first: the fewest). */
  readonly depth: number;
}

export interface GraphEdge {
  readonly from: number;
  readonly to: number;
  readonly action: number;
  /** The step: `env write off=0 len=1 value=1`, `writer: pipe-read len=1`. */
  readonly label: string;
}

/** The graph collected, or how far it got before it passed the cap. */
export type StateGraph =
  | {
      readonly kind: 'graph';
      readonly nodes: readonly GraphNode[];
      /** Sorted by source, target, action. */
      readonly edges: readonly GraphEdge[];
      /** Per violation of the report (in its order), the indices into `edges` of its trace. */
      readonly violations: readonly (readonly number[])[];
    }
  | { readonly kind: 'too-large'; readonly cap: number };

/** Collects the graph of a one-thread search (a StepVisitor: sees every step). */
export class GraphVisitor implements StepVisitor<State, ReadObservation> {
  private readonly ids = new Map<string, number>();
  private readonly depths: number[] = [];
  private edges: GraphEdge[] = [];
  private tooLarge = false;

  constructor(
    private readonly model: ScenarioModel,
    private readonly cap = GRAPH_MAX_STATES,
  ) {
    for (const s of model.initialStates()) this.idOf(s, 0);
  }

  /** The state's identity (its class under a symmetry), as a map key. */
  private keyOf(s: State): string {
    const sym = this.model.symmetryKey?.(s);
    const key = sym !== undefined && sym !== s ? sym : s.subarray(0, this.model.L.identityBytes);
    return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
  }

  /** The node of `s`, added at `depth` if new; -1 once past the cap. */
  private idOf(s: State, depth: number): number {
    const key = this.keyOf(s);
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    if (this.depths.length >= this.cap) {
      this.tooLarge = true;
      this.ids.clear();
      this.edges = [];
      return -1;
    }
    this.ids.set(key, this.depths.length);
    this.depths.push(depth);
    return this.depths.length - 1;
  }

  visit({ before, action, after }: { readonly before: State; readonly action: number; readonly after: State }): void {
    if (this.tooLarge) return;
    const from = this.idOf(before, 0);
    if (from < 0) return;
    const to = this.idOf(after, this.depths[from]! + 1);
    if (to < 0) return;
    const step = this.model.stepOf(before, action);
    const label = step ? `${step.process} ${formatStep(step)}` : `action ${action}`;
    this.edges.push({ from, to, action, label });
  }

  /** The graph, its violating paths marked (`result`'s violations, in the report's order). */
  graph(result: ExploreResult<ReadObservation>): StateGraph {
    if (this.tooLarge) return { kind: 'too-large', cap: this.cap };
    const edges = [...this.edges].sort((a, b) => a.from - b.from || a.to - b.to || a.action - b.action);
    const index = new Map(edges.map((e, i) => [`${e.from} ${e.to} ${e.action}`, i]));
    const violations = result.violations.filter((f) => f.kind === 'always').map((f) => this.pathOf(f, index));
    return { kind: 'graph', nodes: this.depths.map((depth) => ({ depth })), edges, violations };
  }

  /** The edges of a violation's trace (its minimized trace if the graph has it whole, else the one found). */
  private pathOf(f: Finding<ReadObservation>, index: ReadonlyMap<string, number>): number[] {
    const edgesOf = (trace: readonly number[]): number[] | undefined => {
      const r = replayTrace(this.model, trace, f.initialIndex);
      const path: number[] = [];
      for (const s of r.steps) {
        const from = this.ids.get(this.keyOf(s.before));
        const to = this.ids.get(this.keyOf(s.after));
        const i = index.get(`${from} ${to} ${s.action}`);
        if (i === undefined) return undefined;
        path.push(i);
      }
      return r.ok ? path : undefined;
    };
    return edgesOf(f.trace) ?? (f.unminimizedTrace ? edgesOf(f.unminimizedTrace) : undefined) ?? [];
  }
}

/** A DOT string literal. */
function quoted(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The graph in Graphviz DOT: a node per state (`s<id>`, labelled with its id
 * and depth; initial states double-circled), an edge per step labelled with
 * it; each shortest violation's steps in red, its violating step bold and
 * the state it reaches filled.
 */
export function graphDot(graph: Extract<StateGraph, { kind: 'graph' }>, title = 'pipecheck'): string {
  const onPath = new Set<number>();
  const last = new Set<number>();
  for (const path of graph.violations) {
    for (const i of path) onPath.add(i);
    if (path.length > 0) last.add(path[path.length - 1]!);
  }
  const redNodes = new Set<number>();
  const endNodes = new Set<number>();
  for (const i of onPath) {
    redNodes.add(graph.edges[i]!.from);
    redNodes.add(graph.edges[i]!.to);
  }
  for (const i of last) endNodes.add(graph.edges[i]!.to);
  const out = [
    `digraph ${quoted(title)} {`,
    `  // ${graph.nodes.length} states, ${graph.edges.length} transitions; red: the shortest violations`,
    '  node [shape=circle, fontsize=10];',
    '  edge [fontsize=8];',
  ];
  graph.nodes.forEach(({ depth }, id) => {
    const attrs = [`label="${id}\\nd${depth}"`];
    if (depth === 0) attrs.push('peripheries=2');
    if (redNodes.has(id)) attrs.push('color=red', 'penwidth=2');
    if (endNodes.has(id)) attrs.push('style=filled', 'fillcolor="#ffd0d0"');
    out.push(`  s${id} [${attrs.join(', ')}];`);
  });
  graph.edges.forEach((e, i) => {
    const attrs = [`label=${quoted(e.label)}`];
    if (onPath.has(i)) attrs.push('color=red', 'fontcolor=red', last.has(i) ? 'penwidth=3, style=bold' : 'penwidth=2');
    out.push(`  s${e.from} -> s${e.to} [${attrs.join(', ')}];`);
  });
  out.push('}', '');
  return out.join('\n');
}
