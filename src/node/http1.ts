/**
 * HTTP/1.1 beside HTTP/2 on one server (`allowHTTP1`): node's own `http.Server`, not
 * listening, is handed the connections that do not start with the HTTP/2 preface (plain
 * server) or that chose "http/1.1" or no protocol in ALPN (TLS server). Its events reach our
 * server as node:http2's `allowHTTP1` has them: `'request'` with node's IncomingMessage and
 * ServerResponse; `'checkContinue'`, `'checkExpectation'`, `'clientError'`, `'timeout'` and
 * `'upgrade'` when our server listens for them, else node's http defaults apply.
 *
 * On the plain server, an h2c upgrade request (`curl --http2`, RFC 7540 §3.2) becomes an
 * HTTP/2 session (`acceptH2cUpgrade`); an upgrade request we do not take, with no `'upgrade'`
 * listener, is served as the plain HTTP/1.1 request it also is.
 */
import http from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { acceptH2cUpgrade, type H2Duplex, type H2DuplexOptions } from '../duplex/index.js';

/** RFC 9113 §3.4: the client connection preface. */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Events of the HTTP/1.1 server our server re-emits only when it listens for them (else node's http defaults apply). */
const FORWARDED_WHEN_LISTENED = ['checkContinue', 'checkExpectation', 'clientError', 'timeout'] as const;

/** `http.createServer()` options taken from the server's options, node:http2's `Http1*` classes included. */
const HTTP1_OPTION_NAMES = [
  'maxHeaderSize', 'insecureHTTPParser', 'requestTimeout', 'headersTimeout', 'keepAliveTimeout', 'connectionsCheckingInterval',
  'joinDuplicateHeaders', 'uniqueHeaders', 'requireHostHeader', 'highWaterMark',
] as const;

/** What the HTTP/1.1 side needs from the server it serves. */
export interface Http1Host {
  /** The server users listen on (its events are re-emitted there). */
  readonly server: net.Server;
  /** H2Duplex options of a session made by an h2c upgrade (null: upgrades are not taken). */
  readonly upgradeOptions: H2DuplexOptions | null;
  /** Takes a session that an h2c upgrade made (already piped to its socket). */
  adoptUpgraded(session: H2Duplex, socket: Duplex): void;
}

/**
 * A not-listening `http.Server` serving the HTTP/1.1 connections of `host.server`, its events
 * re-emitted there (see the file header). `options` are the server's options: `Http1IncomingMessage`,
 * `Http1ServerResponse` and http.Server's own (`maxHeaderSize`, `requestTimeout`, …) are used.
 */
export function createHttp1Server(host: Http1Host, options: Record<string, unknown>): http.Server {
  const httpOptions: Record<string, unknown> = {};
  for (const name of HTTP1_OPTION_NAMES) if (options[name] !== undefined) httpOptions[name] = options[name];
  if (options['Http1IncomingMessage'] !== undefined) httpOptions['IncomingMessage'] = options['Http1IncomingMessage'];
  if (options['Http1ServerResponse'] !== undefined) httpOptions['ServerResponse'] = options['Http1ServerResponse'];
  const inner = http.createServer(httpOptions);
  const outer = host.server;
  inner.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => outer.emit('request', req, res));
  inner.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(host, inner, req, socket, head);
  });
  const forwarded = new Set<string>();
  const forward = (event: string): void => {
    if (forwarded.has(event) || !(FORWARDED_WHEN_LISTENED as readonly string[]).includes(event)) return;
    forwarded.add(event);
    inner.on(event, (...args: unknown[]) => outer.emit(event, ...args));
  };
  for (const event of FORWARDED_WHEN_LISTENED) if (outer.listenerCount(event) > 0) forward(event);
  outer.on('newListener', forward);
  // http.Server starts its request/headers timeout checks, and the list close() uses to close
  // idle keep-alive connections, on 'listening'.
  if (outer.listening) inner.emit('listening');
  outer.on('listening', () => inner.emit('listening'));
  return inner;
}

/** Hands `socket` to the HTTP/1.1 server with the server's current timeout (`server.setTimeout()`). */
export function serveHttp1(inner: http.Server, timeout: number, socket: Duplex): void {
  inner.timeout = timeout;
  inner.emit('connection', socket);
}

/**
 * An upgrade request on the HTTP/1.1 side: h2c becomes a session; another upgrade goes to the
 * server's `'upgrade'` listeners; with none it is served as a plain request.
 */
function onUpgrade(host: Http1Host, inner: http.Server, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  const options = host.upgradeOptions;
  if (options !== null && req.headers.upgrade?.toLowerCase().split(',').some((token) => token.trim() === 'h2c') === true) {
    const session = acceptH2cUpgrade(req, socket, head, options);
    if (session !== null) {
      host.adoptUpgraded(session, socket);
      return;
    }
  }
  if (host.server.listenerCount('upgrade') > 0) {
    host.server.emit('upgrade', req, socket, head);
    return;
  }
  replayWithoutUpgrade(inner, req, socket, head);
}

/**
 * Serves an upgrade request nobody takes as the HTTP/1.1 request it also is (what node's
 * http.Server does when it has no 'upgrade' listener): its head is written again without the
 * upgrade fields, put back in front of what followed it, and the socket handed to the parser anew.
 */
function replayWithoutUpgrade(inner: http.Server, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    let value = req.rawHeaders[i + 1] ?? '';
    const lower = name.toLowerCase();
    if (lower === 'upgrade' || lower === 'http2-settings') continue;
    if (lower === 'connection') {
      value = value.split(',').map((token) => token.trim()).filter((token) => !/^(upgrade|http2-settings)$/i.test(token)).join(', ');
      if (value === '') continue;
    }
    lines.push(`${name}: ${value}`);
  }
  socket.unshift(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]));
  inner.emit('connection', socket);
  socket.resume();
}

/**
 * Reads the first octets of `socket` until they are, or cannot be, the HTTP/2 connection
 * preface, puts them back, and calls `decided(true)` for HTTP/2, `decided(false)` for anything
 * else. A socket that says nothing decisive for `timeoutMs` (null: no limit) is destroyed.
 */
export function sniffPreface(socket: net.Socket, timeoutMs: number | null, decided: (http2: boolean) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, PREFACE.length);
    const prefaceSoFar = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
    if (prefaceSoFar && seen.length < PREFACE.length) return; // could still be either: read on
    done();
    socket.pause();
    socket.unshift(seen);
    decided(prefaceSoFar);
  };
  const onQuiet = (): void => {
    socket.destroy();
  };
  const done = (): void => {
    socket.off('data', onData);
    socket.off('end', onEnd);
    if (timeoutMs !== null) {
      socket.off('timeout', onQuiet);
      socket.setTimeout(0);
    }
  };
  const onEnd = (): void => {
    done();
    socket.destroy();
  };
  socket.on('data', onData);
  socket.on('end', onEnd);
  if (timeoutMs !== null) {
    socket.setTimeout(timeoutMs);
    socket.on('timeout', onQuiet);
  }
}
