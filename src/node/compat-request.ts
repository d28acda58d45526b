/**
 * Http2ServerRequest: node:http2's compatibility request (`'request'` `(req, res)`) over an
 * H2Stream.
 *
 * The body is read from the H2Stream only as the request is read: `_read` starts the stream
 * flowing into the request, and a full request buffer (`push()` false) pauses the stream, so
 * its DATA stays unacknowledged and HTTP/2 flow control holds the client back (RFC 9113 §5.2).
 * A request nobody reads is drained once the response is finished, as node:http does, so the
 * stream can close and the response emit `'finish'`.
 *
 * Not here: the response (./compat-response.ts), the socket stand-in (./compat-shared.ts), the
 * server that makes both (./server.ts).
 */
import type net from 'node:net';
import { Readable, type ReadableOptions } from 'node:stream';
import type tls from 'node:tls';
import { describeValue, InvalidArgumentError } from '../errors.js';
import type { H2Stream, IncomingHeaders } from '../duplex/index.js';
import { forgetStream, onStreamError, registerRequest, socketOf } from './compat-shared.js';

/** The received trailers, node's object form. */
export type IncomingTrailers = Record<string, string | string[] | number | undefined>;

/**
 * node:http2's `Http2ServerRequest`: a Readable of the request body, with the request's
 * headers and node:http's `IncomingMessage` members. Made by the server for each stream
 * (`new Http2ServerRequest(stream, headers, options, rawHeaders)`, as node does).
 *
 * Events: `'data'`/`'end'` (the body), `'aborted'` (the stream closed, or the client reset it,
 * before the response was ended), `'close'` (the stream closed), `'timeout'` (the stream's).
 * Errors of the stream are not forwarded (node's rule): watch `'aborted'` and `'close'`.
 */
export class Http2ServerRequest extends Readable {
  readonly #stream: H2Stream;
  readonly #headers: IncomingHeaders;
  readonly #rawHeaders: string[];
  readonly #trailers: IncomingTrailers = {};
  readonly #rawTrailers: string[] = [];
  /** The stream closed: nothing more will come. */
  #closed = false;
  /** `_read` ran: the stream flows into this request. */
  #didRead = false;
  #aborted = false;

  /**
   * @param stream the server stream of the request.
   * @param headers its headers, node's object form (the `'stream'` event's).
   * @param options Readable options (node's; `autoDestroy` is false unless given).
   * @param rawHeaders node's flat `[name, value, …]` list (the `'stream'` event's).
   */
  constructor(stream: H2Stream, headers: IncomingHeaders, options?: ReadableOptions, rawHeaders: string[] = []) {
    super({ autoDestroy: false, ...options });
    this.#stream = stream;
    this.#headers = headers;
    this.#rawHeaders = rawHeaders;
    registerRequest(stream, this);
    stream.on('trailers', this.#onStreamTrailers);
    stream.on('end', this.#onStreamEnd);
    stream.on('error', onStreamError);
    stream.on('aborted', this.#onStreamAborted);
    stream.on('finish', this.#onStreamFinish);
    stream.on('close', this.#onStreamClose);
    stream.on('timeout', this.#onStreamTimeout);
  }

  /** The stream closed, or the client reset it, before the response was ended. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** The body was read to its end, or the request ended otherwise (aborted, closed). */
  get complete(): boolean {
    return this.#aborted || this.readableEnded || this.#closed || this.#stream.destroyed;
  }

  /** The H2Stream underneath. */
  get stream(): H2Stream {
    return this.#stream;
  }

  /** The request headers, node's object form (pseudo-headers included). */
  get headers(): IncomingHeaders {
    return this.#headers;
  }

  /** The request headers as received: `[name, value, name, value, …]`. */
  get rawHeaders(): string[] {
    return this.#rawHeaders;
  }

  /** The request's trailers, once they arrived (empty before). */
  get trailers(): IncomingTrailers {
    return this.#trailers;
  }

  /** The request's trailers as received: `[name, value, …]`. */
  get rawTrailers(): string[] {
    return this.#rawTrailers;
  }

  /** `2`. */
  get httpVersionMajor(): number {
    return 2;
  }

  /** `0`. */
  get httpVersionMinor(): number {
    return 0;
  }

  /** `'2.0'`. */
  get httpVersion(): string {
    return '2.0';
  }

  /**
   * A stand-in for the connection's socket, as node's proxy: the stream's `on`/`once`/`end`/
   * `emit`/`destroy`, the session's `setTimeout`, `write`/`read`/`pause`/`resume` refused
   * (`ERR_H2_NO_SOCKET_MANIPULATION`), anything else (`remoteAddress`, `encrypted`,
   * `instanceof`) the session's transport.
   */
  get socket(): net.Socket | tls.TLSSocket {
    return socketOf(this.#stream);
  }

  /** The same as {@link socket} (node:http's old name). */
  get connection(): net.Socket | tls.TLSSocket {
    return this.socket;
  }

  /** `:method`. */
  get method(): string {
    return this.#headers[':method'] ?? '';
  }

  /** Sets `:method` in {@link headers}. @throws InvalidArgumentError (`ERR_H2_INVALID_ARG`) for a non-string or blank method. */
  set method(method: string) {
    if (typeof method !== 'string') throw new InvalidArgumentError(`req.method must be a string, not ${describeValue(method)}`);
    if (method.trim() === '') throw new InvalidArgumentError(`req.method must not be blank, and was ${JSON.stringify(method)}`);
    this.#headers[':method'] = method;
  }

  /** `:authority`, else the `host` header. */
  get authority(): string | undefined {
    const authority = this.#headers[':authority'] ?? this.#headers['host'];
    return typeof authority === 'string' ? authority : undefined;
  }

  /** `:scheme`. */
  get scheme(): string | undefined {
    return this.#headers[':scheme'];
  }

  /** `:path` (settable, as routers rewrite it). */
  get url(): string {
    return this.#headers[':path'] ?? '';
  }

  /** Rewrites `:path` in {@link headers} (what routers that mount sub-apps do). */
  set url(url: string) {
    this.#headers[':path'] = url;
  }

  /** The stream's `setTimeout` (`'timeout'` after `ms` without activity), until the stream closes. */
  setTimeout(ms: number, callback?: () => void): this {
    if (!this.#closed) this.#stream.setTimeout(ms, callback);
    return this;
  }

  /** Starts the stream flowing into the request, or resumes it (Readable internals). */
  override _read(_size: number): void {
    if (this.#closed) return;
    if (!this.#didRead) {
      this.#didRead = true;
      this.#stream.on('data', this.#onStreamData);
    } else {
      process.nextTick(resumeStream, this.#stream);
    }
  }

  // ---------------------------------------------------------------- the stream's events

  /** Body bytes: a full request buffer pauses the stream, whose unread DATA holds the client's window. */
  readonly #onStreamData = (chunk: Buffer): void => {
    if (!this.push(chunk)) this.#stream.pause();
  };

  readonly #onStreamTrailers = (trailers: IncomingHeaders, _flags: number, rawTrailers: string[]): void => {
    Object.assign(this.#trailers, trailers);
    this.#rawTrailers.push(...rawTrailers);
  };

  readonly #onStreamEnd = (): void => {
    this.push(null);
  };

  readonly #onStreamAborted = (): void => {
    this.#abort();
  };

  /**
   * Our response is sent: a body nobody reads is drained (node:http's rule), so the stream's
   * readable side ends and the stream can close (node:http2 drains it at the stream's close).
   */
  readonly #onStreamFinish = (): void => {
    if (!this.#didRead && !this.readableFlowing && !this.#closed) this.resume();
  };

  readonly #onStreamClose = (): void => {
    if (this.#closed) return;
    // node:http2 emits 'aborted' whenever the stream closes before our side ended (a reset
    // either way, the connection lost); our H2Stream emits it for a client's reset only.
    if (!this.#stream.writableEnded) this.#abort();
    this.#closed = true;
    this.push(null);
    if (!this.#didRead && this.readableFlowing !== true) this.resume();
    forgetStream(this.#stream);
    this.emit('close');
  };

  readonly #onStreamTimeout = (): void => {
    if (!this.#closed) this.emit('timeout');
  };

  #abort(): void {
    if (this.#closed || this.#aborted || this.#stream.writableEnded) return;
    this.#aborted = true;
    this.emit('aborted');
  }
}

function resumeStream(stream: H2Stream): void {
  stream.resume();
}
