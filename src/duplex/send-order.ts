/**
 * SendOrder: which ready stream sends next, by RFC 9218 Extensible Priorities (§10, "Server
 * Scheduling"), and the priority each stream has.
 *
 * - Lower urgency goes first: a stream of urgency 0 is served before any of urgency 1..7 that
 *   is ready at the same time.
 * - Within one urgency, non-incremental streams go one at a time in stream-id order (the
 *   response is useful only whole, so finishing one before starting the next is best), then
 *   the incremental ones, round robin in the order they became ready.
 * - A stream with no priority signal at all (no `priority` header, no PRIORITY_UPDATE, no
 *   override) has urgency 3 and shares the round robin. RFC 9218 §4's default is
 *   non-incremental, but applied to every unsignalled stream it would serve a long download
 *   before each later response of the same urgency; without signals we keep the fair
 *   interleaving node:http2 (nghttp2's RFC 7540 default tree) gives.
 *
 * One queue per urgency, made when first used: with no priorities in play everything is in
 * the urgency-3 ring, a Set, as before priorities existed.
 */
import { DEFAULT_PRIORITY, type ExtensiblePriority } from '../core/index.js';
import { EMPTY_MAP } from '../core/empty-map.js';

/** RFC 9218 §4.1: urgencies 0..7. */
const URGENCY_LEVELS = 8;

/** Ready streams of one urgency. */
class UrgencyQueue<S extends { readonly id: number }> {
  /** Non-incremental streams, by stream id (few at a time: kept sorted on insertion). */
  readonly sequential: S[] = [];
  /** Incremental and unsignalled streams, round robin in the order they became ready. */
  readonly ring = new Set<S>();

  get size(): number {
    return this.sequential.length + this.ring.size;
  }

  add(stream: S, incremental: boolean): void {
    if (incremental) {
      this.ring.add(stream);
      return;
    }
    const list = this.sequential;
    let at = list.length;
    while (at > 0 && (list[at - 1] as S).id > stream.id) at--;
    list.splice(at, 0, stream);
  }

  delete(stream: S): boolean {
    if (this.ring.delete(stream)) return true;
    const at = this.sequential.indexOf(stream);
    if (at < 0) return false;
    this.sequential.splice(at, 1);
    return true;
  }

  take(): S | undefined {
    if (this.sequential.length > 0) return this.sequential.shift();
    for (const stream of this.ring) {
      this.ring.delete(stream);
      return stream;
    }
    return undefined;
  }
}

/** The ready map of every SendOrder with nothing ready: shared, never written. */
const NOTHING_READY: ReadonlyMap<unknown, ExtensiblePriority | null> = EMPTY_MAP;

export class SendOrder<S extends { readonly id: number } & WeakKey> {
  /** Made by the first stream queued; dropped by compact() once nothing is ready. */
  #queues: Array<UrgencyQueue<S> | undefined> | null = null;
  /** Streams in a queue, and where (their urgency and whether in the ring). */
  #ready = NOTHING_READY as unknown as Map<S, ExtensiblePriority | null>;
  /** Priorities of streams that were given one; absent: no signal. Weak: a stream dropped anywhere takes its entry with it. */
  #priorities: WeakMap<S, ExtensiblePriority> | null = null;
  /** Server: PRIORITY_UPDATEs for streams not open yet, by id; applied when they open. */
  #idle: Map<number, ExtensiblePriority> | null = null;

  /** Streams ready to send. */
  get size(): number {
    return this.#ready.size;
  }

  has(stream: S): boolean {
    return this.#ready.has(stream);
  }

  /** `stream` may send: queue it by its priority (no-op if queued). */
  add(stream: S): void {
    if (this.#ready.has(stream)) return;
    const priority = this.#priorities?.get(stream) ?? null;
    ((this.#ready as unknown) === NOTHING_READY ? (this.#ready = new Map()) : this.#ready).set(stream, priority);
    this.#queue(priority?.urgency ?? DEFAULT_PRIORITY.urgency).add(stream, priority === null || priority.incremental);
  }

  /** Removes `stream` from the ready queues. */
  delete(stream: S): void {
    if (!this.#ready.has(stream)) return;
    const priority = this.#ready.get(stream) ?? null;
    this.#ready.delete(stream);
    this.#queues?.[priority?.urgency ?? DEFAULT_PRIORITY.urgency]?.delete(stream);
  }

  /** The ready stream that sends next, removed from the queues (see the module comment). */
  take(): S | undefined {
    if (this.#ready.size === 0 || this.#queues === null) return undefined;
    for (const queue of this.#queues) {
      if (queue === undefined || queue.size === 0) continue;
      const stream = queue.take();
      if (stream !== undefined) this.#ready.delete(stream);
      return stream;
    }
    return undefined;
  }

  /** The priority `stream` is scheduled by: the one it was given, or RFC 9218's defaults. */
  priorityOf(stream: S): ExtensiblePriority {
    return this.#priorities?.get(stream) ?? DEFAULT_PRIORITY;
  }

  /** Whether `stream` was given a priority (a signal or an override). */
  hasPriority(stream: S): boolean {
    return this.#priorities?.has(stream) === true;
  }

  /** Gives `stream` a priority (a signal or an override); a queued stream moves to its new place. */
  setPriority(stream: S, priority: ExtensiblePriority): void {
    (this.#priorities ??= new WeakMap()).set(stream, priority);
    if (this.#ready.has(stream)) {
      this.delete(stream);
      this.add(stream);
    }
  }

  /** A PRIORITY_UPDATE for a stream that is not open yet: it applies when the stream opens ({@link opened}). */
  prioritizeIdle(streamId: number, priority: ExtensiblePriority): void {
    (this.#idle ??= new Map()).set(streamId, priority);
  }

  /**
   * Server: the request on `stream` arrived, with its `priority` header's reading (undefined
   * without one). A PRIORITY_UPDATE that came while the stream was idle wins over the header
   * (nghttp2 does the same); streams at or below this id are no longer idle.
   */
  opened(stream: S, fromHeader: ExtensiblePriority | undefined): void {
    const idle = this.#idle;
    let priority = fromHeader;
    if (idle !== null) {
      priority = idle.get(stream.id) ?? priority;
      for (const id of idle.keys()) if (id <= stream.id) idle.delete(id);
      if (idle.size === 0) this.#idle = null;
    }
    if (priority !== undefined) this.setPriority(stream, priority);
  }

  /** A quiet connection: with nothing ready, the queues and the map go (made again by the next stream). */
  compact(): void {
    if (this.#ready.size > 0) return;
    this.#ready = NOTHING_READY as unknown as Map<S, ExtensiblePriority | null>;
    this.#queues = null;
  }

  /** `stream` is finished with: forget its priority and its place. */
  forget(stream: S): void {
    this.delete(stream);
    this.#priorities?.delete(stream);
  }

  #queue(urgency: number): UrgencyQueue<S> {
    const queues = (this.#queues ??= new Array<UrgencyQueue<S> | undefined>(URGENCY_LEVELS));
    return (queues[urgency] ??= new UrgencyQueue<S>());
  }
}
