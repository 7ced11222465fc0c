/**
 * `pipecheck explore` as a person runs it (dist/cli/main.js): it prints the
 * URL with its token, serves the seed's reproducer (check's search, on its
 * worker thread, finds the shortest violation), and Ctrl-C stops it cleanly
 * with exit 0. A bad scenario exits 2 naming the file and the field, before
 * anything listens.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner, main, repo } from '../../test-support/cli-run.js';

const { pipecheck, tmp, freshDir } = cliRunner('explore');

describe('pipecheck explore', () => {
  it('prints its URL, serves the reproducer, and stops on Ctrl-C with exit 0', async () => {
    const child = spawn(process.execPath, [main, 'explore', 'examples/seed-reproducer.json', '--out', freshDir()], {
      cwd: repo,
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48})\n/.exec(stdout);
        if (m) resolve(m[1]!);
      });
      child.on('close', () => reject(new Error(`exited before listening: ${stderr}`)));
    });
    const { origin, search } = new URL(url);
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(`${origin}/`)).status).toBe(403);
    expect((await fetch(`${origin}/nothing${search}`)).status).toBe(404);
    const at = (await (await fetch(`${origin}/api/state${search}&path=0.0.0.0.0`)).json()) as {
      steps: { observed?: { observed: number[] } }[];
    };
    expect(at.steps[4]!.observed?.observed).toEqual([2, 0]);
    const shortest = await (await fetch(`${origin}/api/shortest${search}&invariant=data-stability`)).json();
    expect(shortest).toMatchObject({ found: true, path: [0, 0, 0, 0, 0] });

    child.kill('SIGINT');
    expect(await closed).toBe(0);
    expect(stderr).toContain('pipecheck explore: stopped');
    await expect(fetch(url)).rejects.toThrow();
  });

  it('a bad scenario exits 2 naming the file and the field; nothing listens', () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ kernel: 'linux', bounds: { pages: 0 } }));
    const r = pipecheck('explore', bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`pipecheck explore: ${bad}`);
    expect(r.stderr).toContain('bounds.pages');
    expect(r.stdout).not.toContain('http://');
  });

  it('an unknown invariant or a bad --port exits 2', () => {
    expect(pipecheck('explore', 'examples/seed-reproducer.json', '--invariant', 'nope').status).toBe(2);
    expect(pipecheck('explore', '--port', '70000').status).toBe(2);
  });
});
