/**
 * ClientRequests: `H2Duplex.request()` as node:http2 does it. The headers get node's defaults
 * (node-session.ts), the options are checked, `signal` aborts the stream, and the stream opens
 * at once or, while the peer's SETTINGS_MAX_CONCURRENT_STREAMS is reached, waits for a slot in
 * the send scheduler's queue ({@link QueuedRequest}: the stream exists at once with id 0, and
 * is routed once its HEADERS go out).
 */
import { checkOptionKeys, InvalidArgumentError, toH2Error, UsageCodes, UsageError } from '../errors.js';
import { type ExtensiblePriority, type H2Connection, type HeaderInput, resolvePriority, serializePriority } from '../core/index.js';
import type { ConnectionEnd } from './connection-end.js';
import { type H2Stream, streamInbox } from './h2-stream.js';
import type { SendHeadersAdapterOptions } from './header-sections.js';
import { type HeadersInput, sentHeaders, toHeaderList } from './node-headers.js';
import { endsWithHeaders, withRequestDefaults } from './node-session.js';
import type { PendingOpen, SendScheduler } from './send-scheduler.js';
import type { StreamRouter } from './stream-router.js';

/** Every key of {@link RequestOptions}: a typo is named, not ignored. */
const REQUEST_OPTION_KEYS: ReadonlySet<string> = new Set(['endStream', 'waitForTrailers', 'signal', 'exclusive', 'parent', 'weight', 'silent', 'priority']);

/**
 * Options of {@link H2Duplex.request}: node:http2's. `exclusive`, `parent`, `weight` (RFC 7540
 * priorities, deprecated by RFC 9113 §5.3.2) and `silent` are accepted and have no effect.
 */
export interface RequestOptions extends SendHeadersAdapterOptions {
  /** Aborting it destroys the stream with an AbortError (RST_STREAM CANCEL). */
  signal?: AbortSignal;
  /**
   * RFC 9218: sent as the request's `priority` header (`u=0, i`); our own DATA on the stream
   * (the request body) is scheduled by it too. Change it later with `stream.setPriority()`.
   */
  priority?: Partial<ExtensiblePriority>;
  exclusive?: boolean;
  parent?: number;
  weight?: number;
  silent?: boolean;
}

/** `signal` destroys `stream` with an AbortError when it aborts (now, if it has). */
function abortWith(stream: H2Stream, signal: AbortSignal): void {
  const abort = (): void => {
    stream.destroy(new DOMException('The operation was aborted', 'AbortError'));
  };
  if (signal.aborted) {
    process.nextTick(abort);
    return;
  }
  signal.addEventListener('abort', abort, { once: true });
  stream.once('close', () => {
    signal.removeEventListener('abort', abort);
  });
}

/** What client requests need from their H2Duplex. */
export interface RequestsHost {
  readonly connection: H2Connection;
  readonly end: ConnectionEnd;
  readonly scheduler: SendScheduler<H2Stream>;
  readonly router: StreamRouter;
  /** The origin requests default to (the `authority` option, which `connect()` sets), or null. */
  readonly authority: URL | null;
  /** Makes the stream of a request that waits for a slot (id 0, not routed yet). */
  makeQueued(endStream: boolean): H2Stream;
}

export class ClientRequests {
  readonly #host: RequestsHost;

  constructor(host: RequestsHost) {
    this.#host = host;
  }

  /** Opens a request (see `H2Duplex.request()` for the defaults, the queue and what it throws). */
  open(headers: HeadersInput | undefined, options: RequestOptions): H2Stream {
    const host = this.#host;
    if (!host.connection.config.clientSide) {
      throw new UsageError("request() is for clients, and this H2Duplex is a server (config.clientSide is false): answer requests in the 'stream' listener, or push with stream.pushStream()", UsageCodes.WRONG_SIDE);
    }
    const unavailable = host.end.unavailable('request()', true);
    if (unavailable !== null) throw unavailable;
    checkOptionKeys('request()', options, REQUEST_OPTION_KEYS);
    const { list, method } = withRequestDefaults(toHeaderList(headers, 'request()'), host.authority);
    const priority = options.priority === undefined ? null : withPriorityHeader(list, options.priority);
    const endStream = options.endStream ?? endsWithHeaders(method);
    const stream = this.#start(list, endStream);
    if (priority !== null) host.scheduler.setPriority(stream, priority);
    streamInbox.requestSent(stream, sentHeaders(headers, list), options.waitForTrailers === true);
    if (options.signal !== undefined) abortWith(stream, options.signal);
    return stream;
  }

  /** HEADERS now if the peer's stream limit leaves a slot; otherwise the request waits in the queue. */
  #start(list: HeaderInput[], endStream: boolean): H2Stream {
    const { scheduler, router } = this.#host;
    if (scheduler.canOpen()) return router.adopt(scheduler.open(list, endStream), 'request', endStream);
    const stream = this.#host.makeQueued(endStream);
    scheduler.queueOpen(new QueuedRequest(stream, list, endStream, router, scheduler));
    return stream;
  }
}

/**
 * Adds the `priority` header for the request option (RFC 9218 §5) to `list`.
 * @throws OutOfRangeError / InvalidArgumentError for a bad priority, and InvalidArgumentError
 *   (`ERR_H2_INVALID_OPTION`) when the headers carry a `priority` field as well.
 */
function withPriorityHeader(list: HeaderInput[], option: Partial<ExtensiblePriority>): ExtensiblePriority {
  const priority = resolvePriority(option);
  if (list.some(([name]) => name === 'priority')) {
    throw new InvalidArgumentError("request(): give the priority as the 'priority' option or as the priority header, not both", 'ERR_H2_INVALID_OPTION');
  }
  list.push(['priority', serializePriority(priority)]);
  return priority;
}

/** A request waiting for a stream slot: its H2Stream (id 0 until then) gets the id the scheduler opens. */
export class QueuedRequest implements PendingOpen {
  readonly #stream: H2Stream;
  readonly #router: StreamRouter;

  readonly #scheduler: SendScheduler<H2Stream>;
  readonly #headers: HeaderInput[];

  constructor(
    stream: H2Stream,
    headers: HeaderInput[],
    readonly endStream: boolean,
    router: StreamRouter,
    scheduler: SendScheduler<H2Stream>,
  ) {
    this.#stream = stream;
    this.#headers = headers;
    this.#router = router;
    this.#scheduler = scheduler;
  }

  /** The request's headers; a priority set while it waited (`stream.setPriority()`) goes in its `priority` header. */
  get headers(): HeaderInput[] {
    if (!this.#scheduler.hasPriority(this.#stream)) return this.#headers;
    const value = serializePriority(this.#scheduler.priorityOf(this.#stream));
    return [...this.#headers.filter(([name]) => name !== 'priority'), ['priority', value]];
  }

  /** The request was given up (its stream destroyed) while it waited. */
  get cancelled(): boolean {
    return this.#stream.destroyed;
  }

  /** Its HEADERS went out on stream `id`: route the stream there, and start it. */
  opened(id: number): void {
    this.#router.route(id, this.#stream);
    streamInbox.started(this.#stream, id);
  }

  /** It can never start: the stream fails with `error`. */
  failed(error: Error): void {
    streamInbox.fail(this.#stream, toH2Error(error));
  }
}
