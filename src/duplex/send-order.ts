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
 * the urgency-3 ring, as before priorities existed.
 *
 * Where a stream is queued, and its priority, are kept on the stream itself (its
 * {@link SendSlot}), the ring is a list linked through the slots: queuing and taking a stream,
 * which happens for every write, allocates nothing. (With a Map and Sets, whose tables V8
 * rebuilds once deleted entries fill them, a busy connection made a new table every few dozen
 * writes, each promoted to the old generation.)
 */
import { DEFAULT_PRIORITY, type ExtensiblePriority } from '../core/index.js';

/** RFC 9218 §4.1: urgencies 0..7. */
const URGENCY_LEVELS = 8;

/** Not in any ready queue. */
const NOT_READY = -1;

/**
 * What the scheduler keeps on one stream: its place in the ready queues, its priority, and its
 * parked write (send-scheduler.ts). One per stream, made when the stream first writes or is
 * given a priority.
 */
export class SendSlot<S> {
  // ---- SendOrder's: where the stream is queued, and by what priority.
  /** The urgency of the ready queue the stream is in; NOT_READY when in none. */
  readyAt = NOT_READY;
  /** Ready in its urgency's ring (incremental or unsignalled), not its sequential list. */
  inRing = false;
  /** Neighbours in the ring. */
  prev: S | null = null;
  next: S | null = null;
  /** The priority it was given (a signal or an override); null: none, RFC 9218's defaults apply. */
  priority: ExtensiblePriority | null = null;
  // ---- SendScheduler's: the stream's parked write (one object per stream for both, not two).
  /** The parked write's data, null when none: see SendScheduler.park. */
  data: Uint8Array | null = null;
  /** Octets of `data` the core has taken. */
  offset = 0;
  callback: ((error?: Error | null) => void) | null = null;
  /** Part of `data` went to the core by reference (zero copy): see SchedulerHost.afterSent. */
  lent = false;
}

/** How SendOrder finds a stream's slot (the stream keeps it; see H2Stream's sendPort). */
export interface SlotOf<S> {
  /** The stream's slot, made on first use. */
  slot(stream: S): SendSlot<S>;
  /** The stream's slot if it has one (a stream that never wrote nor had a priority has none). */
  existingSlot(stream: S): SendSlot<S> | null;
}

/** Ready streams of one urgency. */
class UrgencyQueue<S extends { readonly id: number }> {
  /** Non-incremental streams, by stream id (few at a time: kept sorted on insertion). */
  readonly sequential: S[] = [];
  /** Incremental and unsignalled streams, round robin in the order they became ready: a list linked through their slots. */
  #head: S | null = null;
  #tail: S | null = null;
  #ringSize = 0;

  constructor(readonly slots: SlotOf<S>) {}

  get size(): number {
    return this.sequential.length + this.#ringSize;
  }

  add(stream: S, slot: SendSlot<S>, incremental: boolean): void {
    slot.inRing = incremental;
    if (incremental) {
      slot.prev = this.#tail;
      slot.next = null;
      if (this.#tail === null) this.#head = stream;
      else this.slots.slot(this.#tail).next = stream;
      this.#tail = stream;
      this.#ringSize++;
      return;
    }
    const list = this.sequential;
    let at = list.length;
    while (at > 0 && (list[at - 1] as S).id > stream.id) at--;
    list.splice(at, 0, stream);
  }

  delete(stream: S, slot: SendSlot<S>): void {
    if (!slot.inRing) {
      const at = this.sequential.indexOf(stream);
      if (at >= 0) this.sequential.splice(at, 1);
      return;
    }
    const { prev, next } = slot;
    if (prev === null) this.#head = next;
    else this.slots.slot(prev).next = next;
    if (next === null) this.#tail = prev;
    else this.slots.slot(next).prev = prev;
    slot.prev = null;
    slot.next = null;
    slot.inRing = false;
    this.#ringSize--;
  }

  /** The next stream of this urgency, left in place (take it with delete). */
  first(): S | undefined {
    return this.sequential[0] ?? this.#head ?? undefined;
  }
}

export class SendOrder<S extends { readonly id: number }> {
  readonly #slots: SlotOf<S>;
  /** Made by the first stream queued; dropped by compact() once nothing is ready. */
  #queues: Array<UrgencyQueue<S> | undefined> | null = null;
  /** Streams in a queue. */
  #size = 0;
  /** Server: PRIORITY_UPDATEs for streams not open yet, by id; applied when they open. */
  #idle: Map<number, ExtensiblePriority> | null = null;

  constructor(slots: SlotOf<S>) {
    this.#slots = slots;
  }

  /** Streams ready to send. */
  get size(): number {
    return this.#size;
  }

  has(stream: S): boolean {
    const slot = this.#slots.existingSlot(stream);
    return slot !== null && slot.readyAt !== NOT_READY;
  }

  /** `stream` may send: queue it by its priority (no-op if queued). */
  add(stream: S): void {
    const slot = this.#slots.slot(stream);
    if (slot.readyAt !== NOT_READY) return;
    const priority = slot.priority;
    const urgency = priority?.urgency ?? DEFAULT_PRIORITY.urgency;
    slot.readyAt = urgency;
    this.#size++;
    this.#queue(urgency).add(stream, slot, priority === null || priority.incremental);
  }

  /** Removes `stream` from the ready queues. */
  delete(stream: S): void {
    const slot = this.#slots.existingSlot(stream);
    if (slot !== null) this.#remove(stream, slot);
  }

  /** The ready stream that sends next, removed from the queues (see the module comment). */
  take(): S | undefined {
    if (this.#size === 0 || this.#queues === null) return undefined;
    for (const queue of this.#queues) {
      if (queue === undefined || queue.size === 0) continue;
      const stream = queue.first();
      if (stream !== undefined) this.#remove(stream, this.#slots.slot(stream));
      return stream;
    }
    return undefined;
  }

  /** The priority `stream` is scheduled by: the one it was given, or RFC 9218's defaults. */
  priorityOf(stream: S): ExtensiblePriority {
    return this.#slots.existingSlot(stream)?.priority ?? DEFAULT_PRIORITY;
  }

  /** Whether `stream` was given a priority (a signal or an override). */
  hasPriority(stream: S): boolean {
    return (this.#slots.existingSlot(stream)?.priority ?? null) !== null;
  }

  /** Gives `stream` a priority (a signal or an override); a queued stream moves to its new place. */
  setPriority(stream: S, priority: ExtensiblePriority): void {
    const slot = this.#slots.slot(stream);
    slot.priority = priority;
    if (slot.readyAt !== NOT_READY) {
      this.#remove(stream, slot);
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

  /** A quiet connection: with nothing ready, the queues go (made again by the next stream). */
  compact(): void {
    if (this.#size > 0) return;
    this.#queues = null;
  }

  /** `stream` is finished with: forget its priority and its place. */
  forget(stream: S): void {
    const slot = this.#slots.existingSlot(stream);
    if (slot === null) return;
    this.#remove(stream, slot);
    slot.priority = null;
  }

  #remove(stream: S, slot: SendSlot<S>): void {
    if (slot.readyAt === NOT_READY) return;
    this.#queues?.[slot.readyAt]?.delete(stream, slot);
    slot.readyAt = NOT_READY;
    this.#size--;
  }

  #queue(urgency: number): UrgencyQueue<S> {
    const queues = (this.#queues ??= new Array<UrgencyQueue<S> | undefined>(URGENCY_LEVELS));
    return (queues[urgency] ??= new UrgencyQueue<S>(this.#slots));
  }
}
