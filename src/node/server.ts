/**
 * node:http2's servers on H2Duplex: `createServer()` (a `net.Server`: h2c with prior
 * knowledge; with `allowHTTP1`, also HTTP/1.1 and h2c upgrades on the same port) and
 * `createSecureServer()` (a `tls.Server`: ALPN "h2", and "http/1.1" with `allowHTTP1`).
 *
 * Each HTTP/2 connection is one server H2Duplex (`'session'`); its requests are `'stream'`
 * `(stream, headers, flags, rawHeaders)` on the server, as on the session; a `'request'`
 * listener turns them into `'request'` `(req, res)` with Http2ServerRequest and
 * Http2ServerResponse (node's compatibility API), and HTTP/1.1 requests (with `allowHTTP1`)
 * arrive there too, with node's IncomingMessage and ServerResponse.
 *
 * Not here: per-connection work (./server-sessions.ts), HTTP/1.1 (./http1.ts).
 */
import type http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { describeValue, InvalidArgumentError } from '../errors.js';
import type { SettingsInput } from '../core/index.js';
import type { Duplex } from 'node:stream';
import type { H2Duplex, H2DuplexEvents, H2DuplexOptions, H2Stream, IncomingHeaders } from '../duplex/index.js';
import { toSettingsInput } from '../duplex/node-session.js';
import { Http2ServerRequest } from './compat-request.js';
import { Http2ServerResponse } from './compat-response.js';
import { ServerSessions } from './server-sessions.js';
import { type Http2SessionOptions, type SplitOptions, splitSessionOptions } from './session-options.js';

/** Options of {@link createServer}: node:http2's, and H2Duplex's under their own names. */
export interface ServerOptions extends Http2SessionOptions, Pick<net.ServerOpts, 'keepAlive' | 'keepAliveInitialDelay'> {
  /**
   * Serve HTTP/1.1 beside HTTP/2 (node:http2's option). On the plain server this is ours:
   * a connection that does not open with the HTTP/2 preface is HTTP/1.1, and its h2c upgrade
   * requests (`curl --http2`) become HTTP/2 sessions. Default false: every connection is
   * HTTP/2, and anything else fails its session (`'sessionError'`).
   */
  allowHTTP1?: boolean;
  /** HTTP/1.1 requests' class (node's option). Default `http.IncomingMessage`. */
  Http1IncomingMessage?: typeof http.IncomingMessage;
  /** HTTP/1.1 responses' class (node's option). Default `http.ServerResponse`. */
  Http1ServerResponse?: typeof http.ServerResponse;
  /** The compatibility request's class (node's option). Default {@link Http2ServerRequest}. */
  Http2ServerRequest?: typeof Http2ServerRequest;
  /** The compatibility response's class (node's option). Default {@link Http2ServerResponse}. */
  Http2ServerResponse?: typeof Http2ServerResponse;
  /** HTTP/1.1 (`allowHTTP1`): http.Server's limits, passed to it. */
  maxHeaderSize?: number;
  requestTimeout?: number;
  headersTimeout?: number;
  keepAliveTimeout?: number;
  insecureHTTPParser?: boolean;
  /** Origins sent in an ORIGIN frame (RFC 8336) right after each session's SETTINGS, as node:http2's option. */
  origins?: string[];
}

/** Options of {@link createSecureServer}: {@link ServerOptions}, `tls.createServer()`'s, and node's `unknownProtocolTimeout`. */
export interface SecureServerOptions extends ServerOptions, Omit<tls.TlsOptions, 'ALPNProtocols' | 'ALPNCallback'> {
  /** Milliseconds a connection that chose no protocol may stay after `'unknownProtocol'` found no listener. Default 10000. */
  unknownProtocolTimeout?: number;
}

/**
 * `'request'` listener: the compatibility request and response, typed as node:http2 types it.
 * With `allowHTTP1`, an HTTP/1.1 request brings node's `http.IncomingMessage` and
 * `http.ServerResponse` instead (as with node:http2), whose common members are the same.
 */
export type RequestListener = (req: Http2ServerRequest, res: Http2ServerResponse) => void | Promise<void>;

/**
 * A `'request'` handler typed for node's own request and response classes (Koa's
 * `app.callback()`, an Express app, a function written for node:http2 or node:http): taken as
 * it is, since the compatibility objects behave as node's. TypeScript cannot check node's
 * parameter types against ours, so this form is not checked.
 */
export type ForeignRequestListener = (req: never, res: never) => unknown;

/** Listener arguments of the servers' events (net.Server's and tls.Server's others are theirs). */
export interface Http2ServerEvents {
  /** A new HTTP/2 connection. */
  session: [session: H2Duplex];
  /** A request, with every argument of the session's `'stream'`. */
  stream: H2DuplexEvents['stream'];
  /** A request, through the compatibility API (see {@link RequestListener}). */
  request: Parameters<RequestListener>;
  /** A request with `expect: 100-continue`, when listened for (else 100 Continue and `'request'`). */
  checkContinue: Parameters<RequestListener>;
  /** A request with another `expect`, when listened for (else 417). */
  checkExpectation: Parameters<RequestListener>;
  /** An HTTP/2 CONNECT request (else 405). */
  connect: Parameters<RequestListener>;
  /** A session failed (its `'error'`). */
  sessionError: [error: Error, session: H2Duplex];
  /** A session was quiet for `timeout` ms (an HTTP/1.1 connection: its socket). */
  timeout: [session: H2Duplex | Duplex];
  /** TLS: a client that chose no protocol, without `allowHTTP1`. */
  unknownProtocol: [socket: tls.TLSSocket];
  /** HTTP/1.1 (`allowHTTP1`): an upgrade request that is not h2c. */
  upgrade: [req: http.IncomingMessage, socket: Duplex, head: Buffer];
  /** A TLS handshake or HTTP/1.1 parse failure, when listened for. */
  clientError: [error: Error, socket: Duplex];
  connection: [socket: net.Socket];
  listening: [];
  close: [];
  error: [error: Error];
}

/** What both servers hold. */
interface ServerState {
  hub: ServerSessions;
  request: typeof Http2ServerRequest;
  response: typeof Http2ServerResponse;
}

/** `options` checked to be an object, sorted into the sessions' H2Duplex options (role: server) and the rest. */
function splitServerOptions(where: string, options: unknown): SplitOptions {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(`${where}: options must be an object, not ${describeValue(options)}`, 'ERR_H2_INVALID_OPTION');
  return splitSessionOptions(options as Record<string, unknown>, false);
}

function serverState(server: Http2Server | Http2SecureServer, options: ServerOptions, { duplex, rest }: SplitOptions, h2cUpgrade: boolean): ServerState {
  const hub = new ServerSessions(server, { duplex, rest, allowHTTP1: options.allowHTTP1 === true, h2cUpgrade });
  return { hub, request: options.Http2ServerRequest ?? Http2ServerRequest, response: options.Http2ServerResponse ?? Http2ServerResponse };
}

/** A SettingsInput as [code, value] pairs. */
function settingPairs(settings: SettingsInput): Array<[number, number]> {
  if (settings instanceof Map) return [...(settings as ReadonlyMap<number, number>)];
  return Object.entries(settings).flatMap(([code, value]): Array<[number, number]> => (value === undefined ? [] : [[Number(code), value]]));
}

/** node:http2's `updateSettings()`: settings for sessions started from now on, merged with the earlier ones. */
function updateSettings(hub: ServerSessions, settings: H2DuplexOptions['settings']): void {
  if (typeof settings !== 'object' || (settings as unknown) === null) throw new InvalidArgumentError(`updateSettings(): settings must be an object, not ${describeValue(settings)}`, 'ERR_H2_INVALID_OPTION');
  const before = hub.duplexOptions.settings;
  const merged = new Map([...(before === undefined ? [] : settingPairs(toSettingsInput(before))), ...settingPairs(toSettingsInput(settings))]);
  hub.duplexOptions = { ...hub.duplexOptions, settings: merged };
}

/**
 * An HTTP/2 server over cleartext TCP (node:http2's `Http2Server`): h2c with prior
 * knowledge, plus HTTP/1.1 and h2c upgrades with `allowHTTP1`. Events: `'session'`
 * `(session)`, `'stream'` `(stream, headers, flags, rawHeaders)`, `'request'` `(req, res)`,
 * `'sessionError'` `(error, session)`, `'timeout'` `(session)`, `'checkContinue'`,
 * `'checkExpectation'`, and net.Server's own.
 */
export class Http2Server extends net.Server {
  /** Milliseconds of inactivity after which a new session emits `'timeout'` on the server (or, unheard, is destroyed); 0: never (node's default). */
  timeout = 0;
  readonly #state: ServerState;

  constructor(options: ServerOptions = {}, onRequest?: RequestListener) {
    const split = splitServerOptions('createServer()', options);
    // allowHalfOpen: a client that ends its side still gets its responses and our GOAWAY.
    super({ allowHalfOpen: true, noDelay: options.noDelay ?? true, keepAlive: options.keepAlive, keepAliveInitialDelay: options.keepAliveInitialDelay });
    this.#state = serverState(this, options, split, true);
    this.on('connection', (socket: net.Socket) => {
      this.#state.hub.acceptPlain(socket);
    });
    setUpCompat(this, this.#state);
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- added as it is (removeListener finds it); a promise it returns is ignored, as node does
    if (onRequest !== undefined) this.on('request', onRequest);
  }

  /** Typed listener for one of {@link Http2ServerEvents}. */
  override on<K extends keyof Http2ServerEvents>(event: K, listener: (...args: Http2ServerEvents[K]) => void): this;
  /** Any other event. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  override on(event: string, listener: (...args: any[]) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  override on(event: string, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }

  /** Typed one-time listener for one of {@link Http2ServerEvents}. */
  override once<K extends keyof Http2ServerEvents>(event: K, listener: (...args: Http2ServerEvents[K]) => void): this;
  /** Any other event. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  override once(event: string, listener: (...args: any[]) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  override once(event: string, listener: (...args: any[]) => void): this {
    return super.once(event, listener);
  }

  /** Sets {@link timeout} for sessions started from now on; `callback` is added as a `'timeout'` listener. */
  setTimeout(ms = 0, callback?: (...args: Http2ServerEvents['timeout']) => void): this {
    this.timeout = ms;
    if (callback !== undefined) this.on('timeout', callback);
    return this;
  }

  /** node:http2's `updateSettings()`: the SETTINGS of sessions started from now on (merged with earlier ones). */
  updateSettings(settings: H2DuplexOptions['settings']): void {
    updateSettings(this.#state.hub, settings);
  }

  /**
   * Stops listening and closes idle HTTP/1.1 connections; open HTTP/2 sessions stay open, as
   * with node:http2 (close them with `session.close()` for a graceful shutdown). `callback`
   * (and `'close'`) once the last connection is gone.
   */
  override close(callback?: (err?: Error) => void): this {
    super.close(callback);
    this.#state.hub.closeAll();
    return this;
  }
}

/**
 * An HTTP/2 server over TLS (node:http2's `Http2SecureServer`): ALPN "h2", and "http/1.1"
 * with `allowHTTP1`. Events: those of {@link Http2Server}, `'unknownProtocol'` `(socket)` for
 * a client that chose no protocol (without `allowHTTP1`), and tls.Server's own; a TLS
 * handshake error is `'clientError'` `(error, socket)` when listened for.
 */
export class Http2SecureServer extends tls.Server {
  /** As {@link Http2Server.timeout}. */
  timeout = 0;
  readonly #state: ServerState;

  constructor(options: SecureServerOptions, onRequest?: RequestListener) {
    const split = splitServerOptions('createSecureServer()', options);
    super({ ...split.rest, allowHalfOpen: true, ALPNProtocols: options.allowHTTP1 === true ? ['h2', 'http/1.1'] : ['h2'] });
    this.#state = serverState(this, options, split, false);
    this.on('secureConnection', (socket: tls.TLSSocket) => {
      this.#state.hub.acceptSecure(socket);
    });
    this.on('tlsClientError', secureServerOnClientError);
    setUpCompat(this, this.#state);
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- added as it is (removeListener finds it); a promise it returns is ignored, as node does
    if (onRequest !== undefined) this.on('request', onRequest);
  }

  /** Typed listener for one of {@link Http2ServerEvents}. */
  override on<K extends keyof Http2ServerEvents>(event: K, listener: (...args: Http2ServerEvents[K]) => void): this;
  /** Any other event. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  override on(event: string, listener: (...args: any[]) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  override on(event: string, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }

  /** Typed one-time listener for one of {@link Http2ServerEvents}. */
  override once<K extends keyof Http2ServerEvents>(event: K, listener: (...args: Http2ServerEvents[K]) => void): this;
  /** Any other event. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  override once(event: string, listener: (...args: any[]) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  override once(event: string, listener: (...args: any[]) => void): this {
    return super.once(event, listener);
  }

  /** As {@link Http2Server.setTimeout}. */
  setTimeout(ms = 0, callback?: (...args: Http2ServerEvents['timeout']) => void): this {
    this.timeout = ms;
    if (callback !== undefined) this.on('timeout', callback);
    return this;
  }

  /** As {@link Http2Server.updateSettings}. */
  updateSettings(settings: H2DuplexOptions['settings']): void {
    updateSettings(this.#state.hub, settings);
  }

  /** As {@link Http2Server.close}. */
  override close(callback?: (err?: Error) => void): this {
    super.close(callback);
    this.#state.hub.closeAll();
    return this;
  }
}

/** node:http2's `onErrorSecureServerSession`: a failed handshake is `'clientError'`, else the socket is destroyed. */
function secureServerOnClientError(this: Http2SecureServer, error: Error, socket: tls.TLSSocket): void {
  if (!this.emit('clientError', error, socket)) socket.destroy(error);
}

/**
 * node:http2's `setupCompat`: the first `'request'` listener adds the `'stream'` listener
 * that makes the compatibility request and response.
 */
function setUpCompat(server: Http2Server | Http2SecureServer, state: ServerState): void {
  const onNewListener = (event: string | symbol): void => {
    if (event !== 'request') return;
    server.off('newListener', onNewListener);
    server.on('stream', (stream: H2Stream, headers: IncomingHeaders, _flags: number, rawHeaders: string[]) => {
      onServerStream(server, state, stream, headers, rawHeaders);
    });
  };
  server.on('newListener', onNewListener);
}

/**
 * node:http2's compat `onServerStream`: `'request'`, or `'connect'` for CONNECT (405 when
 * unheard), `'checkContinue'` for `expect: 100-continue` (when heard; else 100 Continue and
 * `'request'`), `'checkExpectation'` for other expectations (when heard; else 417).
 */
function onServerStream(server: Http2Server | Http2SecureServer, state: ServerState, stream: H2Stream, headers: IncomingHeaders, rawHeaders: string[]): void {
  const request = new state.request(stream, headers, undefined, rawHeaders);
  const response = new state.response(stream);
  if (headers[':method'] === 'CONNECT') {
    if (!server.emit('connect', request, response)) {
      response.statusCode = 405;
      response.end();
    }
    return;
  }
  const expect = headers['expect'];
  if (expect !== undefined) {
    if (expect === '100-continue') {
      if (server.listenerCount('checkContinue') > 0) server.emit('checkContinue', request, response);
      else {
        response.writeContinue();
        server.emit('request', request, response);
      }
    } else if (server.listenerCount('checkExpectation') > 0) server.emit('checkExpectation', request, response);
    else {
      response.writeHead(417);
      response.end();
    }
    return;
  }
  server.emit('request', request, response);
}

/**
 * node:http2's `createServer()`: an {@link Http2Server}; `onRequest` is added as a `'request'` listener.
 * @throws InvalidArgumentError for options that are not an object, or an H2Configuration of the client role.
 */
export function createServer(onRequest?: RequestListener): Http2Server;
/** node:http2's `createServer(options, onRequest)`. */
export function createServer(options: ServerOptions, onRequest?: RequestListener): Http2Server;
/** A framework's handler, typed for node's classes ({@link ForeignRequestListener}). */
export function createServer(onRequest: ForeignRequestListener): Http2Server;
/** Options and a framework's handler. */
export function createServer(options: ServerOptions, onRequest: ForeignRequestListener): Http2Server;
export function createServer(options?: ServerOptions | RequestListener | ForeignRequestListener, onRequest?: RequestListener | ForeignRequestListener): Http2Server {
  if (typeof options === 'function') return new Http2Server({}, options as RequestListener);
  return new Http2Server(options ?? {}, onRequest as RequestListener | undefined);
}

/**
 * node:http2's `createSecureServer()`: an {@link Http2SecureServer}; `onRequest` is added as a `'request'` listener.
 * @throws InvalidArgumentError for options that are not an object, or an H2Configuration of the client role.
 */
export function createSecureServer(options: SecureServerOptions, onRequest?: RequestListener): Http2SecureServer;
/** A framework's handler, typed for node's classes ({@link ForeignRequestListener}). */
export function createSecureServer(options: SecureServerOptions, onRequest: ForeignRequestListener): Http2SecureServer;
export function createSecureServer(options: SecureServerOptions, onRequest?: RequestListener | ForeignRequestListener): Http2SecureServer {
  return new Http2SecureServer(options, onRequest as RequestListener | undefined);
}
