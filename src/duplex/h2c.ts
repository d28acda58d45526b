/**
 * h2c: HTTP/2 over cleartext TCP reached by upgrading an HTTP/1.1 request (RFC 7540 §3.2; RFC
 * 9113 §3.1 deprecates it, but curl --http2 and nghttp -u still offer it). Node's own HTTP/1.1
 * parser reads the request head: the server side is called from an `http.Server`'s 'upgrade'
 * event, the client side uses `http.request` and its 'upgrade' event.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCodes } from '../error-codes.js';
import { H2Error, ProtocolError } from '../errors.js';
import { H2Duplex, type H2DuplexOptions } from './h2-duplex.js';
import type { H2Stream } from './h2-stream.js';

/** HTTP/1.1 connection-specific fields, which HTTP/2 forbids (RFC 9113 §8.2.2), and Host (→ :authority). */
const NOT_FORWARDED = new Set(['connection', 'upgrade', 'http2-settings', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'host', 'te']);

const SWITCHING = 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n';

/** True if `req` asks for h2c and can have it: one HTTP2-Settings value, no request body. */
export function isH2cUpgrade(req: http.IncomingMessage): boolean {
  const upgrade = req.headers.upgrade?.toLowerCase().split(',').map((t) => t.trim()) ?? [];
  const settings = req.headersDistinct['http2-settings'];
  const connection = req.headers.connection?.toLowerCase() ?? '';
  // A body would have to be read before switching protocols; we only upgrade body-less requests.
  const body = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
  return upgrade.includes('h2c') && settings?.length === 1 && connection.includes('http2-settings') && !body && req.headers['transfer-encoding'] === undefined;
}

/**
 * Server: answers an h2c upgrade request with 101 and returns the H2Duplex now speaking on the
 * socket, or null (nothing written) if the request is not an h2c upgrade we can take (also
 * when its HTTP2-Settings value is malformed or holds an invalid setting). The
 * request itself is emitted as `'stream'` 1 on the next tick, so attach the listener at once.
 *
 *   httpServer.on('upgrade', (req, socket, head) => {
 *     const h2 = acceptH2cUpgrade(req, socket, head, { config: { clientSide: false } });
 *     if (h2 === null) socket.destroy(); else h2.on('stream', handler);
 *   });
 */
export function acceptH2cUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, options: H2DuplexOptions = {}): H2Duplex | null {
  if (!isH2cUpgrade(req)) return null;
  const request: Array<[string, string]> = [
    [':method', req.method ?? 'GET'],
    [':scheme', 'http'],
    [':authority', req.headers.host ?? ''],
    [':path', req.url ?? '/'],
  ];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? '').toLowerCase();
    if (!NOT_FORWARDED.has(name)) request.push([name, req.rawHeaders[i + 1] ?? '']);
  }
  let h2: H2Duplex;
  try {
    h2 = new H2Duplex({ ...options, config: { ...(options.config ?? {}), clientSide: false }, upgrade: { settings: req.headersDistinct['http2-settings']?.[0] ?? '', request } });
  } catch (err) {
    // RFC 7540 §3.2.1: an HTTP2-Settings value that does not decode, or holds an invalid
    // setting, means no upgrade: the request stays HTTP/1.1 (the caller answers it).
    if (err instanceof ProtocolError) return null;
    throw err;
  }
  socket.write(SWITCHING);
  if (head.length > 0) h2.write(head);
  socket.pipe(h2).pipe(socket);
  closeWithSocket(socket, h2);
  return h2;
}

/** What {@link requestH2cUpgrade} resolves with. */
export interface H2cUpgradeResult {
  /** The connection, now HTTP/2, piped to the socket: make further requests on it. */
  h2: H2Duplex;
  /** Stream 1: the response to the upgraded request ('response', then the body). */
  response: H2Stream;
}

/**
 * Client: sends `method path` over HTTP/1.1 to `url` offering h2c, and resolves once the server
 * switched (101); attach listeners to `response` right away (input starts on the next turn of
 * the event loop). Rejects if the server answered over HTTP/1.1 instead (no upgrade).
 */
export function requestH2cUpgrade(url: string | URL, options: { method?: string; headers?: Array<[string, string]>; duplex?: H2DuplexOptions } = {}): Promise<H2cUpgradeResult> {
  const target = new URL(url);
  const h2 = new H2Duplex({ ...(options.duplex ?? {}), upgrade: true });
  const response = h2.upgradeStream;
  const settings = h2.upgradeSettings;
  if (response === null || settings === null) throw new H2Error('requestH2cUpgrade(): the client duplex did not start an upgrade', ErrorCodes.INTERNAL_ERROR, { code: 'ERR_H2_UPGRADE_FAILED' });
  const headers: Record<string, string> = { Connection: 'Upgrade, HTTP2-Settings', Upgrade: 'h2c', 'HTTP2-Settings': settings };
  for (const [name, value] of options.headers ?? []) headers[name] = value;
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method: options.method ?? 'GET', headers });
    req.on('upgrade', (res: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      if (res.headers.upgrade?.toLowerCase() !== 'h2c') {
        socket.destroy();
        reject(new H2Error(`requestH2cUpgrade(): the server switched to ${String(res.headers.upgrade)}, not h2c`, ErrorCodes.INTERNAL_ERROR, { code: 'ERR_H2_UPGRADE_FAILED' }));
        return;
      }
      resolve({ h2, response });
      // Input starts on the next turn: the caller attaches its 'response' listener first (the
      // server's first frames may already be in `head`).
      setImmediate(() => {
        if (head.length > 0) h2.write(head);
        socket.pipe(h2).pipe(socket);
      });
      closeWithSocket(socket, h2);
    });
    req.on('response', (res: http.IncomingMessage) => {
      res.resume();
      h2.destroy();
      reject(new H2Error(`requestH2cUpgrade(): the server did not upgrade to h2c (it answered over HTTP/1.1 with ${String(res.statusCode)}); connect with prior knowledge, or use HTTP/1.1`, ErrorCodes.INTERNAL_ERROR, { code: 'ERR_H2_UPGRADE_FAILED' }));
    });
    req.on('error', (err) => {
      h2.destroy();
      reject(err);
    });
    req.end();
  });
}

/**
 * The connection ends with its socket. A socket error (a peer's reset) stays the socket's: it
 * is not re-emitted as the duplex's 'error', which `socket.pipe(h2)` listens for and rethrows
 * when nobody else does, so a peer could crash a program that attached no listener.
 */
function closeWithSocket(socket: Duplex, h2: H2Duplex): void {
  socket.on('error', () => h2.destroy());
  socket.on('close', () => h2.destroy());
}
