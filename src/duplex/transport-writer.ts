/**
 * TransportWriter: H2Duplex's output written straight into the stream it was piped to.
 *
 * `h2.pipe(socket)` normally moves every chunk through the duplex's readable buffer, and the
 * socket sees one `write()` per chunk. Writing directly instead buys two things:
 * - Batches: each flush is one corked run of writes, so `net.Socket` sends a frame header and
 *   the payload beside it with one `writev` instead of one syscall per piece.
 * - Completion: each batch's last write has a callback, which fires once the transport has
 *   written the batch. For a socket that means the kernel has a copy: payloads the core kept
 *   by reference (`sendData` with `zeroCopy`) are released to their writer only then, so an
 *   application may reuse a Buffer as soon as its write callback has fired, as with
 *   node:http2 or a socket.
 *
 * Only a `net.Socket` (TCP, TLS, IPC) gets payloads by reference ({@link lendsPayloads}). Any
 * other Writable may complete a write while still holding the Buffer itself (a PassThrough,
 * a Transform, another H2Duplex in memory whose parsed DATA are views of its input), so a
 * Buffer reused after its callback would change bytes not yet delivered: for those the core
 * copies payloads, as before, and only the batching remains.
 *
 * It keeps what `pipe()` promises: the destination gets `'pipe'`/`'unpipe'`, is ended when the
 * output ends (unless `{ end: false }`), is let go when it closes, finishes or fails, and a
 * destination error nobody else listens for is still thrown.
 */

import net from 'node:net';

/** What a pipe destination must offer to be written to directly. */
export interface TransportTarget {
  write(chunk: Buffer, callback?: (error?: Error | null) => void): boolean;
  end(): unknown;
  cork(): void;
  uncork(): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
  prependListener?(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  listenerCount(event: string): number;
  emit(event: string, ...args: unknown[]): boolean;
}

/** True when `dest` can be written to directly (a Node or readable-stream Writable). */
export function isTransportTarget(dest: unknown): dest is TransportTarget {
  if (typeof dest !== 'object' || dest === null) return false;
  const d = dest as Record<string, unknown>;
  return ['write', 'end', 'cork', 'uncork', 'on', 'removeListener', 'listenerCount', 'emit'].every((m) => typeof d[m] === 'function');
}

/** Who the writer reports to (the TransportLink): methods, not closures, so an idle connection keeps none. */
export interface WriterOwner {
  /** A batch was written (more output room: wake held input and writers). */
  writerDrained(): void;
  /** The writer let go of its transport (it closed, finished or failed). */
  writerLeft(writer: TransportWriter): void;
}

/** A write callback waiting until the octets before `at` have been written. */
interface Release {
  at: number;
  callback: () => void;
}

export class TransportWriter {
  /** Octets handed to `dest.write()`. */
  #queued = 0;
  /** Octets whose writes completed. */
  #written = 0;
  /** `#queued` at the end of each batch whose completion has not been reported yet, in order; null when none since the last compact(). */
  #batchEnds: number[] | null = null;
  /** Write callbacks of lent payloads, in order of `at`; null when none. */
  #releases: Release[] | null = null;
  #detached = false;
  /** The transport copies what it writes before completing it (a socket): payloads may be lent. */
  readonly lendsPayloads: boolean;

  /**
   * @param dest the transport
   * @param endWithOutput end `dest` when the output ends (`pipe()`'s `end` option)
   * @param owner told when a batch was written and when the writer let go of `dest`
   */
  constructor(
    readonly dest: TransportTarget,
    private readonly endWithOutput: boolean,
    private readonly owner: WriterOwner,
  ) {
    this.lendsPayloads = dest instanceof net.Socket;
    const prepend = dest.prependListener?.bind(dest) ?? dest.on.bind(dest);
    prepend('error', this.#onError);
    dest.on('close', this.#onGone);
    dest.on('finish', this.#onGone);
  }

  /** Octets handed to the transport and not yet written (its share of the output buffer). */
  get buffered(): number {
    return this.#queued - this.#written;
  }

  /** Octets handed to the transport so far (the offset {@link releaseAt} counts in). */
  get queued(): number {
    return this.#queued;
  }

  /** Writes one flush's chunks as one corked batch. */
  write(chunks: readonly Buffer[]): void {
    const last = chunks.length - 1;
    if (last < 0 || this.#detached) return;
    const dest = this.dest;
    if (last > 0) dest.cork();
    for (let i = 0; i < last; i++) {
      const chunk = chunks[i] as Buffer;
      this.#queued += chunk.length;
      dest.write(chunk);
    }
    const chunk = chunks[last] as Buffer;
    this.#queued += chunk.length;
    (this.#batchEnds ??= []).push(this.#queued);
    dest.write(chunk, this.#onBatchWritten);
    if (last > 0) dest.uncork();
  }

  /** A quiet connection lets go of the batch list's storage once every batch was written. */
  compact(): void {
    if (this.#batchEnds?.length === 0) this.#batchEnds = null;
    if (this.#releases?.length === 0) this.#releases = null;
  }

  /** Calls `callback` once every octet before offset `at` has been written (or the writer let go). */
  releaseAt(at: number, callback: () => void): void {
    if (at <= this.#written || this.#detached) callback();
    else (this.#releases ??= []).push({ at, callback });
  }

  /** Ends the transport after what was written, if `pipe()` asked for it. */
  end(): void {
    if (!this.#detached && this.endWithOutput) this.dest.end();
  }

  /** Stops using the transport; every waiting write callback runs. */
  detach(): void {
    if (this.#detached) return;
    this.#detached = true;
    this.dest.removeListener('error', this.#onError);
    this.dest.removeListener('close', this.#onGone);
    this.dest.removeListener('finish', this.#onGone);
    const releases = this.#releases;
    this.#releases = null;
    for (const r of releases ?? []) r.callback();
  }

  /** Batches complete in order (a Writable runs its writes in order), so the oldest end is this one. */
  readonly #onBatchWritten = (): void => {
    this.#written = this.#batchEnds?.shift() ?? this.#queued;
    const releases = this.#releases;
    if (releases !== null && releases.length > 0) {
      let n = 0;
      while (n < releases.length && (releases[n] as Release).at <= this.#written) n++;
      const due = releases.splice(0, n);
      for (const r of due) r.callback();
    }
    if (!this.#detached) this.owner.writerDrained();
  };

  readonly #onGone = (): void => {
    this.detach();
    this.owner.writerLeft(this);
  };

  /** As `pipe()` does: let go, and rethrow when nobody else handles the transport's error. */
  readonly #onError = (error: Error): void => {
    this.#onGone();
    if (this.dest.listenerCount('error') === 0) this.dest.emit('error', error);
  };
}
