/**
 * Http2ServerResponse: node:http2's compatibility response (`'request'` `(req, res)`) over an
 * H2Stream, with node:http's `ServerResponse` members.
 *
 * Headers are kept in a null-prototype object until the first write, `end()`, `writeHead()`
 * or `flushHeaders()` sends them with `stream.respond()` (`:status`, and `date` unless
 * `sendDate` is false). `write()` is the stream's: it returns false, and `'drain'` follows,
 * while the client's flow-control window or the connection's output is full. Trailers
 * (`addTrailers`, `setTrailer`) end the stream after the body. `'finish'` and `'close'` are
 * emitted when the stream closes, as node:http2 does.
 *
 * Not here: the request (./compat-request.ts); the socket stand-in and header checks
 * (./compat-shared.ts).
 */
import type net from 'node:net';
import { Stream } from 'node:stream';
import type tls from 'node:tls';
import { describeValue, InvalidArgumentError, UsageCodes, UsageError } from '../errors.js';
import type { H2Stream, OutgoingHeaders } from '../duplex/index.js';
import type { Http2ServerRequest } from './compat-request.js';
import { checkHeader, checkStatus, flatHeaderPairs, headerKey, linkHeaderValue, onStreamError, type OutgoingValue, requestOf, socketOf, toSendable, warnStatusMessage } from './compat-shared.js';

export type { OutgoingValue } from './compat-shared.js';

/** `writeHead()`'s headers: an object, `[name, value]` pairs, or node:http's flat `[name, value, name, value, …]`. */
export type WriteHeadHeaders = Record<string, OutgoingValue> | readonly (readonly [string, OutgoingValue])[] | readonly string[];

/** The callback of {@link Http2ServerResponse.createPushResponse}. */
export type PushResponseCallback = (error: Error | null, response?: Http2ServerResponse) => void;

/** A write() or end() callback: an error when the data could not be sent. */
export type WriteCallback = (error?: Error | null) => void;

/**
 * node:http2's `Http2ServerResponse`: a writable Stream over the H2Stream of a request, made
 * by the server for each stream (`new Http2ServerResponse(stream)`, as node does).
 *
 * Events: `'drain'` (the stream's), `'finish'` then `'close'` (the stream closed, also after an
 * abort), `'timeout'`. Errors are not emitted (node's rule): `write()` after `end()` calls its
 * callback with `ERR_STREAM_WRITE_AFTER_END` and destroys the stream.
 */
export class Http2ServerResponse extends Stream {
  /** Always true (node's; the response is a writable Stream for `pipe()`). */
  writable = true;
  /** The request of this response; null on a pushed response (as node's). */
  readonly req: Http2ServerRequest | null;

  readonly #stream: H2Stream;
  readonly #headers: Record<string, OutgoingValue> = Object.create(null) as Record<string, OutgoingValue>;
  readonly #trailers: Record<string, OutgoingValue> = Object.create(null) as Record<string, OutgoingValue>;
  #statusCode = 200;
  #sendDate = true;
  /** The stream closed and 'finish'/'close' were emitted. */
  #closed = false;
  /** end() was called. */
  #ending = false;
  #destroyed = false;

  /** @param stream the server stream to respond on (a request's, or a pushed one). */
  constructor(stream: H2Stream) {
    super();
    this.#stream = stream;
    this.req = requestOf(stream) ?? null;
    if (this.req === null) {
      // A pushed stream has no request to swallow its errors (see Http2ServerRequest), nor
      // to read its (empty) readable side, which must end for the stream to close.
      stream.on('error', onStreamError);
      stream.resume();
    }
    stream.on('drain', this.#onStreamDrain);
    stream.on('close', this.#onStreamClose);
    stream.on('timeout', this.#onStreamTimeout);
  }

  // ---------------------------------------------------------------- state

  /** Truthy once the headers were sent (what `finalhandler` and others test). */
  get _header(): boolean {
    return this.headersSent;
  }

  /** `end()` was called. */
  get writableEnded(): boolean {
    return this.#ending;
  }

  /** `end()` was called (node:http's old name). */
  get finished(): boolean {
    return this.#ending;
  }

  /** The stream's. */
  get writableCorked(): number {
    return this.#stream.writableCorked;
  }

  /** The stream's. */
  get writableHighWaterMark(): number {
    return this.#stream.writableHighWaterMark;
  }

  /** Everything was handed to the connection (the stream's). */
  get writableFinished(): boolean {
    return this.#stream.writableFinished;
  }

  /** Bytes written and not yet sent (the stream's). */
  get writableLength(): number {
    return this.#stream.writableLength;
  }

  /** A stand-in for the connection's socket (as `req.socket`); undefined once the stream closed, as node:http's. */
  get socket(): net.Socket | tls.TLSSocket | undefined {
    return this.#closed ? undefined : socketOf(this.#stream);
  }

  /** The same as {@link socket}. */
  get connection(): net.Socket | tls.TLSSocket | undefined {
    return this.socket;
  }

  /** The H2Stream underneath. */
  get stream(): H2Stream {
    return this.#stream;
  }

  /** The response headers were sent. */
  get headersSent(): boolean {
    return this.#stream.headersSent;
  }

  /** Add a `date` header when the headers are sent, unless one was set (default true). */
  get sendDate(): boolean {
    return this.#sendDate;
  }

  /** Turn the automatic `date` header on or off. */
  set sendDate(send: boolean) {
    this.#sendDate = Boolean(send as unknown);
  }

  /** The status to send (default 200). */
  get statusCode(): number {
    return this.#statusCode;
  }

  /** @throws OutOfRangeError (`ERR_H2_OUT_OF_RANGE`) for a 1xx (use `writeContinue()`/`writeEarlyHints()`) or a code outside 100-599. */
  set statusCode(code: number) {
    this.#statusCode = checkStatus(code, 'res.statusCode');
  }

  /** Always `''`: HTTP/2 has no reason phrase (RFC 9113 §8.3.2); reading or setting it warns once. */
  get statusMessage(): string {
    warnStatusMessage();
    return '';
  }

  /** Ignored (HTTP/2 has no reason phrase), with a warning once. */
  set statusMessage(_message: string) {
    warnStatusMessage();
  }

  // ---------------------------------------------------------------- headers and trailers

  /** Sets a trailer, sent after the body. @throws InvalidArgumentError as {@link setHeader}. */
  setTrailer(name: string, value: OutgoingValue): void {
    const key = headerKey(name, 'setTrailer()');
    checkHeader(key, value, 'setTrailer()');
    this.#trailers[key] = value;
  }

  /** {@link setTrailer} for each field of `headers`. */
  addTrailers(headers: Record<string, OutgoingValue>): void {
    for (const [key, value] of Object.entries(headers)) this.setTrailer(key, value);
  }

  /** The value set for `name` (any case), or undefined. */
  getHeader(name: string): OutgoingValue | undefined {
    return this.#headers[headerKey(name, 'getHeader()')];
  }

  /** The names set, lowercased. */
  getHeaderNames(): string[] {
    return Object.keys(this.#headers);
  }

  /** A null-prototype copy of the headers set. */
  getHeaders(): Record<string, OutgoingValue> {
    return Object.assign(Object.create(null) as Record<string, OutgoingValue>, this.#headers);
  }

  /** A header `name` (any case) was set. */
  hasHeader(name: string): boolean {
    return Object.hasOwn(this.#headers, headerKey(name, 'hasHeader()'));
  }

  /**
   * Removes a header (`date`: turns `sendDate` off, as node does).
   * @throws UsageError `ERR_H2_HEADERS_SENT` once the headers were sent.
   */
  removeHeader(name: string): void {
    const key = headerKey(name, 'removeHeader()');
    this.#checkHeadersNotSent('removeHeader()');
    if (key === 'date') {
      this.#sendDate = false;
      return;
    }
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a header map keyed by name
    delete this.#headers[key];
  }

  /**
   * Sets a header (name trimmed and lowercased; an array is sent as repeated fields). As
   * node:http2, `connection` is dropped with a warning; other connection-specific fields are
   * refused when the headers are sent (`ERR_H2_INVALID_CONNECTION_HEADER`).
   * @throws UsageError `ERR_H2_HEADERS_SENT` once the headers were sent; InvalidArgumentError
   *   `ERR_H2_INVALID_ARG` for a name that is not a string, `ERR_H2_INVALID_HEADER` for a name
   *   that is not an HTTP token or a value that is undefined or null,
   *   `ERR_H2_INVALID_PSEUDOHEADER` for a pseudo-header.
   */
  setHeader(name: string, value: OutgoingValue): this {
    const key = headerKey(name, 'setHeader()');
    this.#checkHeadersNotSent('setHeader()');
    if (checkHeader(key, value, 'setHeader()')) this.#headers[key] = value;
    return this;
  }

  /** Adds a value to a header (an array then), or sets it. @throws as {@link setHeader}. */
  appendHeader(name: string, value: OutgoingValue): this {
    const key = headerKey(name, 'appendHeader()');
    this.#checkHeadersNotSent('appendHeader()');
    if (!checkHeader(key, value, 'appendHeader()')) return this;
    const existing = this.#headers[key];
    if (existing === undefined || existing === '') {
      this.#headers[key] = value;
      return this;
    }
    const values = Array.isArray(existing) ? [...(existing as readonly (string | number)[])] : [existing as string | number];
    if (Array.isArray(value)) values.push(...(value as readonly (string | number)[]));
    else values.push(value as string | number);
    this.#headers[key] = values;
    return this;
  }

  // ---------------------------------------------------------------- sending

  /**
   * Sends the headers: `statusCode`, then an optional reason phrase (ignored, with a warning),
   * then headers (an object, which sets, or pairs / a flat list, which replace the names they
   * give and then append, as node:http's writeHead). Does nothing once the stream closed.
   * @throws UsageError `ERR_H2_HEADERS_SENT` when they were sent; OutOfRangeError
   *   (`ERR_H2_OUT_OF_RANGE`) for a status outside 200-599; InvalidArgumentError as
   *   {@link setHeader}, and `ERR_H2_INVALID_ARG` for a flat list of odd length.
   */
  writeHead(statusCode: number, statusMessage?: string | WriteHeadHeaders, headers?: WriteHeadHeaders): this {
    if (this.#closed || this.#stream.destroyed || this.#stream.closed) return this;
    this.#checkHeadersNotSent('writeHead()');
    if (typeof statusMessage === 'string') warnStatusMessage();
    else if (headers === undefined) headers = statusMessage;
    const status = checkStatus(statusCode, 'writeHead()');
    if (Array.isArray(headers)) {
      const pairs = flatHeaderPairs(headers as WriteHeadHeaders & unknown[]);
      for (const [name] of pairs) this.removeHeader(name);
      for (const [name, value] of pairs) this.appendHeader(name, value);
    } else if (headers !== undefined) {
      for (const [key, value] of Object.entries(headers as Record<string, OutgoingValue>)) this.setHeader(key, value);
    }
    this.#statusCode = status;
    this.#beginSend();
    return this;
  }

  /** Sends the headers now, if they were not and the stream is open. */
  flushHeaders(): void {
    if (!this.#closed && !this.#stream.headersSent) this.writeHead(this.#statusCode);
  }

  /** The stream's `cork()`. */
  cork(): void {
    this.#stream.cork();
  }

  /** The stream's `uncork()`. */
  uncork(): void {
    this.#stream.uncork();
  }

  /**
   * Writes body bytes (sending the headers first). Returns false while the client's window or
   * the connection's output is full: wait for `'drain'`. After `end()` (or once the stream
   * closed) the callback gets `ERR_STREAM_WRITE_AFTER_END` (`ERR_H2_STREAM_CLOSED`) and the
   * stream is destroyed, as node:http2 does.
   */
  write(chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback | null, callback?: WriteCallback | null): boolean {
    // Callers (fastify, node:http's own) pass null for "none": only a function is a callback.
    const cb = typeof encoding === 'function' ? encoding : typeof callback === 'function' ? callback : undefined;
    const enc = typeof encoding === 'string' ? encoding : undefined;
    let error: UsageError | undefined;
    if (this.#ending) error = new UsageError('write() after end(): the response is ended', 'ERR_STREAM_WRITE_AFTER_END');
    else if (this.#closed) error = new UsageError('write() on a response whose stream closed (the client reset it, or the connection ended)', UsageCodes.STREAM_CLOSED);
    else if (this.#destroyed) return false;
    if (error !== undefined) {
      if (cb !== undefined) process.nextTick(cb, error);
      this.destroy(error);
      return false;
    }
    const stream = this.#stream;
    if (!stream.headersSent) this.writeHead(this.#statusCode);
    if (stream.writableEnded) {
      // A bodiless response (HEAD, 204, 205, 304) ended the stream with its headers.
      if (cb !== undefined) process.nextTick(cb, new UsageError(`write() on a response that has no body (${stream.headRequest ? 'a HEAD request' : `status ${this.#statusCode}`})`, 'ERR_STREAM_WRITE_AFTER_END'));
      return false;
    }
    return enc === undefined ? stream.write(chunk, cb) : stream.write(chunk, enc, cb);
  }

  /**
   * Ends the response, with a last chunk if given; the callback runs when everything was
   * handed to the connection. A second `end()` only calls its callback.
   */
  end(chunk?: string | Uint8Array | WriteCallback | null, encoding?: BufferEncoding | WriteCallback | null, callback?: WriteCallback | null): this {
    const stream = this.#stream;
    const cb = typeof chunk === 'function' ? chunk : typeof encoding === 'function' ? encoding : typeof callback === 'function' ? callback : undefined;
    const data = typeof chunk === 'function' ? null : chunk;
    if (this.#closed || this.#ending) {
      if (cb !== undefined) process.nextTick(cb);
      return this;
    }
    if (data !== null && data !== undefined) this.write(data, typeof encoding === 'string' ? encoding : undefined);
    this.#ending = true;
    if (cb !== undefined) {
      if (stream.writableEnded) this.once('finish', cb);
      else stream.once('finish', cb);
    }
    if (!stream.headersSent) this.writeHead(this.#statusCode);
    if (stream.destroyed) this.#onStreamClose();
    else if (!stream.writableEnded) {
      if (Object.keys(this.#trailers).length > 0) stream.sendTrailers(toSendable(this.#trailers));
      else stream.end();
    }
    return this;
  }

  /** Destroys the stream (RST_STREAM unless it finished), once. */
  destroy(error?: Error): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#stream.destroy(error);
  }

  /** The stream's `setTimeout`, until it closes. */
  setTimeout(ms: number, callback?: () => void): this {
    if (!this.#closed) this.#stream.setTimeout(ms, callback);
    return this;
  }

  /**
   * Promises a pushed response for `headers` (`:path`, and `:method` GET, `:scheme`,
   * `:authority` of the request unless given) and calls back with its response.
   * @throws InvalidArgumentError (`ERR_H2_INVALID_ARG`) when `callback` is not a function;
   *   what `stream.pushStream()` throws (push disabled by the client: a ProtocolError).
   *   A closed stream calls back with `ERR_H2_STREAM_CLOSED`.
   */
  createPushResponse(headers: OutgoingHeaders, callback: PushResponseCallback): void {
    if (typeof callback !== 'function') throw new InvalidArgumentError(`createPushResponse(): callback must be a function, not ${describeValue(callback)}`);
    if (this.#closed) {
      process.nextTick(callback, new UsageError('createPushResponse() on a response whose stream closed', UsageCodes.STREAM_CLOSED));
      return;
    }
    this.#stream.pushStream(headers, {}, (error, pushed) => {
      if (error !== null) callback(error);
      else callback(null, new Http2ServerResponse(pushed));
    });
  }

  /** Sends `100 Continue`; false when the headers were sent or the stream closed. */
  writeContinue(): boolean {
    if (this.#stream.headersSent || this.#closed) return false;
    this.#stream.additionalHeaders({ ':status': 100 });
    return true;
  }

  /**
   * Sends `103 Early Hints` with `hints.link` (a string or an array of them, each
   * `</path>; rel=preload; …`) and the other fields of `hints`; false when there is no link,
   * the headers were sent or the stream closed.
   * @throws InvalidArgumentError (`ERR_H2_INVALID_ARG`) for hints that are not an object or a malformed link.
   */
  writeEarlyHints(hints: Record<string, OutgoingValue>): boolean {
    if (typeof hints !== 'object' || (hints as unknown) === null || Array.isArray(hints)) throw new InvalidArgumentError(`writeEarlyHints(): hints must be an object, not ${describeValue(hints)}`);
    const link = linkHeaderValue(hints['link']);
    const headers = Object.fromEntries(Object.entries(hints).filter(([key]) => key !== 'link'));
    if (link.length === 0 || this.#stream.headersSent || this.#closed) return false;
    this.#stream.additionalHeaders({ ...toSendable(headers), ':status': 103, link });
    return true;
  }

  // ---------------------------------------------------------------- internals

  #checkHeadersNotSent(what: string): void {
    if (this.#stream.headersSent) throw new UsageError(`${what}: the response headers were sent; set headers before the first write(), end() or writeHead()`, UsageCodes.HEADERS_SENT);
  }

  /** respond() with the headers set: `:status`, `date`; END_STREAM with them when end() came first and no trailers wait. */
  #beginSend(): void {
    const headers = this.#headers;
    headers[':status'] = this.#statusCode;
    if (this.#sendDate && headers['date'] === undefined) headers['date'] = new Date().toUTCString();
    const endStream = this.#ending && Object.keys(this.#trailers).length === 0;
    this.#stream.respond(toSendable(headers), { endStream });
  }

  readonly #onStreamDrain = (): void => {
    if (!this.#closed) this.emit('drain');
  };

  /** The stream closed: 'finish' then 'close' (node's order). A HEAD response waits for end(), as node's does. */
  readonly #onStreamClose = (): void => {
    if (this.#closed || (this.#stream.headRequest && !this.#ending)) return;
    this.#closed = true;
    this.#stream.off('drain', this.#onStreamDrain);
    this.#stream.off('timeout', this.#onStreamTimeout);
    this.emit('finish');
    this.emit('close');
  };

  readonly #onStreamTimeout = (): void => {
    if (!this.#closed) this.emit('timeout');
  };
}
