/**
 * OutputFlush: when the core's output goes to the transport. A flush runs the send scheduler
 * (parked stream writes into the core) and hands what the core queued to the TransportLink.
 *
 * - Coalescing: one flush per turn of the event loop (`schedule`, on setImmediate), so the
 *   frames of many streams leave in one batch.
 * - Sooner where waiting costs a round trip (`afterInput`): a read that queued 16 KiB or more,
 *   a window that opened for a parked writer, a connection with at most one stream.
 * - After the handlers' next tick (`afterHandlers`): node:http2's pushStream() calls back on
 *   it, and a pushed response's HEADERS must go before the parent's last DATA.
 * - The end of the output (`end`): no flush is left pending.
 */
import type { H2Connection } from '../core/index.js';
import type { ConnectionEnd } from './connection-end.js';
import type { Deadlines } from './deadlines.js';
import type { TransportLink } from './transport-link.js';

/** Core output that is flushed at once after input instead of waiting for the coalescing flush. */
const FLUSH_NOW_AT = 16 * 1024;

/** What flushing needs from its H2Duplex. */
export interface FlushHost {
  readonly connection: H2Connection;
  readonly scheduler: {
    /** The send phase: parked writes into the core, within the output budget and the windows. */
    run(): void;
    afterFlush(): void;
    /** Writes parked for window or room. */
    readonly waiting: number;
    /** Requests waiting for a stream slot. */
    readonly opensWaiting: number;
  };
  readonly link: TransportLink;
  readonly end: ConnectionEnd;
  readonly deadlines: Deadlines;
  /** Streams still routed (open, or finishing). */
  readonly openStreams: number;
  /** A window opened since the last call (and forget it). */
  takeWindowOpened(): boolean;
}

export class OutputFlush {
  readonly #host: FlushHost;
  #handle: NodeJS.Immediate | null = null;
  /** A flush is queued for the next tick (afterHandlers). */
  #ticking = false;

  constructor(host: FlushHost) {
    this.#host = host;
  }

  /** A flush is scheduled for this turn. */
  get scheduled(): boolean {
    return this.#handle !== null;
  }

  /** Flushes once this turn's other work is done (coalescing). */
  schedule(): void {
    if (this.#handle === null && !this.#host.link.ended) {
      this.#handle = setImmediate(() => {
        this.#handle = null;
        this.now();
      });
    }
  }

  /**
   * A flush once the handlers that just ran have had their next tick: node:http2's pushStream()
   * calls back on it, and a pushed response's HEADERS must go before the parent's last DATA, as
   * nghttp2 orders them (node's push client closes its session when the parent ends, and then
   * refuses the push). Still in this turn of the event loop, so the answer keeps its latency.
   */
  afterHandlers(): void {
    if (this.#ticking) return;
    this.#ticking = true;
    process.nextTick(() => {
      this.#ticking = false;
      this.now();
    });
  }

  /**
   * One `receiveData` call's events were dispatched. Answers (PING/SETTINGS ACKs, resets) count
   * against the output bound at once: a peer that sends many frames in one read must not
   * queue unbounded answers before the next flush. A window that opened for a parked writer
   * is used in this turn, not the next: in a window-bound transfer every WINDOW_UPDATE round
   * trip includes that delay. So is the output of a connection with at most one stream: there
   * is nothing to coalesce it with, and an answer written in the turn that asked saves one
   * (S3: 22.5 -> 19 us from the request's read to the response's write; p50 0.093-0.096 ->
   * 0.088-0.090 ms). Both after the handlers' next tick (afterHandlers).
   */
  afterInput(): void {
    const host = this.#host;
    const windowOpened = host.takeWindowOpened();
    if (host.connection.outboundDataLength >= FLUSH_NOW_AT) this.now();
    else if ((windowOpened && host.scheduler.waiting > 0) || host.openStreams <= 1) this.afterHandlers();
    else this.schedule();
  }

  /** Hands parked writes to the core (the scheduler's send phase), then what the core queued to the TransportLink. */
  now(): void {
    // Called directly (after input, an abort, a close): the flush already scheduled for this
    // turn has nothing left to do. Left pending, it ran an empty flush on every round trip of
    // a window-bound transfer.
    this.cancel();
    const host = this.#host;
    if (host.link.ended) return;
    host.scheduler.run();
    host.link.write(host.connection.dataToSendChunks());
    // No stream left: the output slab (16 KiB) goes now rather than after a quiet second, so
    // a burst of connections that each answered and went idle never holds a slab apiece (freed
    // 1 s later, they left the malloc heap fragmented: ~4 KiB of RSS per connection).
    if (host.openStreams === 0 && host.scheduler.opensWaiting === 0) host.connection.releaseOutput();
    host.scheduler.afterFlush();
    host.end.maybeFinishDraining();
  }

  /** Ends the output: nothing more is flushed, the connection limits stop being watched. */
  end(): void {
    const host = this.#host;
    if (host.link.ended) return;
    this.cancel();
    host.deadlines.unwatch();
    host.link.end();
    host.end.ended();
  }

  /** Drops the flush scheduled for this turn (the duplex is destroyed, or flushes now). */
  cancel(): void {
    if (this.#handle !== null) clearImmediate(this.#handle);
    this.#handle = null;
  }
}
