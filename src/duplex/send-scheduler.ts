/**
 * SendScheduler: where a stream's write waits, and which stream sends next.
 *
 * Two queues, as hyperium/h2 keeps them (`prioritize.rs`: `pending_send`, `pending_capacity`,
 * `pending_open`):
 * - **parked writes**: each stream has at most one write the core has not taken yet (its
 *   Writable buffers the rest). A write waits for the peer's flow-control window (stream and
 *   connection) and for output room (what the transport has not written, under the duplex's
 *   high-water mark). Writes waiting for room are woken when the output drains; writes waiting
 *   for window only by a WINDOW_UPDATE or SETTINGS (polling them on every drain would spin for
 *   as long as the peer keeps its window shut).
 * - **pending opens**: requests beyond the peer's SETTINGS_MAX_CONCURRENT_STREAMS, started in
 *   order as streams close, as node:http2 does.
 *
 * H2Stream parks a write; H2Duplex's flush calls {@link SendScheduler.run}, which hands parked
 * data to the core within the output budget, then {@link SendScheduler.afterFlush}. Which
 * stream goes next is {@link SendOrder}'s (send-order.ts): RFC 9218 urgency first, then
 * non-incremental streams one at a time and incremental ones round robin.
 */
import { type ExtensiblePriority, type H2Connection, type HeaderInput, MIN_LENT_PAYLOAD } from '../core/index.js';
import { DenialOfServiceError } from '../errors.js';
import { SendOrder, type SendSlot, type SlotOf } from './send-order.js';


/** Our streams allowed before the peer's first SETTINGS arrive: RFC 9113 §6.5.2's recommended minimum, nghttp2's assumption. */
const STREAMS_BEFORE_SETTINGS = 100;

/** What the scheduler asks of a stream, through one shared object (no per-stream cost); the stream keeps its {@link SendSlot}. */
export interface SendPort<S> extends SlotOf<S> {
  /** Before DATA: a server that has not responded sends `:status: 200` first. May throw. */
  beforeData(stream: S): void;
  /** A write of `octets` is the stream's last: end() was called, no trailers follow, nothing else is buffered. */
  isLastWrite(stream: S, octets: number): boolean;
  /** `octets` went to the core (END_STREAM with them when `ended`). */
  sent(stream: S, octets: number, ended: boolean): void;
}

/** What the scheduler asks of its H2Duplex. */
export interface SchedulerHost {
  /** Output room left under the duplex's high-water mark, before this flush's sends. */
  outputRoom(): number;
  /** Queue a flush (one per turn of the event loop). */
  scheduleFlush(): void;
  /** Payloads may be lent to the core (sent without a copy): output goes straight to a socket. */
  zeroCopy(): boolean;
  /** Calls `callback` once everything the core has queued so far is written by the transport. */
  afterSent(callback: () => void): void;
  /**
   * Sending made the core end the connection (its GOAWAY is queued): the peer spent a budget
   * (the data dribble of CVE-2019-9511). Called from inside the send loop: defer the teardown.
   */
  connectionFailed(error: DenialOfServiceError): void;
}

/** A stream the scheduler can serve. */
export interface Schedulable {
  readonly id: number;
  readonly destroyed: boolean;
  destroy(error?: Error): unknown;
}

/** A request waiting for a stream slot. */
export interface PendingOpen {
  readonly headers: HeaderInput[];
  readonly endStream: boolean;
  /** The request was given up (destroyed) while it waited: skip it. */
  readonly cancelled: boolean;
  /** Its HEADERS went out on stream `id`. */
  opened(id: number): void;
  /** It can never start (the HEADERS failed, or the connection is going away). */
  failed(error: Error): void;
}

/** Rounds over the parked writers in one flush (bounded so one flush cannot starve the loop). */
const MAX_SEND_ROUNDS = 16;
/** Smallest output budget worth a DATA frame; below it writers wait for the transport. */
const MIN_SEND_BUDGET = 4096;
/**
 * What less urgent streams may send in one flush while a more urgent one is active (it sent in
 * this flush or the last): one frame's worth. The more urgent stream's data comes a write at a
 * time, so between its writes the less urgent ones would otherwise take the output budget and
 * the connection window it needs next; they still move, slowly, so nothing starves.
 */
const LESS_URGENT_QUANTUM = 16 * 1024;
/** No stream is active: an urgency past the last (RFC 9218 §4.1: 0..7). */
const NO_URGENCY = 8;

export class SendScheduler<S extends Schedulable> {
  readonly #connection: H2Connection;
  readonly #host: SchedulerHost;
  readonly #port: SendPort<S>;
  /** The duplex's output high-water mark: budgets under half of it are not worth a frame. */
  readonly #minBudget: number;
  /** Streams whose parked write may go, by priority (RFC 9218), and each stream's priority. */
  readonly #ready: SendOrder<S>;
  /** Requests waiting for a stream slot, oldest first; null when none (a server never has any). */
  #opens: PendingOpen[] | null = null;
  /** Octets handed to the core since the last flush. */
  #spent = 0;
  /** A writer in this flush was held back by the output budget, not by its window. */
  #budgetLimited = false;
  /** Writers wait for output room (not window): the output draining wakes them. */
  #roomWanted = false;
  /** Something may let a parked writer send: it just parked, a window opened, room came back. */
  #poll = false;
  /** The most urgent level that sent in the last flush, and in this one so far ({@link LESS_URGENT_QUANTUM}). */
  #activeBefore = NO_URGENCY;
  #activeNow = NO_URGENCY;
  /** Octets less urgent streams sent in this flush while a more urgent one was active. */
  #lessUrgentSpent = 0;
  /** Less urgent writers were held back in this flush: poll again next turn. */
  #throttled = false;

  constructor(connection: H2Connection, host: SchedulerHost, port: SendPort<S>, outputHighWaterMark: number) {
    this.#connection = connection;
    this.#host = host;
    this.#port = port;
    this.#ready = new SendOrder<S>(port);
    this.#minBudget = Math.min(MIN_SEND_BUDGET, outputHighWaterMark >> 1);
  }

  /** A quiet connection lets go of empty collections. */
  compact(): void {
    this.#ready.compact();
  }

  // ---------------------------------------------------------------- parked writes

  /** Parks `stream`'s write until window and room allow; a stream without an id yet (a queued request) waits for {@link started}. */
  park(stream: S, data: Uint8Array, callback: (error?: Error | null) => void): void {
    const slot = this.#port.slot(stream);
    slot.data = data;
    slot.offset = 0;
    slot.callback = callback;
    slot.lent = false;
    if (stream.id !== 0) this.#makeReady(stream);
  }

  /** A queued request got its stream id: its parked write may go now. */
  started(stream: S): void {
    if (this.hasParked(stream)) this.#makeReady(stream);
  }

  /** True while `stream` has a write the core has not taken all of. */
  hasParked(stream: S): boolean {
    return (this.#port.existingSlot(stream)?.data ?? null) !== null;
  }

  /** Streams with a write waiting to be polled. */
  get waiting(): number {
    return this.#ready.size;
  }

  /**
   * Takes back `stream`'s parked write (it was reset or destroyed): its callback runs with
   * `error` (none for a graceful stop), once the transport has written any part lent to it.
   */
  drop(stream: S, error?: Error): void {
    const slot = this.#port.existingSlot(stream);
    if (slot === null) return;
    this.#ready.delete(stream);
    const callback = this.#unpark(slot);
    if (callback === null) return;
    this.#release(slot.lent, () => {
      callback(error);
    });
  }

  /** A WINDOW_UPDATE or SETTINGS may have opened a window: parked writers are polled at the next flush. */
  windowOpened(): void {
    if (this.#ready.size > 0) this.#poll = true;
  }

  /** The output drained: writers held back by the output budget may go on. */
  outputDrained(): void {
    if (this.#roomWanted) this.#wake();
  }

  /**
   * The send phase of a flush: rounds over the ready writers while they make progress, within
   * the output budget (again while writers refill it: a write callback runs the writer's next
   * write synchronously).
   */
  run(): void {
    if (!this.#poll) return;
    this.#poll = false;
    let round = 0;
    while (round < MAX_SEND_ROUNDS && this.#round() > 0) round++;
    // Stopped by the round cap while writers still made progress: they go on next turn.
    if (round === MAX_SEND_ROUNDS && this.#ready.size > 0) this.#wake();
  }

  /**
   * After the flush pushed its output: writers held back by this flush's budget go on if there
   * is room now. Those waiting for window are not polled: a WINDOW_UPDATE wakes them.
   */
  afterFlush(): void {
    this.#spent = 0;
    this.#activeBefore = this.#activeNow;
    this.#activeNow = NO_URGENCY;
    this.#lessUrgentSpent = 0;
    if (this.#throttled) {
      this.#throttled = false;
      this.#wake();
    }
    this.#roomWanted = this.#budgetLimited && this.#ready.size > 0;
    if (this.#roomWanted && this.#budget() >= MIN_SEND_BUDGET) this.#wake();
    this.#budgetLimited = false;
  }

  /**
   * The stream that sends next among those ready, removed from the ready queues: the most
   * urgent; within an urgency the lowest-id non-incremental stream, else the incremental ring's
   * oldest (it goes to the back if it has more). See send-order.ts.
   */
  nextToSend(): S | undefined {
    return this.#ready.take();
  }

  // ---------------------------------------------------------------- priorities (RFC 9218)

  /** The priority `stream` is scheduled by (RFC 9218's defaults when it has none). */
  priorityOf(stream: S): ExtensiblePriority {
    return this.#ready.priorityOf(stream);
  }

  /** Whether `stream` was given a priority (a signal or an override). */
  hasPriority(stream: S): boolean {
    return this.#ready.hasPriority(stream);
  }

  /** Schedules `stream` by `priority` from now on (a signal from the peer, or the application's override). */
  setPriority(stream: S, priority: ExtensiblePriority): void {
    this.#ready.setPriority(stream, priority);
  }

  /** Server: a PRIORITY_UPDATE for stream `streamId`, not open yet; it applies when it opens. */
  prioritizeIdle(streamId: number, priority: ExtensiblePriority): void {
    this.#ready.prioritizeIdle(streamId, priority);
  }

  /** Server: `stream`'s request arrived, with its `priority` header read (undefined without one). */
  requestOpened(stream: S, fromHeader: ExtensiblePriority | undefined): void {
    this.#ready.opened(stream, fromHeader);
  }

  /** `stream` is finished with: forget its priority. */
  forget(stream: S): void {
    this.#ready.forget(stream);
  }

  // ---------------------------------------------------------------- pending opens

  /** A slot under the peer's SETTINGS_MAX_CONCURRENT_STREAMS is free, and no request waits before this one. */
  canOpen(): boolean {
    return this.#opens === null && this.#connection.openOutboundStreams < this.#maxOpen();
  }

  /**
   * The peer's SETTINGS_MAX_CONCURRENT_STREAMS; until its first SETTINGS arrive, at most
   * {@link STREAMS_BEFORE_SETTINGS}: the initial value is unlimited (RFC 9113 §6.5.2), but a
   * burst of requests sent before the peer's limit is known would be refused above it, as
   * nghttp2 (and so node:http2) assumes 100 until then.
   */
  #maxOpen(): number {
    const connection = this.#connection;
    const max = connection.remoteSettings.maxConcurrentStreams;
    return connection.remoteSettingsReceived ? max : Math.min(max, STREAMS_BEFORE_SETTINGS);
  }

  /** HEADERS for a new request now; returns its stream id. @throws what the core throws (invalid headers, no ids left). */
  open(headers: HeaderInput[], endStream: boolean): number {
    const connection = this.#connection;
    const id = connection.getNextAvailableStreamId();
    connection.sendHeaders(id, headers, { endStream });
    this.#host.scheduleFlush();
    return id;
  }

  /** Waits for a stream slot. */
  queueOpen(request: PendingOpen): void {
    (this.#opens ??= []).push(request);
  }

  /** Requests waiting for a slot. */
  get opensWaiting(): number {
    return this.#opens?.length ?? 0;
  }

  /** Starts waiting requests while the peer allows more streams (a stream closed, SETTINGS raised the limit). */
  startOpens(): void {
    const connection = this.#connection;
    const opens = this.#opens;
    if (opens === null) return;
    while (opens.length > 0 && connection.openOutboundStreams < this.#maxOpen() && !connection.draining) {
      const next = opens.shift();
      if (next === undefined || next.cancelled) continue;
      let id: number;
      try {
        id = this.open(next.headers, next.endStream);
      } catch (err) {
        next.failed(err as Error);
        continue;
      }
      next.opened(id);
    }
    if (opens.length === 0 && this.#opens === opens) this.#opens = null;
  }

  /** Waiting requests will never start (a GOAWAY): each fails with the error `make` gives. */
  failOpens(make: () => Error): void {
    const opens = this.#opens;
    this.#opens = null;
    for (const open of opens ?? []) open.failed(make());
  }

  // ---------------------------------------------------------------- internals

  #makeReady(stream: S): void {
    this.#ready.add(stream);
    this.#wake();
  }

  /** Parked writers may be able to send: poll them in the next flush. */
  #wake(): void {
    this.#poll = true;
    this.#host.scheduleFlush();
  }

  #budget(): number {
    return this.#host.outputRoom() - this.#spent;
  }

  /**
   * One round over the ready writers, most urgent first, each once; returns the octets handed
   * to the core. Writers with more to send are queued again after the round, so a stream held
   * back by its window does not keep the less urgent ones from the budget.
   */
  #round(): number {
    let sent = 0;
    let again: S[] | null = null;
    for (let left = this.#ready.size; left > 0; left--) {
      const stream = this.nextToSend();
      if (stream === undefined) break;
      const urgency = this.#ready.priorityOf(stream).urgency;
      const lessUrgent = urgency > Math.min(this.#activeBefore, this.#activeNow);
      let budget = this.#budget();
      if (lessUrgent) {
        budget = Math.min(budget, LESS_URGENT_QUANTUM - this.#lessUrgentSpent);
        if (budget < this.#minBudget) this.#throttled = true;
      }
      if (budget >= this.#minBudget) {
        const n = this.#send(stream, budget);
        this.#spent += n;
        sent += n;
        if (n > 0 && urgency < this.#activeNow) this.#activeNow = urgency;
        if (lessUrgent) this.#lessUrgentSpent += n;
        else if (n === budget) this.#budgetLimited = true;
      } else if (!lessUrgent) {
        this.#budgetLimited = true;
      }
      if (this.hasParked(stream) && !stream.destroyed) (again ??= []).push(stream);
    }
    if (again !== null) for (const stream of again) this.#ready.add(stream);
    return sent;
  }

  /**
   * Hands `stream`'s parked data to the core, up to `budget` octets and the flow-control
   * window. @returns octets handed over.
   */
  #send(stream: S, budget: number): number {
    const write = this.#port.existingSlot(stream);
    const data = write?.data ?? null;
    if (write === null || data === null || stream.destroyed) return 0;
    const connection = this.#connection;
    let window: number;
    try {
      this.#port.beforeData(stream);
      window = connection.localFlowControlWindow(stream.id);
    } catch (err) {
      stream.destroy(err as Error);
      return 0;
    }
    const left = data.length - write.offset;
    const n = Math.min(left, window, budget);
    if (n <= 0 && left > 0) return 0;
    // The last chunk of an ended stream carries END_STREAM itself (no empty DATA frame after).
    const last = n === left && this.#port.isLastWrite(stream, data.length);
    // Zero copy: the core keeps a large piece by reference, so the write's callback (after
    // which the application may reuse its Buffer) waits until the transport has written it.
    const zeroCopy = n >= MIN_LENT_PAYLOAD && this.#host.zeroCopy();
    try {
      const piece = write.offset === 0 && n === data.length ? data : data.subarray(write.offset, write.offset + n);
      // A frame the peer's tiny window forces counts against smallDataFrameRateLimit in the
      // core (CVE-2019-9511); past it the core ends the connection.
      connection.sendData(stream.id, piece, { endStream: last, zeroCopy });
    } catch (err) {
      if (err instanceof DenialOfServiceError) this.#host.connectionFailed(err);
      else stream.destroy(err as Error);
      return 0;
    }
    write.offset += n;
    if (zeroCopy) write.lent = true;
    this.#port.sent(stream, n, last);
    // (`write.data === data`: the write is still parked, not dropped by what `sent` ran.)
    if (write.offset === data.length && write.data === data) {
      const callback = this.#unpark(write) as () => void;
      this.#release(write.lent, callback);
    }
    return n;
  }

  /** Clears the slot's parked write; returns its callback (null: there was none). */
  #unpark(slot: SendSlot<S>): ((error?: Error | null) => void) | null {
    const callback = slot.callback;
    slot.data = null;
    slot.callback = null;
    return callback;
  }

  /**
   * Runs a finished write's callback, after which the application may reuse its Buffer: at
   * once, or, when part of it went to the core by reference (`lent`), once the transport has
   * written it.
   */
  #release(lent: boolean, callback: () => void): void {
    if (lent) this.#host.afterSent(callback);
    else callback();
  }
}
