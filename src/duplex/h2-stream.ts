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
import { checkOptionKeys, ConnectionClosedError, type H2Error, StreamClosedError, StreamResetError, UsageCodes, UsageError } from '../errors.js';
import { checkHeaderIterable, ConnectionState, type EventHeaders, type HeaderInput, type InformationalResponseReceived, type ResponseReceived, type TrailersReceived } from '../core/index.js';
import type { SendPort } from './send-scheduler.js';
import type { StreamHost, StreamInbox, StreamRole } from './stream-host.js';

export type { StreamRole } from './stream-host.js';

/** Every key of {@link SendHeadersAdapterOptions}: a typo is named, not ignored. */
const RESPOND_OPTION_KEYS: ReadonlySet<string> = new Set(['endStream']);


/** Options of {@link H2Stream.respond} and `H2Duplex.request`. */
export interface SendHeadersAdapterOptions {
  /** Send END_STREAM with the headers: no body follows (the writable side is ended). */
  endStream?: boolean;
}


/** Listener arguments of H2Stream's own events. */
export interface H2StreamEvents {
  response: [headers: EventHeaders, event: ResponseReceived];
  informational: [headers: EventHeaders, event: InformationalResponseReceived];
  trailers: [headers: EventHeaders, event: TrailersReceived];
  push: [stream: H2Stream, requestHeaders: EventHeaders];
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
   * Server: send response headers (a 1xx may come first and leaves the stream unanswered).
   * @throws UsageError `ERR_H2_WRONG_SIDE` on a stream a client opened or was pushed;
   * `ERR_H2_HEADERS_SENT` when the response headers went out already (respond() twice, or a
   * write or `end()` sent `:status: 200`); `ERR_H2_STREAM_CLOSED` on a stream that was reset or
   * destroyed (the peer cancelled, the connection closed): as with node:http2, check
   * `stream.destroyed` after awaiting something before responding.
   */
  respond(headers: Iterable<HeaderInput>, options: SendHeadersAdapterOptions = {}): void {
    if (this.role === 'request' || this.role === 'pushed-in') {
      throw new UsageError(`respond() is for servers, and stream ${this.id} is ${this.role === 'request' ? 'a request this client sent' : 'a push this client received'}: read its response with the 'response' event`, UsageCodes.WRONG_SIDE);
    }
    if (this.#responded) {
      const how = this.#autoResponded ? 'a write or end() before respond() sent `:status: 200`' : 'respond() was already called';
      throw new UsageError(`respond() on stream ${this.id}: the response headers were sent (${how}); call respond() once, before writing the body, and send trailers with sendTrailers()`, UsageCodes.HEADERS_SENT);
    }
    if (this.#closedInCore || this.destroyed) {
      const why = this.rstCode !== undefined ? `reset with ${errorCodeName(this.rstCode)}` : 'destroyed';
      throw new UsageError(`respond() on stream ${this.id}, which is closed (${why}): check stream.destroyed, or listen for 'close', before responding`, UsageCodes.STREAM_CLOSED);
    }
    checkOptionKeys('respond()', options, RESPOND_OPTION_KEYS);
    const list = headerList(headers, 'respond()');
    const endStream = options.endStream === true;
    const connection = this.#host.connection;
    try {
      connection.sendHeaders(this.id, list, { endStream });
    } catch (err) {
      // The stream or the connection ended in the read that brought the request (a reset, an
      // error GOAWAY): the events that say so are being delivered; there is nothing to answer.
      if (err instanceof StreamClosedError || (connection.state === ConnectionState.CLOSED && !connection.draining)) return;
      throw err;
    }
    if (!isInformational(list)) this.#responded = true;
    this.#touch();
    this.#host.scheduleFlush();
    if (endStream) {
      this.#endSent = true;
      this.#maybeDone();
      this.end();
    }
  }

  /** Server: promise a pushed response for `requestHeaders`; returns the pushed stream to respond on. */
  pushStream(requestHeaders: Iterable<HeaderInput>): H2Stream {
    return this.#host.connection.config.clientSide ? failClientPush() : pushFrom(this, this.#host, requestHeaders);
  }

  /**
   * End the stream with trailers (HEADERS with END_STREAM) after everything written so far.
   * @throws UsageError `ERR_H2_TRAILERS_SENT` when trailers were given already or the
   * writable side was ended (`end()`): trailers are the stream's last frame.
   */
  sendTrailers(headers: Iterable<HeaderInput>): void {
    if (this.#trailers !== null || this.writableEnded) {
      throw new UsageError(`sendTrailers() on stream ${this.id}: ${this.#trailers !== null ? 'trailers were already given' : 'end() was already called'}; trailers end the stream, so give them once instead of end()`, UsageCodes.TRAILERS_SENT);
    }
    this.#trailers = headerList(headers, 'sendTrailers()');
    this.end();
  }

  /** RST_STREAM with `errorCode` (default CANCEL), then destroy the stream. */
  close(errorCode: number = ErrorCodes.CANCEL): void {
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
        return stream.writableEnded && stream.#trailers === null && stream.writableLength === octets;
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
        this.respond([[':status', '200']]);
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

function isInformational(headers: HeaderInput[]): boolean {
  for (const [name, value] of headers) {
    const n = typeof name === 'string' ? name : Buffer.from(name).toString('latin1');
    if (n === ':status') return (typeof value === 'string' ? value : Buffer.from(value).toString('latin1')).startsWith('1');
  }
  return false;
}

/** `headers` as a list of `[name, value]` pairs. @throws InvalidArgumentError (`ERR_H2_INVALID_ARG`), e.g. for node:http2's object form. */
export function headerList(headers: Iterable<HeaderInput>, where: string): HeaderInput[] {
  checkHeaderIterable(headers, `${where}: `);
  return [...headers];
}

function failClientPush(): never {
  throw new UsageError("pushStream() is for servers: a client receives pushes with the 'push' event", UsageCodes.WRONG_SIDE);
}

function pushFrom(parent: H2Stream, host: StreamHost<H2Stream>, requestHeaders: Iterable<HeaderInput>): H2Stream {
  const connection = host.connection;
  const promisedId = connection.getNextAvailableStreamId();
  connection.pushStream(parent.id, promisedId, requestHeaders);
  host.scheduleFlush();
  return host.adopt(promisedId, 'pushed-out');
}
