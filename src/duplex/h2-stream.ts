/**
 * H2Stream: one HTTP/2 stream as a byte Duplex, the way a socket is one.
 *
 * Readable side: DATA payload in order. Bytes are acknowledged to the peer
 * (`acknowledgeReceivedData` → WINDOW_UPDATE) only when `_read` finds them consumed, so a
 * consumer that stops reading stops the peer within one stream window (RFC 9113 §5.2).
 *
 * Writable side: `_write` parks the chunk with the connection's SendScheduler, which hands it
 * to the core as far as the peer's stream and connection windows and the duplex's output
 * budget allow, and calls back only once the core took all of it. A write that ends the stream (`end(data)`)
 * carries END_STREAM on its last DATA frame; `sendTrailers()` ends it with HEADERS instead.
 *
 * Endings: a peer RST_STREAM destroys the stream with a StreamResetError (NO_ERROR only ends
 * it); `close(code)` sends RST_STREAM; `destroy()` before the stream finished sends
 * RST_STREAM(CANCEL), or INTERNAL_ERROR when destroyed with an error.
 *
 * The connection talks to its streams through two shared objects made inside the class (so
 * they reach private state without a per-stream cost or a public method): {@link streamInbox}
 * (what the connection tells a stream: DATA, END_STREAM, resets, its end) and
 * {@link sendPort} (what the scheduler asks of a stream as it sends).
 */
import { Duplex } from 'readable-stream';
import { ErrorCodes, errorCodeName } from '../error-codes.js';
import { checkOptionKeys, ConnectionClosedError, type H2Error, OutOfRangeError, StreamClosedError, StreamResetError, UsageCodes, UsageError } from '../errors.js';
import { ConnectionState, type HeaderInput, type InformationalResponseReceived, type ResponseReceived, type TrailersReceived } from '../core/index.js';
import type { PathLike } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { H2Duplex } from './h2-duplex.js';
import { type FdResponseOptions, type FileResponseOptions, respondWithFD, respondWithFile } from './file-response.js';
import { type HeadersInput, type IncomingHeaders, type OutgoingHeaders, sentHeaderObject, toHeaderList } from './node-headers.js';
import type { SendPort } from './send-scheduler.js';
import type { StreamHost, StreamInbox, StreamRole } from './stream-host.js';

export type { StreamRole } from './stream-host.js';

/** Every key of {@link SendHeadersAdapterOptions}: a typo is named, not ignored. */
const RESPOND_OPTION_KEYS: ReadonlySet<string> = new Set(['endStream', 'waitForTrailers']);
/** node:http2's pushStream() options; the RFC 7540 priority ones are accepted and not sent (RFC 9113 §5.3.2 deprecates them). */
const PUSH_OPTION_KEYS: ReadonlySet<string> = new Set(['exclusive', 'parent', 'weight']);
/** The HEADERS frame type, as 'frameError' names it (RFC 9113 §6.2). */
const HEADERS_FRAME = 0x1;

/** Options of {@link H2Stream.respond} and `H2Duplex.request`. */
export interface SendHeadersAdapterOptions {
  /** Send END_STREAM with the headers: no body follows (the writable side is ended). */
  endStream?: boolean;
  /**
   * Do not end the stream after the last DATA: emit `'wantTrailers'` and wait for
   * `sendTrailers()` (node:http2's option).
   */
  waitForTrailers?: boolean;
}

/** `pushStream()`'s callback, as node:http2 calls it. */
export type PushStreamCallback = (error: Error | null, pushStream: H2Stream, headers: OutgoingHeaders) => void;

/** Listener arguments of a received header block: node's object form, the HEADERS flags, node's flat raw headers, and the core's event. */
export type HeadersEventArgs<E> = [headers: IncomingHeaders, flags: number, rawHeaders: string[], event: E];

/** Listener arguments of H2Stream's own events (node:http2's names and shapes). */
export interface H2StreamEvents {
  /** Client: the response headers. */
  response: HeadersEventArgs<ResponseReceived>;
  /** Client: a 1xx informational response (node's name for it). */
  headers: HeadersEventArgs<InformationalResponseReceived>;
  /** The peer's trailers. */
  trailers: HeadersEventArgs<TrailersReceived>;
  /** Client, on a pushed stream: its response headers. */
  push: HeadersEventArgs<ResponseReceived>;
  /** `waitForTrailers` was set and the last DATA went out: call `sendTrailers()`. */
  wantTrailers: [];
  /** A frame could not be sent (the stream closed under it): the frame type, the error code, the stream id. */
  frameError: [type: number, code: number, id: number];
  /** The peer reset the stream before our side ended (node's event). */
  aborted: [];
  reset: [errorCode: number, remote: boolean];
  timeout: [];
}

/** What the connection tells a stream (assigned in H2Stream's static block, which runs when the class is defined: declared first). */
export let streamInbox: StreamInbox<H2Stream>;
/** What the send scheduler asks of a stream (assigned in H2Stream's static block, which runs when the class is defined: declared first). */
export let sendPort: SendPort<H2Stream>;

/** One HTTP/2 stream as a Duplex: the readable side is the peer's DATA, the writable side ours; backpressure is flow control. */
export class H2Stream extends Duplex {
  #id: number;
  /** How this stream came to be: our request (client), a request to us (server), a push. */
  readonly role: StreamRole;
  /** The RST_STREAM code, once the stream was reset either way (node:http2's `rstCode`). */
  rstCode: number | undefined;

  readonly #host: StreamHost<H2Stream>;
  /** DATA octets pushed to the readable side, and how many of them the peer got back as window. */
  #pushed = 0;
  #acked = 0;
  /** The final (non-1xx) response headers were sent (server side). */
  #responded = false;
  /** END_STREAM went out (on DATA, trailers or HEADERS). */
  #endSent = false;
  /** END_STREAM came in. */
  #remoteEnded = false;
  #trailers: HeaderInput[] | null = null;
  /** The core stream is closed or reset: nothing more may be sent or acknowledged on it. */
  #closedInCore = false;
  #timeoutMs = 0;
  /** `_final` of a queued request, run once it has a stream. */
  #deferredFinal: ((error?: Error | null) => void) | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** Counts what moved on the stream (frames either way, writes); streamIdleTimeout watches it. */
  #activity = 0;
  #activitySeen = -1;
  #quietSince = 0;
  /** The `:status: 200` was sent for a body written before respond(), not by respond(). */
  #autoResponded = false;
  /** After the last DATA, 'wantTrailers' instead of END_STREAM (node's `waitForTrailers`). */
  #waitForTrailers = false;
  /** 'wantTrailers' was emitted: sendTrailers() sends them at once. */
  #wantTrailers = false;
  #sentHeaders: OutgoingHeaders | undefined;
  #sentInfoHeaders: OutgoingHeaders[] | undefined;
  #sentTrailers: OutgoingHeaders | undefined;
  /** The request (server) or response (client) headers, once received. */
  #received: IncomingHeaders | null = null;
  #endAfterHeaders = false;
  #aborted = false;

  /** @internal Created by H2Duplex (request, incoming request, push). */
  constructor(host: StreamHost<H2Stream>, id: number, role: StreamRole, highWaterMark: number, localEnded = false) {
    super({ allowHalfOpen: true, readableHighWaterMark: highWaterMark, writableHighWaterMark: highWaterMark, decodeStrings: true });
    this.#host = host;
    this.#id = id;
    this.role = role;
    // The server never sends a body on a pushed request, nor the client on a pushed response.
    if (role === 'pushed-out') this.push(null);
    if (role === 'pushed-in' || localEnded) {
      this.#endSent = true;
      this.end();
    }
  }

  // Typed listeners for our own events; everything else is Duplex's.
  /** Typed listener for one of {@link H2StreamEvents}. */
  override on<K extends keyof H2StreamEvents>(event: K, listener: (...args: H2StreamEvents[K]) => void): this;
  /** Any other event: the Duplex's own ('data', 'end', 'close', …). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Duplex's own listener type
  override on(event: string | symbol, listener: (...args: any[]) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Duplex's own listener type
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }

  /** Typed one-time listener for one of {@link H2StreamEvents}. */
  override once<K extends keyof H2StreamEvents>(event: K, listener: (...args: H2StreamEvents[K]) => void): this;
  /** Any other event: the Duplex's own ('data', 'end', 'close', …). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Duplex's own listener type
  override once(event: string | symbol, listener: (...args: any[]) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Duplex's own listener type
  override once(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.once(event, listener);
  }

  /**
   * The HTTP/2 stream id; 0 while a request waits for a free slot under the peer's
   * SETTINGS_MAX_CONCURRENT_STREAMS (see `H2Duplex.request`).
   */
  get id(): number {
    return this.#id;
  }

  /**
   * `for await (const chunk of stream)` reads the peer's body without destroying the stream
   * when the body ends, so a server can read a request and then respond (Readable's default
   * iterator would destroy the whole Duplex, resetting the stream). An error or an early
   * `break` after an error still destroys it; use `stream.iterator()` for the default.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Readable's own iterator type
  override [Symbol.asyncIterator](): AsyncIteratorObject<any, any, any> {
    return this.iterator({ destroyOnReturn: false });
  }

  // ---------------------------------------------------------------- socket-like members

  /** The transport's remote address, when known (a piped net.Socket). */
  get remoteAddress(): string | undefined {
    return this.#host.address().remoteAddress;
  }

  /** The connection's remote port, when known (socket compatibility). */
  get remotePort(): number | undefined {
    return this.#host.address().remotePort;
  }

  /**
   * Emits 'timeout' after `ms` without DATA either way (0 disables), like `socket.setTimeout`;
   * the stream is not closed by it.
   */
  setTimeout(ms: number, callback?: () => void): this {
    this.#timeoutMs = ms;
    if (callback !== undefined) this.once('timeout', callback);
    this.#touch();
    return this;
  }

  /** No-op: there is no Nagle on an HTTP/2 stream (socket compatibility). */
  setNoDelay(_noDelay?: boolean): this {
    return this;
  }

  /** No-op: keep-alive belongs to the connection (socket compatibility). */
  setKeepAlive(_enable?: boolean, _initialDelay?: number): this {
    return this;
  }

  // ---------------------------------------------------------------- HTTP/2 actions

  /**
   * Server: send the response headers (node's object form or pairs; `:status` defaults to
   * 200). A 1xx leaves the stream unanswered (node's way is {@link additionalHeaders}). As
   * node:http2, a 204, 205 or 304 response, or any response to HEAD, ends the stream with
   * its headers.
   * @throws UsageError `ERR_H2_WRONG_SIDE` on a stream a client opened or was pushed;
   * `ERR_H2_HEADERS_SENT` when the response headers went out already (respond() twice, or a
   * write or `end()` sent `:status: 200`); `ERR_H2_STREAM_CLOSED` on a stream that was reset or
   * destroyed (the peer cancelled, the connection closed): as with node:http2, check
   * `stream.destroyed` after awaiting something before responding. InvalidArgumentError for
   * headers node refuses (docs/errors.md).
   */
  respond(headers?: HeadersInput, options: SendHeadersAdapterOptions = {}): void {
    this.#checkCanRespond('respond()');
    checkOptionKeys('respond()', options, RESPOND_OPTION_KEYS);
    let list = toHeaderList(headers, 'respond()');
    let status = statusOf(list);
    if (status === null) {
      list = [[':status', '200'], ...list];
      status = '200';
    }
    if (status.startsWith('1')) {
      this.#sendInformational(headers, list);
      return;
    }
    const bodiless = status === '204' || status === '205' || status === '304' || this.headRequest;
    const waitForTrailers = options.waitForTrailers === true;
    const ends = options.endStream === true || bodiless;
    const endStream = ends && !waitForTrailers;
    if (!this.#sendHeaders(list, endStream)) return;
    this.#responded = true;
    this.#sentHeaders = sentHeaderObject(headers, list);
    this.#waitForTrailers = waitForTrailers;
    if (endStream) {
      this.#endSent = true;
      this.#maybeDone();
    }
    if (ends) this.end();
  }

  /**
   * Server: a 1xx informational response (`:status` 100, 102, 103…) before `respond()`, as
   * node:http2's `additionalHeaders()`.
   * @throws UsageError as {@link respond}; OutOfRangeError (`ERR_H2_OUT_OF_RANGE`) for a
   * `:status` that is not 1xx, or 101 (RFC 9113 §8.6 forbids Switching Protocols).
   */
  additionalHeaders(headers: HeadersInput): void {
    this.#checkCanRespond('additionalHeaders()');
    const list = toHeaderList(headers, 'additionalHeaders()');
    const status = statusOf(list);
    if (status === null || !/^1[0-9][0-9]$/.test(status) || status === '101') {
      throw new OutOfRangeError(`additionalHeaders() on stream ${this.id}: :status must be an informational 1xx other than 101, not ${String(status)}; the final response goes with respond()`);
    }
    this.#sendInformational(headers, list);
  }

  /** The response headers were sent (server), or the request's (client). */
  get headersSent(): boolean {
    return this.role === 'request' ? this.#id !== 0 : this.role === 'pushed-in' || this.#responded;
  }

  /** The headers we sent: the response (server) or the request (client), as given. */
  get sentHeaders(): OutgoingHeaders | undefined {
    return this.#sentHeaders;
  }

  /** The 1xx headers we sent, in order. */
  get sentInfoHeaders(): OutgoingHeaders[] | undefined {
    return this.#sentInfoHeaders;
  }

  /** The trailers we sent. */
  get sentTrailers(): OutgoingHeaders | undefined {
    return this.#sentTrailers;
  }

  /** The connection this stream belongs to (node's `stream.session`). */
  get session(): H2Duplex {
    return this.#host.session as H2Duplex;
  }

  /** A request still waiting for a stream id (the peer's SETTINGS_MAX_CONCURRENT_STREAMS was reached). */
  get pending(): boolean {
    return this.#id === 0;
  }

  /** The peer reset the stream before our side ended ('aborted' was emitted). */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** Server: the request is a HEAD (its response carries no body). */
  get headRequest(): boolean {
    return this.#received?.[':method'] === 'HEAD';
  }

  /**
   * Server: respond with the file at `path` (node:http2's `respondWithFile`): `content-length`
   * from its size and the range, `offset`/`length`, `statCheck`, `onError`, `waitForTrailers`;
   * sent with flow control (a slow client holds the server to its window), the file closed at
   * the end or on a reset. See respondWithFile in file-response.ts for every rule and error.
   */
  respondWithFile(path: PathLike, headers?: HeadersInput | null, options?: FileResponseOptions): void {
    respondWithFile(this, path, headers, options);
  }

  /** Server: respond with an open file descriptor or FileHandle, left open (node:http2's `respondWithFD`). */
  respondWithFD(fd: number | FileHandle, headers?: HeadersInput | null, options?: FdResponseOptions): void {
    respondWithFD(this, fd, headers, options);
  }

  /** The received request (server) or response (client) headers carried END_STREAM. */
  get endAfterHeaders(): boolean {
    return this.#endAfterHeaders;
  }

  /** node's `stream.state`: the receive window and which sides are closed (1) or not (0). */
  get state(): { localWindowSize: number; localClose: number; remoteClose: number } {
    let localWindowSize = 0;
    try {
      if (this.#id !== 0 && !this.#closedInCore) localWindowSize = this.#host.connection.localFlowControlWindow(this.#id);
    } catch {
      // The core forgot the stream (both sides ended): no window.
    }
    return { localWindowSize, localClose: Number(this.#endSent), remoteClose: Number(this.#remoteEnded) };
  }

  /**
   * Server: promise a pushed response for `requestHeaders` (`:method` GET, and `:scheme` and
   * `:authority` of this stream's request, unless given) and return the pushed stream to
   * respond on. node:http2's callback form works too: `callback(null, pushStream, headers)`
   * on the next tick.
   * @throws UsageError `ERR_H2_WRONG_SIDE` on a client; ProtocolError when the peer disabled
   *   push (SETTINGS_ENABLE_PUSH 0) or on a pushed stream.
   */
  pushStream(requestHeaders: HeadersInput, options?: { exclusive?: boolean; parent?: number; weight?: number } | PushStreamCallback, callback?: PushStreamCallback): H2Stream {
    if (this.#host.connection.config.clientSide) failClientPush();
    const done = typeof options === 'function' ? options : callback;
    checkOptionKeys('pushStream()', typeof options === 'object' ? options : {}, PUSH_OPTION_KEYS);
    const list = withPushDefaults(toHeaderList(requestHeaders, 'pushStream()'), this.#received);
    const pushed = pushFrom(this, this.#host, list);
    if (done !== undefined) process.nextTick(done, null, pushed, sentHeaderObject(requestHeaders, list));
    return pushed;
  }

  /**
   * End the stream with trailers (HEADERS with END_STREAM). After `'wantTrailers'` they go at
   * once; before, they are sent after everything written so far (and end the writable side).
   * @throws UsageError `ERR_H2_TRAILERS_SENT` when trailers were given already or the
   * writable side was ended (`end()`) without `waitForTrailers`: trailers are the last frame.
   */
  sendTrailers(headers: HeadersInput): void {
    if (this.#wantTrailers) {
      this.#wantTrailers = false;
      const list = toHeaderList(headers, 'sendTrailers()');
      if (!this.#sendHeaders(list, true)) return;
      this.#sentTrailers = sentHeaderObject(headers, list);
      this.#endSent = true;
      this.#maybeDone();
      return;
    }
    if (this.#trailers !== null || this.writableEnded) {
      throw new UsageError(`sendTrailers() on stream ${this.id}: ${this.#trailers !== null ? 'trailers were already given' : 'end() was already called'}; trailers end the stream, so give them once instead of end(), or respond with { waitForTrailers: true }`, UsageCodes.TRAILERS_SENT);
    }
    this.#trailers = toHeaderList(headers, 'sendTrailers()');
    this.#sentTrailers = sentHeaderObject(headers, this.#trailers);
    this.end();
  }

  /** Why this stream cannot take response headers now, thrown; nothing when it can. */
  #checkCanRespond(what: string): void {
    if (this.role === 'request' || this.role === 'pushed-in') {
      throw new UsageError(`${what} is for servers, and stream ${this.id} is ${this.role === 'request' ? 'a request this client sent' : 'a push this client received'}: read its response with the 'response' event`, UsageCodes.WRONG_SIDE);
    }
    if (this.#responded) {
      const how = this.#autoResponded ? 'a write or end() before respond() sent `:status: 200`' : 'respond() was already called';
      throw new UsageError(`${what} on stream ${this.id}: the response headers were sent (${how}); call respond() once, before writing the body, and send trailers with sendTrailers()`, UsageCodes.HEADERS_SENT);
    }
    if (this.#closedInCore || this.destroyed) {
      const why = this.rstCode !== undefined ? `reset with ${errorCodeName(this.rstCode)}` : 'destroyed';
      throw new UsageError(`${what} on stream ${this.id}, which is closed (${why}): check stream.destroyed, or listen for 'close', before responding`, UsageCodes.STREAM_CLOSED);
    }
  }

  #sendInformational(headers: HeadersInput | undefined, list: HeaderInput[]): void {
    if (this.#sendHeaders(list, false)) (this.#sentInfoHeaders ??= []).push(sentHeaderObject(headers, list));
  }

  /**
   * HEADERS on this stream. False when the stream or the connection ended in the read that
   * brought the request (a reset, an error GOAWAY): the events that say so are being
   * delivered, and 'frameError' says the frame was not sent (as node:http2 does).
   */
  #sendHeaders(list: HeaderInput[], endStream: boolean): boolean {
    const connection = this.#host.connection;
    try {
      connection.sendHeaders(this.id, list, { endStream });
    } catch (err) {
      if (err instanceof StreamClosedError || (connection.state === ConnectionState.CLOSED && !connection.draining)) {
        this.emit('frameError', HEADERS_FRAME, ErrorCodes.STREAM_CLOSED, this.id);
        return false;
      }
      throw err;
    }
    this.#touch();
    this.#host.scheduleFlush();
    return true;
  }

  /** RST_STREAM with `errorCode` (default CANCEL), then destroy the stream; `callback` runs on 'close'. */
  close(errorCode: number = ErrorCodes.CANCEL, callback?: () => void): void {
    if (callback !== undefined) this.once('close', callback);
    if (this.#id !== 0) this.#resetInCore(errorCode);
    this.destroy();
  }

  // ---------------------------------------------------------------- Duplex implementation

  /**
   * Every way of consuming a Readable (flowing mode, pipe, async iteration, read()) goes
   * through read(); `_read` alone is not enough, because Readable calls it *before* taking
   * the chunk out of its buffer, and then not again until the next push.
   */
  override read(size?: number): unknown {
    const chunk: unknown = super.read(size);
    this.#acknowledgeConsumed();
    return chunk;
  }

  /** Acknowledges what the consumer read, as WINDOW_UPDATE (Duplex internals). */
  override _read(): void {
    this.#acknowledgeConsumed();
  }

  /** Parks the chunk until window and output room allow sending it (Duplex internals). */
  override _write(chunk: Buffer, _encoding: string, callback: (error?: Error | null) => void): void {
    if (this.#closedInCore) {
      callback(new StreamResetError(this.id, ErrorCodes.STREAM_CLOSED, false));
      return;
    }
    this.#touch();
    // A queued request has no stream yet: the scheduler holds the write until it starts.
    this.#host.scheduler.park(this, chunk, callback);
  }

  /** Ends our side: END_STREAM on the last DATA frame or trailers (Duplex internals). */
  override _final(callback: (error?: Error | null) => void): void {
    if (this.#id === 0 && !this.#closedInCore) {
      this.#deferredFinal = callback;
      return;
    }
    if (this.#endSent || this.#closedInCore) {
      callback();
      return;
    }
    if (this.#waitForTrailers && this.#trailers === null) {
      // node's waitForTrailers: the body is sent; the user's sendTrailers() ends the stream.
      this.#autoRespond();
      this.#waitForTrailers = false;
      this.#wantTrailers = true;
      callback();
      process.nextTick(() => {
        if (this.#wantTrailers && !this.destroyed) this.emit('wantTrailers');
      });
      return;
    }
    try {
      this.#autoRespond();
      const connection = this.#host.connection;
      if (this.#trailers !== null) connection.sendHeaders(this.id, this.#trailers, { endStream: true });
      else connection.endStream(this.id);
      this.#endSent = true;
      this.#host.scheduleFlush();
      this.#maybeDone();
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  /** Resets the stream unless it finished (Duplex internals). */
  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    // Destroyed before both sides finished: tell the peer (ordering: reset before forget,
    // so the core still knows the stream).
    if (this.#id !== 0 && !this.#closedInCore && !(this.#endSent && this.readableEnded)) {
      this.#resetInCore(error === null ? ErrorCodes.CANCEL : ErrorCodes.INTERNAL_ERROR);
    }
    this.#deferredFinal = null;
    // Bytes that will never be read still hold connection window: return it.
    const unread = this.#pushed - this.#acked;
    if (unread > 0) this.#acknowledge(unread);
    // Only a write still parked needs the error (built here, not on every stream's end: it
    // captures a stack, and building it for each finished stream halved S1's request rate).
    const scheduler = this.#host.scheduler;
    if (scheduler.hasParked(this)) scheduler.drop(this, error ?? new StreamResetError(this.id, ErrorCodes.CANCEL, false));
    this.#host.forget(this);
    callback(error);
  }

  // ---------------------------------------------------------------- the connection's ports

  static {
    streamInbox = {
      data(stream, data, flowControlledLength) {
        stream.#onData(data, flowControlledLength);
      },
      end(stream) {
        stream.#touch();
        stream.#remoteEnded = true;
        stream.push(null);
        stream.#maybeDone();
      },
      reset(stream, errorCode, remote) {
        stream.#onReset(errorCode, remote);
      },
      fail(stream, error) {
        stream.#closedInCore = true;
        stream.#destroyFromPeer(error instanceof ConnectionClosedError || error instanceof StreamResetError ? error : new ConnectionClosedError(error.message, error.errorCode, { cause: error }));
      },
      started(stream, id) {
        stream.#id = id;
        stream.#host.scheduler.started(stream);
        const final = stream.#deferredFinal;
        stream.#deferredFinal = null;
        if (final !== null) stream._final(final);
      },
      received(stream, headers, ended) {
        stream.#received = headers;
        stream.#endAfterHeaders = ended;
      },
      requestSent(stream, headers, waitForTrailers) {
        stream.#sentHeaders = headers;
        stream.#waitForTrailers = waitForTrailers;
      },
      idleFor(stream, now) {
        if (stream.#activity !== stream.#activitySeen) {
          stream.#activitySeen = stream.#activity;
          stream.#quietSince = now;
        }
        return now - stream.#quietSince;
      },
      idleTimeout(stream, ms) {
        stream.emit('timeout');
        if (stream.destroyed || stream.#activity !== stream.#activitySeen) return;
        stream.#resetInCore(ErrorCodes.CANCEL);
        stream.#destroyFromPeer(new StreamResetError(stream.id, ErrorCodes.CANCEL, false, { code: 'ERR_H2_STREAM_IDLE_TIMEOUT', cause: new Error(`nothing sent or received for ${ms} ms (streamIdleTimeout)`) }));
      },
    };
    sendPort = {
      beforeData(stream) {
        stream.#autoRespond();
      },
      isLastWrite(stream, octets) {
        return stream.writableEnded && stream.#trailers === null && !stream.#waitForTrailers && stream.writableLength === octets;
      },
      sent(stream, octets, ended) {
        if (octets > 0) stream.#activity++;
        if (ended) {
          stream.#endSent = true;
          stream.#maybeDone();
        }
      },
    };
  }

  /** DATA arrived: push it; padding (never readable) is acknowledged at once. */
  #onData(data: Buffer, flowControlledLength: number): void {
    this.#touch();
    const padding = flowControlledLength - data.length;
    if (padding > 0) {
      this.#pushed += padding;
      this.#acknowledge(padding);
    }
    if (data.length === 0) return;
    this.#pushed += data.length;
    this.push(data);
  }

  /** RST_STREAM, either way, as the core reported it (StreamReset). */
  #onReset(errorCode: number, remote: boolean): void {
    this.#closedInCore = true;
    this.rstCode = errorCode;
    this.emit('reset', errorCode, remote);
    if (remote && !this.#endSent) {
      this.#aborted = true;
      this.emit('aborted');
    }
    if (errorCode === (ErrorCodes.NO_ERROR as number) && remote) {
      // RFC 9113 §8.1: NO_ERROR means "stop sending"; what was received stays readable.
      this.#host.scheduler.drop(this);
      this.#endSent = true;
      if (!this.readableEnded) this.push(null);
      if (!this.writableEnded) this.end();
      return;
    }
    this.#destroyFromPeer(new StreamResetError(this.id, errorCode, remote));
  }

  // ---------------------------------------------------------------- helpers

  /** A server writing a body before respond() gets `:status: 200` first (as node:http does). */
  #autoRespond(): void {
    if (this.role === 'response' || this.role === 'pushed-out') {
      if (!this.#responded) {
        this.respond({ ':status': 200 });
        this.#autoResponded = true;
      }
    }
  }

  /**
   * Ends the stream because of the peer or the connection. The error is emitted only when
   * someone listens for it: a peer must not be able to crash a server whose handler attached
   * no 'error' listener (it still sees 'reset', 'close' and `rstCode`). pipe(), pipeline()
   * and async iteration attach listeners, so they do see the error.
   */
  #destroyFromPeer(error: H2Error): void {
    this.destroy(this.listenerCount('error') > 0 ? error : undefined);
  }

  /**
   * Both END_STREAMs passed: the core stream is closed and no frame can arrive for it, so the
   * duplex stops routing to it even if the consumer never reads the (empty) body to its end.
   */
  #maybeDone(): void {
    if (this.#endSent && this.#remoteEnded) this.#host.forget(this);
  }

  /** What the consumer took out of the buffer since last time goes back to the peer as window. */
  #acknowledgeConsumed(): void {
    const consumed = this.#pushed - this.readableLength - this.#acked;
    if (consumed > 0) this.#acknowledge(consumed);
  }

  #acknowledge(octets: number): void {
    this.#acked += octets;
    try {
      this.#host.connection.acknowledgeReceivedData(octets, this.id);
      this.#host.scheduleFlush();
    } catch {
      // The connection is closed: there is nobody to give window back to.
    }
  }

  #resetInCore(errorCode: number): void {
    if (this.#closedInCore) return;
    this.#closedInCore = true;
    // As node:http2: a stream we reset has the code we sent.
    this.rstCode ??= errorCode;
    try {
      this.#host.connection.resetStream(this.id, errorCode);
      this.#host.scheduleFlush();
    } catch {
      // Already closed in the core (both END_STREAMs crossed): nothing to reset.
    }
  }

  #touch(): void {
    this.#activity++;
    if (this.#timeoutMs <= 0) {
      if (this.#timer !== null) clearTimeout(this.#timer);
      this.#timer = null;
      return;
    }
    if (this.#timer !== null) {
      this.#timer.refresh();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.emit('timeout');
    }, this.#timeoutMs);
    this.#timer.unref();
  }
}

/** The `:status` of a header list, or null. */
function statusOf(headers: readonly HeaderInput[]): string | null {
  for (const [name, value] of headers) {
    const n = typeof name === 'string' ? name : Buffer.from(name).toString('latin1');
    if (n === ':status') return typeof value === 'string' ? value : Buffer.from(value).toString('latin1');
  }
  return null;
}

/** A push's request headers with node's defaults: `:method` GET, and `:scheme`/`:authority` of the request it is pushed on. */
function withPushDefaults(list: HeaderInput[], request: IncomingHeaders | null): HeaderInput[] {
  const has = new Set<string>();
  for (const [n] of list) has.add(typeof n === 'string' ? n : Buffer.from(n).toString('latin1'));
  const defaults: HeaderInput[] = [];
  if (!has.has(':method')) defaults.push([':method', 'GET']);
  const scheme = request?.[':scheme'];
  const authority = request?.[':authority'];
  if (!has.has(':scheme') && scheme !== undefined) defaults.push([':scheme', scheme]);
  if (!has.has(':authority') && authority !== undefined) defaults.push([':authority', authority]);
  return defaults.length === 0 ? list : defaults.concat(list);
}

function failClientPush(): never {
  throw new UsageError("pushStream() is for servers: a client receives pushes with the session's 'stream' event", UsageCodes.WRONG_SIDE);
}

function pushFrom(parent: H2Stream, host: StreamHost<H2Stream>, requestHeaders: Iterable<HeaderInput>): H2Stream {
  const connection = host.connection;
  const promisedId = connection.getNextAvailableStreamId();
  connection.pushStream(parent.id, promisedId, requestHeaders);
  host.scheduleFlush();
  return host.adopt(promisedId, 'pushed-out');
}
