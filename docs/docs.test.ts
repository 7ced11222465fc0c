/**
 * The documentation cannot drift from the code: every generated section of
 * README.md and docs/*.md, and both JSON Schemas, must be what docs/generate.ts
 * generates from the code now (`npm run docs` rewrites them), and every
 * relative link must lead to a file of the repository (and its `#anchor` to a
 * heading of that file). The example scenarios and counterexamples the pages
 * show must parse.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCounterexample, parseScenario } from '../index.js';
import { FS_PROFILE_IDS } from '../model/fs/index.js';
import {
  generatedFiles,
  generatedSections,
  markdownFiles,
  repoRoot,
  rewriteSections,
  sectionBody,
  sectionsIn,
} from './generate.js';

const root = repoRoot();
const FILES = markdownFiles(root);
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

describe('generated sections', () => {
  const sections = generatedSections(root);

  it.each(FILES)('%s: each generated section is what the code generates now (else: npm run docs)', (file) => {
    const text = read(file);
    expect(() => rewriteSections(text, sections, file)).not.toThrow();
    for (const s of sectionsIn(text)) {
      expect(s.content, `${file}: section "${s.name}" is stale; run npm run docs`).toBe(sectionBody(sections[s.name]!));
    }
  });

  it('every section the code generates is in some file (a new command needs its options documented)', () => {
    const present = new Set(FILES.flatMap((f) => sectionsIn(read(f)).map((s) => s.name)));
    expect(Object.keys(sections).filter((name) => !present.has(name))).toEqual([]);
  });

  it.each(Object.keys(generatedFiles()))('docs/%s is what the code generates now (else: npm run docs)', (name) => {
    const path = join(root, 'docs', name);
    expect(existsSync(path), `docs/${name} is missing; run npm run docs`).toBe(true);
    expect(readFileSync(path, 'utf8'), `docs/${name} is stale; run npm run docs`).toBe(generatedFiles()[name]);
  });

  it('rewriting refuses an unknown section and an unclosed marker', () => {
    expect(() => rewriteSections('<!-- generated:nope -->\nx\n<!-- /generated:nope -->', sections)).toThrow(
      /no generated section is called "nope"/,
    );
    expect(() => rewriteSections('<!-- generated:kernels -->\nx\n', sections)).toThrow(/no closing marker/);
  });
});

/** The text without what is not prose: fenced code, inline code, HTML comments. */
function prose(text: string): string {
  return text
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a markdown file's headings (a repeated heading gets -1, -2, ...). */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const noCode = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of noCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Link {
  readonly file: string;
  readonly target: string;
}

function linksOf(file: string): Link[] {
  const out: Link[] = [];
  for (const m of prose(read(file)).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    out.push({ file, target: m[1]! });
  }
  return out;
}

/** Why a link does not resolve, or undefined. */
function brokenLink({ file, target }: Link): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const [path, anchor] = target.split('#') as [string, string | undefined];
  const full = path === '' ? join(root, file) : resolve(dirname(join(root, file)), decodeURI(path));
  if (!full.startsWith(root)) return `${target} leads out of the repository`;
  if (!existsSync(full)) return `${target}: no such file (${relative(root, full)})`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!full.endsWith('.md')) return undefined;
  const anchors = anchorsOf(readFileSync(full, 'utf8'));
  return anchors.has(anchor) ? undefined : `${target}: no heading #${anchor} in ${relative(root, full)}`;
}

describe('links', () => {
  it('slugs are GitHub anchors', () => {
    expect(slug('Exit codes')).toBe('exit-codes');
    expect(slug('`check --json`: the report')).toBe('check---json-the-report');
    expect(slug("Constraining the environment's arguments")).toBe('constraining-the-environments-arguments');
    expect(slug('`mmap-store`')).toBe('mmap-store');
  });

  it.each(FILES)('every relative link of %s resolves, anchors included', (file) => {
    const broken = linksOf(file)
      .map((l) => ({ target: l.target, why: brokenLink(l) }))
      .filter((l) => l.why !== undefined)
      .map((l) => l.why);
    expect(broken).toEqual([]);
  });

  it('links leave the repository only for kernel.org', () => {
    const outside = FILES.flatMap(linksOf)
      .map((l) => l.target)
      .filter((t) => /^[a-z][a-z0-9+.-]*:/i.test(t) && !/^https:\/\/(git|lore|www)\.kernel\.org\//.test(t));
    expect(outside).toEqual([]);
  });

  it('docs/README.md links every page of docs/', () => {
    const index = new Set(linksOf('docs/README.md').map((l) => l.target.split('#')[0]));
    const pages = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(pages.filter((p) => !index.has(p))).toEqual([]);
  });
});

/** The ```json blocks of a markdown file that are whole JSON documents (not fragments). */
function jsonBlocks(file: string): unknown[] {
  const out: unknown[] = [];
  for (const m of read(file).matchAll(/^```json\n([\s\S]*?)^```$/gm)) {
    const text = m[1]!.trim();
    if (!text.startsWith('{')) continue;
    out.push(JSON.parse(text));
  }
  return out;
}

describe('examples', () => {
  it.each(FILES)('%s: every whole JSON block is JSON', (file) => {
    expect(() => jsonBlocks(file)).not.toThrow();
  });

  it.each(FILES)('%s: every example scenario and counterexample parses', (file) => {
    const blocks = jsonBlocks(file) as Record<string, unknown>[];
    for (const b of blocks) {
      if (b['format'] !== undefined) expect(() => parseCounterexample(b, file)).not.toThrow();
      else if (b['bounds'] !== undefined && b['result'] === undefined)
        expect(() => parseScenario(b, file)).not.toThrow();
    }
  });

  it('docs/scenario.md and docs/counterexample.md show examples', () => {
    const scenarios = jsonBlocks('docs/scenario.md').filter((b) => (b as Record<string, unknown>)['bounds']);
    expect(scenarios.length).toBeGreaterThanOrEqual(4);
    expect(jsonBlocks('docs/counterexample.md').some((b) => (b as Record<string, unknown>)['format'])).toBe(true);
  });
});

describe('hand-written lists that must name every file-system profile', () => {
  it.each([
    ['docs/scenario.md', '| `fsProfile`'],
    ['docs/counterexample.md', '| `fs` |'],
  ])('%s names every profile in its %s row', (file, row) => {
    const line = read(file)
      .split('\n')
      .find((l) => l.startsWith(row));
    expect(line, `${file}: no row ${row}`).toBeDefined();
    for (const id of FS_PROFILE_IDS) expect(line).toContain(`\`${id}\``);
  });

  it('docs/plugins.md says observed is there for socket-read too', () => {
    const line = read('docs/plugins.md')
      .split('\n')
      .find((l) => l.startsWith('| `observed`'));
    expect(line).toContain('`socket-read`');
  });
});
