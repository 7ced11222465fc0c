/**
 * The explorer's web server: Node's `http`, bound to 127.0.0.1 only. Every
 * request must carry the random token of the URL it printed (`?token=`),
 * else 403; its Host must be this server's (a page elsewhere that rebinds a
 * name to 127.0.0.1 gets 403 too); a path outside the routes is 404. It
 * loads nothing from the network and serves nothing but the page and the
 * api (api.ts).
 *
 * Routes (each with `?token=`):
 * - `GET /`: the page (page.ts)
 * - `GET /api/state?path=3.0.7`: the state there, the steps to it and the steps enabled (JSON, with the page's parts)
 * - `GET /api/shortest?invariant=ID`: the path to the shortest violation of ID (check's search)
 * - `POST /api/save?path=...[&invariant=ID]`: write the path as a counterexample into --out; its file
 * - `GET /api/counterexample?path=...[&invariant=ID]`: the same file, as a download
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { counterexampleFileName, writeCounterexample } from '../../counterexamples/file.js';
import { ApiError, counterexampleAt, parsePath, shortestViolation, stateAt, type Shortest } from './api.js';
import { fragmentsOf } from './fragments.js';
import { EXPLORE_CSP, explorePage } from './page.js';
import type { ExploreSession } from './session.js';

export interface RunningServer {
  /** `http://127.0.0.1:PORT/?token=...`: the page. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Stop listening and end every connection. */
  close(): Promise<void>;
}

export interface ServerOptions {
  /** 0 (the default): any free port. */
  readonly port?: number | undefined;
  /** The token (default: 24 random bytes, hex); tests give their own. */
  readonly token?: string | undefined;
}

/** A fresh random token: 24 bytes from the system's generator, in hex. */
export function newToken(): string {
  return randomBytes(24).toString('hex');
}

/** Whether `given` is the token (in constant time). */
export function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}) {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), extra);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message });
}

/** A route: its method and what it answers. */
type Handler = (url: URL, session: ExploreSession, res: ServerResponse) => Promise<void> | void;

/** "Go to the shortest violation of X", each invariant's search run once. */
function shortestHandler(): Handler {
  const cache = new Map<string, Promise<Shortest>>();
  return async (url, session, res) => {
    const id = url.searchParams.get('invariant') ?? '';
    let answer = cache.get(id);
    if (answer === undefined) {
      answer = shortestViolation(session, id);
      cache.set(id, answer);
      // A refused request is not remembered (only searches are).
      answer.catch(() => cache.delete(id));
    }
    sendJson(res, 200, await answer);
  };
}

function routes(): Record<string, { readonly method: 'GET' | 'POST'; readonly handle: Handler }> {
  return {
    '/': {
      method: 'GET',
      handle: (_url, session, res) =>
        send(res, 200, 'text/html; charset=utf-8', explorePage(session), { 'Content-Security-Policy': EXPLORE_CSP }),
    },
    '/api/state': {
      method: 'GET',
      handle: (url, session, res) => {
        const at = stateAt(session, parsePath(url.searchParams.get('path')));
        sendJson(res, 200, { ...at, html: fragmentsOf(at) });
      },
    },
    '/api/shortest': { method: 'GET', handle: shortestHandler() },
    '/api/save': {
      method: 'POST',
      handle: (url, session, res) => {
        const cx = counterexampleOfQuery(url, session);
        let file: string;
        try {
          file = writeCounterexample(session.outDir, cx);
        } catch (e) {
          throw new ApiError(500, `--out ${session.outDir}: cannot write the counterexample (${(e as Error).message})`);
        }
        sendJson(res, 200, { file, invariant: cx.invariant });
      },
    },
    '/api/counterexample': {
      method: 'GET',
      handle: (url, session, res) => {
        const cx = counterexampleOfQuery(url, session);
        send(res, 200, 'application/json; charset=utf-8', `${JSON.stringify(cx, null, 2)}\n`, {
          'Content-Disposition': `attachment; filename="${counterexampleFileName(cx)}"`,
        });
      },
    },
  };
}

/**
 * The server's request handler (exported for tests): the Host and the token
 * first (403), then the route (404; 405 for another method), then the api
 * (400 for a bad request, with the reason).
 */
export function requestHandler(
  session: ExploreSession,
  token: string,
  port: () => number,
): (req: IncomingMessage, res: ServerResponse) => void {
  const table = routes();
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port()}` && host !== `localhost:${port()}`) {
      return sendError(res, 403, `forbidden: this server answers only as 127.0.0.1:${port()}`);
    }
    if (!tokenMatches(url.searchParams.get('token'), token)) {
      return sendError(
        res,
        403,
        'forbidden: this server answers only with its token (the URL pipecheck explore printed)',
      );
    }
    const route = Object.hasOwn(table, url.pathname) ? table[url.pathname] : undefined;
    if (route === undefined) return sendError(res, 404, `not found: ${url.pathname}`);
    if (req.method !== route.method && !(req.method === 'HEAD' && route.method === 'GET')) {
      res.setHeader('Allow', route.method);
      return sendError(res, 405, `${url.pathname} takes ${route.method}, not ${req.method ?? '?'}`);
    }
    // The request's body is never read: every parameter is in the URL.
    req.resume();
    Promise.resolve()
      .then(() => route.handle(url, session, res))
      .catch((e: unknown) => {
        if (res.headersSent) return res.end();
        if (e instanceof ApiError) return sendError(res, e.status, e.message);
        sendError(res, 500, `internal error: ${e instanceof Error ? e.message : String(e)}`);
      });
  };
}

/** Start the server on 127.0.0.1 (a port in use rejects with the system's error). */
export function startServer(session: ExploreSession, options: ServerOptions = {}): Promise<RunningServer> {
  const token = options.token ?? newToken();
  let port = options.port ?? 0;
  const server: Server = createServer(requestHandler(session, token, () => port));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: options.port ?? 0 }, () => {
      server.off('error', reject);
      port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}/?token=${token}`,
        port,
        token,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** The counterexample of the query's `path` (and `invariant`, when given). */
function counterexampleOfQuery(url: URL, session: Parameters<typeof counterexampleAt>[0]) {
  return counterexampleAt(session, parsePath(url.searchParams.get('path')), url.searchParams.get('invariant'));
}
