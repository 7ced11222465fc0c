/** `processes[0].program[1].len`: where in a JSON document a problem is, as error messages name it. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)),
    '',
  );
}

/**
 * A short, one-line JSON preview of any value for an error message: at most
 * `max` characters, nesting and long arrays elided, never recursing deeper
 * than a few levels (a hostile file may nest thousands deep).
 */
export function preview(value: unknown, max = 60): string {
  const text = previewOf(value, 3, max + 1);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function previewOf(v: unknown, depth: number, budget: number): string {
  if (v === undefined) return 'nothing';
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? String(v);
  if (depth === 0) return Array.isArray(v) ? '[...]' : '{...}';
  const parts: string[] = [];
  let used = 2;
  const entries = Array.isArray(v) ? v.map((x) => [undefined, x] as const) : Object.entries(v);
  for (const [k, x] of entries) {
    if (used > budget) {
      parts.push('...');
      break;
    }
    const item = (k === undefined ? '' : `${JSON.stringify(k)}:`) + previewOf(x, depth - 1, budget - used);
    parts.push(item);
    used += item.length + 1;
  }
  return Array.isArray(v) ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}

/** At most `max` of `problems`, then how many more there are (a bad file must not flood the terminal). */
export function capProblems(problems: readonly string[], max = 20): string[] {
  if (problems.length <= max) return [...problems];
  return [...problems.slice(0, max), `... and ${problems.length - max} more problems`];
}
