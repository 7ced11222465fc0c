/**
 * The explorer's server over real HTTP on 127.0.0.1: no token (or a wrong
 * one, or another Host) is 403, a path outside the routes is 404, a bad
 * path is 400 with the reason, and the api steps the seed's reproducer to
 * the read that gets "new". Saving writes the usual counterexample file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCounterexample } from '../../counterexamples/format.js';
import { SEED_REPRODUCER } from '../../test-support/seed-counterexample.js';
import { sessionOf } from './command.js';
import { startServer, tokenMatches, type RunningServer } from './server.js';

const quiet = { out: () => {}, err: () => {} };

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One request, with the Host header given (fetch cannot set it). */
function get(port: number, path: string, method = 'GET', host = `127.0.0.1:${port}`): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the explorer server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipecheck-explore-server-'));
  const out = join(dir, 'out');
  let server: RunningServer;
  let t: string;
  beforeAll(async () => {
    server = await startServer(await sessionOf(SEED_REPRODUCER, { out }, quiet));
    t = `token=${server.token}`;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and prints a URL with a random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
    expect(tokenMatches(server.token, server.token)).toBe(true);
    expect(tokenMatches(null, server.token)).toBe(false);
    expect(tokenMatches(`${server.token}0`, server.token)).toBe(false);
  });

  it('refuses every request without the right token (403), whatever the path', async () => {
    for (const path of ['/', '/api/state', '/api/state?path=0', '/nothing', '/?token=', '/?token=abc']) {
      const r = await get(server.port, path);
      expect(r.status, path).toBe(403);
      expect(r.body).not.toContain('wilcox');
    }
    expect((await get(server.port, '/api/save?path=0.0.0.0.0', 'POST')).status).toBe(403);
  });

  it('refuses another Host (a name rebound to 127.0.0.1), even with the token', async () => {
    expect((await get(server.port, `/?${t}`, 'GET', 'evil.example:80')).status).toBe(403);
    expect((await get(server.port, `/?${t}`, 'GET', `localhost:${server.port}`)).status).toBe(200);
  });

  it('serves nothing outside its routes (404), and each route only its method (405)', async () => {
    for (const path of [
      '/index.html',
      '/api',
      '/api/',
      '/api/state/x',
      '/../etc/passwd',
      '/favicon.ico',
      '/constructor',
    ]) {
      expect((await get(server.port, `${path}?${t}`)).status, path).toBe(404);
    }
    const r = await get(server.port, `/api/save?${t}&path=0.0.0.0.0`);
    expect(r.status).toBe(405);
    expect(r.headers['allow']).toBe('POST');
  });

  it('serves the page, self-contained: a policy that loads nothing and reaches only this server', async () => {
    const r = await get(server.port, `/?${t}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    expect(r.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.body).toContain('<h1>pipecheck explore</h1>');
    expect(r.body).not.toMatch(/(src|href)="https?:/);
  });

  it('a bad path is 400 with the step and the reason', async () => {
    const bad = await get(server.port, `/api/state?${t}&path=0.9`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({
      error: "path step 2 of 2: action 9 does not exist (this scenario's actions are 0 to 0)",
    });
    const junk = await get(server.port, `/api/state?${t}&path=x`);
    expect(junk.status).toBe(400);
    expect(JSON.parse(junk.body).error).toMatch(/^path: expected action indices/);
  });

  it('steps the reproducer: after the fifth step the reader got "new" (2) where it expected "old" (1)', async () => {
    let path: number[] = [];
    for (let k = 0; k < 5; k++) {
      const r = JSON.parse((await get(server.port, `/api/state?${t}&path=${path.join('.')}`)).body);
      expect(r.enabled).toHaveLength(1);
      path = [...path, r.enabled[0].action];
    }
    const r = JSON.parse((await get(server.port, `/api/state?${t}&path=${path.join('.')}`)).body);
    const read = r.steps[4];
    expect(read.text).toBe('pipe-read(len=2)');
    expect(read.observed).toEqual({ pipe: 0, expected: [1, 0], observed: [2, 0] });
    expect(read.breaks[0].invariant).toBe('data-stability');
    expect(r.html.path).toContain('✖ breaks data-stability');
  });

  it('goes to the shortest violation; saves and offers the path as the usual counterexample file', async () => {
    const s = JSON.parse((await get(server.port, `/api/shortest?${t}&invariant=data-stability`)).body);
    expect(s).toMatchObject({ found: true, path: [0, 0, 0, 0, 0] });
    expect((await get(server.port, `/api/shortest?${t}&invariant=nope`)).status).toBe(400);

    const saved = await get(server.port, `/api/save?${t}&path=0.0.0.0.0`, 'POST');
    expect(saved.status).toBe(200);
    const { file } = JSON.parse(saved.body) as { file: string };
    expect(file.startsWith(out)).toBe(true);
    const cx = parseCounterexample(JSON.parse(readFileSync(file, 'utf8')));
    expect(cx.violation.observed).toEqual([2, 0]);

    const download = await get(server.port, `/api/counterexample?${t}&path=0.0.0.0.0`);
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toMatch(
      /^attachment; filename="linux--data-stability--[0-9a-f]{8}\.json"$/,
    );
    expect(JSON.parse(download.body)).toEqual(cx);
    expect((await get(server.port, `/api/save?${t}&path=0.0`, 'POST')).status).toBe(400);
  });
});
