/**
 * The sessions of one server (plain or TLS): one server H2Duplex per HTTP/2 connection, their
 * events re-emitted on the server as node:http2 does (`'session'`, `'stream'`,
 * `'sessionError'`, `'timeout'`), the choice between HTTP/2 and HTTP/1.1 for each connection
 * (the preface on the plain server, ALPN on the TLS one), and, when the server closes, destroying
 * connections still undecided (open sessions stay open, as node:http2's).
 *
 * Not here: the server classes and the compatibility `'request'` (./server.ts), HTTP/1.1 and
 * h2c upgrades (./http1.ts), the socket/session lifetimes (./transport.ts).
 */
import type http from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type tls from 'node:tls';
import { H2Duplex, type H2DuplexOptions } from '../duplex/index.js';
import { createHttp1Server, serveHttp1, sniffPreface } from './http1.js';
import { bindSocket, pipeSession } from './transport.js';

/** node:http2's default `unknownProtocolTimeout`. */
const DEFAULT_UNKNOWN_PROTOCOL_TIMEOUT_MS = 10_000;
/** The plain server with `allowHTTP1`: first octets must decide HTTP/2 or HTTP/1.1 within this (H2Duplex's default `prefaceTimeout`). */
const DEFAULT_FIRST_OCTETS_TIMEOUT_MS = 10_000;

/** What node:http2 writes to a TLS client that chose no protocol, when nobody handles `'unknownProtocol'`. */
const UNKNOWN_PROTOCOL_RESPONSE =
  'HTTP/1.0 403 Forbidden\r\nContent-Type: text/plain\r\n\r\n' +
  'Missing ALPN Protocol, expected `h2` to be available.\n' +
  'If this is a HTTP request: The server was not configured with the `allowHTTP1` option or a listener for the `unknownProtocol` event.\n';

/** A server as its sessions see it: node:http2's `timeout` (`server.setTimeout()`). */
export interface SessionServer extends net.Server {
  /** Milliseconds of inactivity before a new session times out; 0: never. */
  timeout: number;
}

/** How a server treats its connections. */
export interface ServerSessionsOptions {
  /** The H2Duplex options of every session (role: server). */
  duplex: H2DuplexOptions;
  /** The server's other options (HTTP/1.1's among them). */
  rest: Record<string, unknown>;
  /** Serve HTTP/1.1 beside HTTP/2 (node:http2's `allowHTTP1`). */
  allowHTTP1: boolean;
  /** Take h2c upgrades on HTTP/1.1 connections (the plain server). */
  h2cUpgrade: boolean;
}

/** The server of each session, for the module-level listeners. */
const hubOf = new WeakMap<H2Duplex, ServerSessions>();

/** One server's sessions and connections (see the file header). */
export class ServerSessions {
  /** The server the events are emitted on. */
  readonly server: SessionServer;
  #duplex: H2DuplexOptions;
  /** Plain connections still deciding between HTTP/2 and HTTP/1.1. */
  readonly #undecided = new Set<net.Socket>();
  readonly #http1: http.Server | null;
  readonly #firstOctetsTimeout: number | null;
  readonly #unknownProtocolTimeout: number;

  constructor(server: SessionServer, options: ServerSessionsOptions) {
    this.server = server;
    this.#duplex = options.duplex;
    const rest = options.rest;
    const h2cUpgrade = options.h2cUpgrade;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the host's getter reads the options as updateSettings() changes them
    const hub = this;
    this.#http1 = options.allowHTTP1
      ? createHttp1Server(
          {
            server,
            get upgradeOptions() {
              return h2cUpgrade ? hub.#duplex : null;
            },
            adoptUpgraded: (session, socket) => {
              bindSocket(socket, session);
              this.#adopt(session);
            },
          },
          rest,
        )
      : null;
    const preface = options.duplex.prefaceTimeout;
    this.#firstOctetsTimeout = preface === 0 || preface === Infinity ? null : (preface ?? DEFAULT_FIRST_OCTETS_TIMEOUT_MS);
    const unknown = rest['unknownProtocolTimeout'];
    this.#unknownProtocolTimeout = typeof unknown === 'number' ? unknown : DEFAULT_UNKNOWN_PROTOCOL_TIMEOUT_MS;
  }

  /** The H2Duplex options new sessions get. */
  get duplexOptions(): H2DuplexOptions {
    return this.#duplex;
  }

  set duplexOptions(options: H2DuplexOptions) {
    this.#duplex = options;
  }

  /**
   * A connection to the plain server: HTTP/2 with prior knowledge; with `allowHTTP1`, the
   * first octets decide between that and HTTP/1.1 (which may upgrade to h2c).
   */
  acceptPlain(socket: net.Socket): void {
    const http1 = this.#http1;
    if (http1 === null) {
      this.startSession(socket);
      return;
    }
    this.#undecided.add(socket);
    socket.once('close', () => this.#undecided.delete(socket));
    // A reset before the first octets must not be an uncaught exception.
    socket.on('error', ignoreUndecidedError);
    sniffPreface(socket, this.#firstOctetsTimeout, (http2) => {
      this.#undecided.delete(socket);
      socket.off('error', ignoreUndecidedError);
      if (http2) this.startSession(socket);
      else {
        serveHttp1(http1, this.server.timeout, socket);
        socket.resume(); // the parser reads the octets put back through 'data'
      }
    });
  }

  /**
   * A TLS connection, after its handshake: ALPN "h2" is HTTP/2; "http/1.1" or no protocol is
   * HTTP/1.1 with `allowHTTP1`, else `'unknownProtocol'` (with no listener, node's 403 and
   * the socket destroyed after `unknownProtocolTimeout` if the client keeps it open).
   */
  acceptSecure(socket: tls.TLSSocket): void {
    const alpn = socket.alpnProtocol;
    if (alpn === 'h2') {
      this.startSession(socket);
      return;
    }
    if (this.#http1 !== null) {
      serveHttp1(this.#http1, this.server.timeout, socket);
      return;
    }
    if (this.server.emit('unknownProtocol', socket)) return;
    const timer = setTimeout(() => socket.destroy(), this.#unknownProtocolTimeout);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
    });
    socket.on('error', ignoreUndecidedError);
    socket.end(UNKNOWN_PROTOCOL_RESPONSE);
  }

  /** A new server session on `socket` (piped to it), announced with `'session'`. */
  startSession(socket: Duplex): H2Duplex {
    const session = new H2Duplex(this.#duplex);
    pipeSession(socket, session);
    this.#adopt(session);
    return session;
  }

  #adopt(session: H2Duplex): void {
    hubOf.set(session, this);
    session.on('stream', sessionOnStream);
    session.on('error', sessionOnError);
    if (this.server.timeout > 0) session.setTimeout(this.server.timeout, sessionOnTimeout);
    this.server.emit('session', session);
  }

  /**
   * The server stopped listening. As with node:http2 (20), open sessions stay open (a graceful
   * shutdown closes them: `session.close()`, from the `'session'` event); connections that sent
   * nothing decisive yet are destroyed, and idle HTTP/1.1 keep-alive connections are closed
   * (busy ones after their response), as node's `allowHTTP1` server does.
   */
  closeAll(): void {
    for (const socket of this.#undecided) socket.destroy();
    this.#http1?.close();
  }
}

function ignoreUndecidedError(): void {
  // The socket is destroyed by the error; nobody else is listening yet.
}

/** node:http2's `sessionOnStream`: every argument of the session's `'stream'` on the server. */
function sessionOnStream(this: H2Duplex, ...args: unknown[]): void {
  hubOf.get(this)?.server.emit('stream', ...args);
}

/** node:http2's `sessionOnError`: `'sessionError'` `(error, session)` on the server. */
function sessionOnError(this: H2Duplex, error: Error): void {
  hubOf.get(this)?.server.emit('sessionError', error, this);
}

/** node:http2's `sessionOnTimeout`: `'timeout'` `(session)` on the server, or, unheard, the session destroyed. */
function sessionOnTimeout(this: H2Duplex): void {
  if (this.destroyed || this.closing) return;
  const hub = hubOf.get(this);
  if (hub === undefined || !hub.server.emit('timeout', this)) this.destroy();
}
