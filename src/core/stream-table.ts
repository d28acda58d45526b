/**
 * StreamTable: values by stream id, for a connection's collections of streams (the core's
 * stream map and closed-stream record, the adapter's routes).
 *
 * An open-addressed hash table over an Int32Array of ids (linear probing, deletion by
 * backward shift, so there are no tombstones). It doubles at half full and halves below an
 * eighth full (past 64 slots: walks over it stay proportional to what it holds after a burst),
 * and its owner swaps in {@link EMPTY_STREAM_TABLE} once it is empty and the connection quiet;
 * adding and deleting streams at a steady rate, as a busy connection does all the time,
 * allocates nothing.
 *
 * Why not a Map: V8's Map cannot reuse the slot of a deleted entry, and rebuilds its whole table
 * once deleted entries fill it. Stream ids only ever come and go, so a connection serving
 * twenty requests at a time got a new table every few dozen requests. Each table was made in
 * the young generation and, being held by an old Map, promoted; under load that was about a
 * tenth of everything the server promoted (measured with V8's sampling heap profiler, counting
 * objects that survived minor collections), and what is promoted sets how far the old
 * generation grows between full collections.
 *
 * Iteration ({@link forEach}, {@link sweep}) is in table order, not insertion order; {@link
 * values} gives the values sorted by id, which for each side is the order its streams opened.
 */

/** The arrays of every empty table: shared, never written (an idle connection holds none of its own). */
const NO_IDS = new Int32Array(0);
const NO_VALUES: never[] = [];

/** The capacity a table starts at when its first stream arrives. */
const FIRST_CAPACITY = 8;
/** Tables this large or smaller never shrink (a few hundred octets, not worth the churn). */
const SHRINK_ABOVE = 64;

export class StreamTable<V> {
  /** Ids by slot; 0 is an empty slot (stream 0 is the connection, never stored). */
  #ids: Int32Array = NO_IDS;
  #values: Array<V | undefined> = NO_VALUES;
  /** Capacity − 1 (capacity is a power of two); −1 while the shared empty arrays are in place. */
  #mask = -1;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Slots in the table (0 until the first entry). */
  get capacity(): number {
    return this.#mask + 1;
  }

  has(id: number): boolean {
    return this.#slotOf(id) >= 0;
  }

  get(id: number): V | undefined {
    const slot = this.#slotOf(id);
    return slot < 0 ? undefined : this.#values[slot];
  }

  /** Adds or replaces the value for `id` (a stream id, 1 to 2^31 − 1). */
  set(id: number, value: V): this {
    if (!(id > 0 && id <= 0x7fffffff) || !Number.isInteger(id)) throw new RangeError(`internal error: stream id ${id} in a StreamTable`);
    const found = this.#slotOf(id);
    if (found >= 0) {
      this.#values[found] = value;
      return this;
    }
    if ((this.#size + 1) * 2 > this.#mask + 1) this.#resize(this.#mask < 0 ? FIRST_CAPACITY : (this.#mask + 1) * 2);
    const ids = this.#ids;
    let slot = this.#home(id);
    while (ids[slot] !== 0) slot = (slot + 1) & this.#mask;
    ids[slot] = id;
    this.#values[slot] = value;
    this.#size++;
    return this;
  }

  /** Removes `id`; true if it was there. */
  delete(id: number): boolean {
    const slot = this.#slotOf(id);
    if (slot < 0) return false;
    this.#removeAt(slot);
    this.#maybeShrink();
    return true;
  }

  /**
   * Calls `visit` for every entry, in table order; `visit` must not add or delete entries.
   * The context argument saves the caller a closure (this runs on hot paths).
   */
  forEach<C>(visit: (context: C, value: V, id: number) => void, context: C): void {
    const ids = this.#ids;
    for (let slot = 0; slot <= this.#mask; slot++) {
      const id = ids[slot] as number;
      if (id !== 0) visit(context, this.#values[slot] as V, id);
    }
  }

  /**
   * Calls `visit` once for every entry, in table order, and deletes those it returns true for;
   * `visit` itself must not add or delete entries (the table may shrink after the walk).
   * Allocates nothing (the context argument saves the caller a closure).
   */
  sweep<C>(visit: (context: C, value: V, id: number) => boolean, context: C): void {
    if (this.#size === 0) return;
    const ids = this.#ids;
    const mask = this.#mask;
    // Start just after an empty slot (there is one: the table is at most half full): a
    // backward shift never moves an entry across an empty slot, so every entry moved into the
    // slot being visited comes from ahead of it and is visited once, there.
    let start = 0;
    while (ids[start] !== 0) start++;
    for (let n = 1; n <= mask; n++) {
      const slot = (start + n) & mask;
      for (;;) {
        const id = ids[slot] as number;
        if (id === 0 || !visit(context, this.#values[slot] as V, id)) break;
        this.#removeAt(slot);
      }
    }
    this.#maybeShrink();
  }

  /** The values sorted by id (a new array). */
  values(): V[] {
    const entries: Array<[number, V]> = [];
    this.forEach((list, value, id) => list.push([id, value]), entries);
    entries.sort((a, b) => a[0] - b[0]);
    return entries.map((entry) => entry[1]);
  }

  /** Fibonacci hashing: consecutive ids of one parity, and of both, spread over the slots (the top log2(capacity) bits of the product). */
  #home(id: number): number {
    return Math.imul(id, 0x9e3779b1) >>> Math.clz32(this.#mask);
  }

  #slotOf(id: number): number {
    if (this.#size === 0) return -1;
    const ids = this.#ids;
    let slot = this.#home(id);
    for (;;) {
      const at = ids[slot] as number;
      if (at === 0) return -1;
      if (at === id) return slot;
      slot = (slot + 1) & this.#mask;
    }
  }

  /** Empties `slot`, moving back the entries after it in its run that would otherwise no longer be found. */
  #removeAt(slot: number): void {
    const ids = this.#ids;
    const values = this.#values;
    const mask = this.#mask;
    let hole = slot;
    let next = slot;
    for (;;) {
      next = (next + 1) & mask;
      const id = ids[next] as number;
      if (id === 0) break;
      const home = this.#home(id);
      // The entry at `next` stays if its home lies cyclically in (hole, next]: a probe from
      // its home reaches it without passing the hole.
      const stays = hole < next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      ids[hole] = id;
      values[hole] = values[next];
      hole = next;
    }
    ids[hole] = 0;
    values[hole] = undefined;
    this.#size--;
  }

  /** Below an eighth full past SHRINK_ABOVE slots: halve until it is not (then an eighth to a quarter full, far from the half that grows it). */
  #maybeShrink(): void {
    const capacity = this.#mask + 1;
    let target = capacity;
    while (target > SHRINK_ABOVE && this.#size * 8 < target) target >>= 1;
    if (target !== capacity) this.#resize(target);
  }

  #resize(capacity: number): void {
    const oldIds = this.#ids;
    const oldValues = this.#values;
    this.#ids = new Int32Array(capacity);
    this.#values = new Array<V | undefined>(capacity).fill(undefined);
    this.#mask = capacity - 1;
    this.#size = 0;
    for (let slot = 0; slot < oldIds.length; slot++) {
      const id = oldIds[slot] as number;
      if (id !== 0) this.set(id, oldValues[slot] as V);
    }
    // The old array may be in the old generation: left full, it would keep streams that die
    // later looking alive to scavenges (the very thing this table avoids; see the header).
    if (oldValues !== NO_VALUES) oldValues.fill(undefined);
  }
}

/** A table that refuses writes, so a code path that forgot to make its own table fails at once. */
class EmptyStreamTable extends StreamTable<never> {
  override set(): this {
    throw new Error('internal error: a write to the shared empty StreamTable (make the table first)');
  }
}

/**
 * The table of every owner with no stream in it: shared, never written. An owner makes its own
 * on its first write and swaps this one back in once it is empty on a quiet connection (an
 * idle connection holds no table of its own). Cast it to the table type it stands for.
 */
export const EMPTY_STREAM_TABLE: StreamTable<never> = new EmptyStreamTable();
