/**
 * HeaderSections: the header sections one H2Stream sends around its body (RFC 9113 §8.1), with
 * node:http2's rules for them and what it reports of them.
 *
 * - The final headers: a server's response (`respond()`: `:status` 200 unless given; 204, 205,
 *   304 and any response to HEAD end the stream with their headers, as node:http2 does; a
 *   body written before `respond()` sends `:status: 200` itself), or a client's request (sent
 *   by `H2Duplex.request()`).
 * - Interim responses: a server's 1xx before the final one (`additionalHeaders()`; not 101,
 *   which RFC 9113 §8.6 forbids).
 * - Trailers, which end the stream: given before the body ends, they follow its last DATA;
 *   with `waitForTrailers`, the end of the body emits 'wantTrailers' and `sendTrailers()`
 *   sends them at once.
 * - What went out, as given: node's `sentHeaders`, `sentInfoHeaders`, `sentTrailers`.
 *
 * At most one per stream, in place of the stream fields it replaced, made when the stream first
 * sends headers. It reads its stream's public members, and sends through the
 * {@link SectionsPort} H2Stream defines (one shared object, as for the connection's ports):
 * frames, END_STREAM and the closed state stay the stream's.
 */
import { errorCodeName } from '../error-codes.js';
import { checkOptionKeys, OutOfRangeError, UsageCodes, UsageError } from '../errors.js';
import type { HeaderInput } from '../core/index.js';
import { headerText, type HeadersInput, type OutgoingHeaders, type SentHeaders, sentHeaderObject, sentHeaders, toHeaderList } from './node-headers.js';
import type { StreamRole } from './stream-host.js';

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

/** Every key of {@link SendHeadersAdapterOptions}: a typo is named, not ignored. */
const RESPOND_OPTION_KEYS: ReadonlySet<string> = new Set(['endStream', 'waitForTrailers']);
/** A 1xx status other than 101 (node's `additionalHeaders()` rule). */
const INFORMATIONAL_STATUS = /^1[0-9][0-9]$/;

/** What the sections send through, one shared object for all streams (defined in H2Stream's static block). */
export interface SectionsPort<S> {
  /**
   * HEADERS on `stream`. False when the stream or the connection ended in the read that
   * brought the request (a reset, an error GOAWAY): 'frameError' says the frame was not sent.
   */
  send(stream: S, list: HeaderInput[], endStream: boolean): boolean;
  /** END_STREAM went out with headers the sections sent. */
  ended(stream: S): void;
  /** The stream is closed in the core (reset either way, or failed with its connection). */
  closed(stream: S): boolean;
}

/** The members of its stream the sections read (H2Stream's public ones). */
export interface SectionsStream {
  readonly id: number;
  readonly role: StreamRole;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  readonly rstCode: number | undefined;
  /** Server: the request is a HEAD. */
  readonly headRequest: boolean;
  end(): unknown;
  emit(event: 'wantTrailers'): boolean;
}

/** The `:status` of a header list, or null. */
function statusOf(headers: readonly HeaderInput[]): string | null {
  for (const [name, value] of headers) {
    if (headerText(name) === ':status') return headerText(value);
  }
  return null;
}

export class HeaderSections<S extends SectionsStream> {
  readonly #stream: S;
  readonly #port: SectionsPort<S>;
  /** The final headers as given (the response, or the request); set once they went out. */
  #final: SentHeaders | undefined;
  #informational: SentHeaders[] | undefined;
  #trailers: SentHeaders | undefined;
  /** Trailers given before the body ended: `_final` sends them, with END_STREAM. */
  #pendingTrailers: HeaderInput[] | null = null;
  /** The final response was the `:status: 200` sent for a body written before respond(). */
  #automatic = false;
  /** After the last DATA, 'wantTrailers' instead of END_STREAM (node's `waitForTrailers`). */
  #waitForTrailers = false;
  /** 'wantTrailers' was emitted: sendTrailers() sends them at once. */
  #wantTrailers = false;

  constructor(stream: S, port: SectionsPort<S>) {
    this.#stream = stream;
    this.#port = port;
  }

  /** The final headers, as given (node's `sentHeaders`). */
  get final(): OutgoingHeaders | undefined {
    return this.#final === undefined ? undefined : sentHeaderObject(this.#final);
  }

  /** The 1xx headers, in order (node's `sentInfoHeaders`). */
  get informational(): OutgoingHeaders[] | undefined {
    return this.#informational?.map(sentHeaderObject);
  }

  /** The trailers, as given (node's `sentTrailers`). */
  get trailers(): OutgoingHeaders | undefined {
    return this.#trailers === undefined ? undefined : sentHeaderObject(this.#trailers);
  }

  /** The final headers went out. */
  get finalSent(): boolean {
    return this.#final !== undefined;
  }

  /**
   * The stream's last DATA carries END_STREAM: no trailers were given, and none are awaited
   * (the send scheduler asks, for a write that ends the body).
   */
  get endsWithData(): boolean {
    return this.#pendingTrailers === null && !this.#waitForTrailers;
  }

  /** Trailers given before the body ended, which the end of the body sends. */
  get pendingTrailers(): HeaderInput[] | null {
    return this.#pendingTrailers;
  }

  /** The body ends with 'wantTrailers' rather than END_STREAM (`waitForTrailers`, and no trailers given yet). */
  get awaitsTrailers(): boolean {
    return this.#waitForTrailers && this.#pendingTrailers === null;
  }

  /** Client: the request's headers went out (`H2Duplex.request()`). */
  requestSent(headers: SentHeaders, waitForTrailers: boolean): void {
    this.#final = headers;
    this.#waitForTrailers = waitForTrailers;
  }

  /** `H2Stream.respond()`: see there for the rules and what it throws. */
  respond(headers: HeadersInput | undefined, options: SendHeadersAdapterOptions): void {
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
    const stream = this.#stream;
    // RFC 9110 §6.4.1: these responses carry no content; node:http2 ends the stream with them.
    const bodiless = status === '204' || status === '205' || status === '304' || stream.headRequest;
    const waitForTrailers = options.waitForTrailers === true;
    const ends = options.endStream === true || bodiless;
    const endStream = ends && !waitForTrailers;
    if (!this.#port.send(stream, list, endStream)) return;
    this.#final = sentHeaders(headers, list);
    this.#waitForTrailers = waitForTrailers;
    if (endStream) this.#port.ended(stream);
    if (ends) stream.end();
  }

  /** `H2Stream.additionalHeaders()`: see there. */
  additionalHeaders(headers: HeadersInput): void {
    this.#checkCanRespond('additionalHeaders()');
    const list = toHeaderList(headers, 'additionalHeaders()');
    const status = statusOf(list);
    if (status === null || !INFORMATIONAL_STATUS.test(status) || status === '101') {
      throw new OutOfRangeError(`additionalHeaders() on stream ${this.#stream.id}: :status must be an informational 1xx other than 101, not ${String(status)}; the final response goes with respond()`);
    }
    this.#sendInformational(headers, list);
  }

  /** A server writing a body before respond() gets `:status: 200` first (as node:http does). */
  autoRespond(): void {
    const role = this.#stream.role;
    if ((role === 'response' || role === 'pushed-out') && this.#final === undefined) {
      this.respond({ ':status': 200 }, {});
      this.#automatic = true;
    }
  }

  /** `H2Stream.sendTrailers()`: see there. */
  sendTrailers(headers: HeadersInput): void {
    const stream = this.#stream;
    if (this.#wantTrailers) {
      this.#wantTrailers = false;
      const list = toHeaderList(headers, 'sendTrailers()');
      if (!this.#port.send(stream, list, true)) return;
      this.#trailers = sentHeaders(headers, list);
      this.#port.ended(stream);
      return;
    }
    if (this.#pendingTrailers !== null || stream.writableEnded) {
      throw new UsageError(`sendTrailers() on stream ${stream.id}: ${this.#pendingTrailers !== null ? 'trailers were already given' : 'end() was already called'}; trailers end the stream, so give them once instead of end(), or respond with { waitForTrailers: true }`, UsageCodes.TRAILERS_SENT);
    }
    this.#pendingTrailers = toHeaderList(headers, 'sendTrailers()');
    this.#trailers = sentHeaders(headers, this.#pendingTrailers);
    stream.end();
  }

  /**
   * The body is sent and {@link awaitsTrailers}: the stream's `_final` is called back (`done`)
   * without END_STREAM, and 'wantTrailers' follows on the next tick; the user's sendTrailers()
   * then ends the stream.
   */
  bodyEndedAwaitingTrailers(done: () => void): void {
    this.autoRespond();
    this.#waitForTrailers = false;
    this.#wantTrailers = true;
    done();
    process.nextTick(() => {
      if (this.#wantTrailers && !this.#stream.destroyed) this.#stream.emit('wantTrailers');
    });
  }

  #sendInformational(headers: HeadersInput | undefined, list: HeaderInput[]): void {
    if (this.#port.send(this.#stream, list, false)) (this.#informational ??= []).push(sentHeaders(headers, list));
  }

  /** Why the stream cannot take response headers now, thrown; nothing when it can. */
  #checkCanRespond(what: string): void {
    const stream = this.#stream;
    if (stream.role === 'request' || stream.role === 'pushed-in') {
      throw new UsageError(`${what} is for servers, and stream ${stream.id} is ${stream.role === 'request' ? 'a request this client sent' : 'a push this client received'}: read its response with the 'response' event`, UsageCodes.WRONG_SIDE);
    }
    if (this.#final !== undefined) {
      const how = this.#automatic ? 'a write or end() before respond() sent `:status: 200`' : 'respond() was already called';
      throw new UsageError(`${what} on stream ${stream.id}: the response headers were sent (${how}); call respond() once, before writing the body, and send trailers with sendTrailers()`, UsageCodes.HEADERS_SENT);
    }
    if (this.#port.closed(stream) || stream.destroyed) {
      const why = stream.rstCode !== undefined ? `reset with ${errorCodeName(stream.rstCode)}` : 'destroyed';
      throw new UsageError(`${what} on stream ${stream.id}, which is closed (${why}): check stream.destroyed, or listen for 'close', before responding`, UsageCodes.STREAM_CLOSED);
    }
  }
}
