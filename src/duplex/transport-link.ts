/**
 * TransportLink: an H2Duplex's transports, and the bytes that cross between them and the
 * duplex's buffers (the byte pump's transport side; what the bytes mean is H2Duplex's).
 *
 * Output goes one of two ways. Piped to a Writable (`h2.pipe(socket)`), the duplex writes to
 * it directly (TransportWriter): one corked batch per flush, and, when it is a net.Socket,
 * DATA payloads are sent from the application's own Buffers without a copy, their write
 * callbacks held until the socket wrote them. Otherwise (read with 'data', read(), async
 * iteration) output is pushed to the readable side and payloads are copied, since nothing
 * tells us when a reader is done with them.
 *
 * Backpressure, both directions, around one output buffer (what the readable side holds plus
 * what the transport has not written yet):
 * - Output: stream writes are handed to the core only while the output buffer holds less
 *   than the high-water mark (the send scheduler asks {@link TransportLink.buffered}), so a
 *   slow transport stops the writers.
 * - Input: while the output buffer is over its high-water mark, the callback of `_write` is
 *   held until it drains (`_read`, or a transport write completing): a peer that keeps sending
 *   (PINGs, requests) while not reading our answers is stopped by the transport's own
 *   backpressure. After INPUT_TURN_MS of input work, the callback waits a turn.
 *
 * It also keeps what node's session reads of the transport piped in (`session.socket`, its
 * address, TLS, ALPN, ref/unref), the octets each way, the frame trace, and node's session
 * `setTimeout` (bytes either way are the activity it watches).
 */
import net from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Duplex } from 'readable-stream';
import { ActivityTimer } from './node-session.js';
import type { FrameTrace } from './trace.js';
import { isTransportTarget, TransportWriter, type WriterOwner } from './transport-writer.js';

/**
 * Milliseconds of input work (parsing, decoding, the listeners it runs) after which the next
 * input chunk waits for a turn of the event loop. libuv reads up to 32 chunks of 64 KiB from a
 * socket in one go, and a `_write` that calls back at once is handed the next buffered chunk
 * in the same turn: a peer sending costly frames (128 KiB header blocks) held every other
 * connection, timer and new connection for 10-15 ms per turn (a fresh GET waited 120 ms).
 */
const INPUT_TURN_MS = 1;

/**
 * Turns of the event loop that had input, counted by one setImmediate per turn shared by every
 * connection (it runs after the turn's I/O callbacks): input work is summed per turn, so a
 * connection whose reads each cost little never waits a turn it does not need. (Summed across
 * turns, such a connection also waited a turn after every millisecond of work in all.)
 */
let inputTurn = 0;
let turnCounted = false;
/** setImmediate as the module found it: a fake-timer library installed later (tests) must not swallow the count and leave it stuck. */
const countAfterTurn = setImmediate;
function countTurn(): void {
  inputTurn++;
  turnCounted = false;
}

/** The transport piped into a duplex, with the members node's session reads when it has them. */
type Source = Duplex | NodeJS.ReadWriteStream;

/** TCP_NODELAY on a TCP socket (`net.Socket`, TLS included); anything else is left alone. */
function setNoDelay(stream: unknown): void {
  if (stream instanceof net.Socket) stream.setNoDelay(true);
}

export class TransportLink implements WriterOwner {
  /** The H2Duplex whose readable side is the output when no transport is written directly. */
  readonly #duplex: Duplex;
  readonly #noDelay: boolean;
  /** The send scheduler, whose writes waiting for output room may go on when it drains. */
  readonly #writers: { outputDrained(): void };
  readonly #trace: FrameTrace | null;
  /** node's session `setTimeout`: 'timeout' after its milliseconds with no bytes either way; made by the first setTimeout() (an idle connection carries nothing it does not use). */
  #timeout: ActivityTimer | null = null;
  #source: Source | null = null;
  #remoteAddress: string | undefined;
  #remotePort: number | undefined;
  /** The pipe destination written to directly, if any (see attach()). */
  #writer: TransportWriter | null = null;
  /** The `_write` callback held while the output is over its high-water mark. */
  #heldInput: (() => void) | null = null;
  /** Milliseconds spent on input in this turn of the event loop (see INPUT_TURN_MS), and that turn. */
  #inputWork = 0;
  #inputWorkTurn = -1;
  #ended = false;
  #bytesReceived = 0;
  #bytesSent = 0;

  constructor(duplex: Duplex, options: { noDelay: boolean; trace: FrameTrace | null; writers: { outputDrained(): void } }) {
    this.#duplex = duplex;
    this.#noDelay = options.noDelay;
    this.#trace = options.trace;
    this.#writers = options.writers;
  }

  /** node's session `setTimeout(ms)`: 'timeout' after `ms` without bytes either way (0 disables). */
  setTimeout(ms: number): void {
    const duplex = this.#duplex;
    (this.#timeout ??= new ActivityTimer(() => duplex.emit('timeout'))).set(ms);
  }

  // ---------------------------------------------------------------- in

  /** The duplex was piped into: the source is usually the socket, whose address streams report. */
  piped(source: Source & { remoteAddress?: unknown; remotePort?: unknown }): void {
    this.#source ??= source;
    if (typeof source.remoteAddress === 'string') this.#remoteAddress = source.remoteAddress;
    if (typeof source.remotePort === 'number') this.#remotePort = source.remotePort;
    if (this.#noDelay) setNoDelay(source);
  }

  /** The transport piped in, or null (node's `session.socket`). */
  get source(): Source | null {
    return this.#source;
  }

  /** The source's remote address, when it is a net.Socket. */
  get remoteAddress(): string | undefined {
    return this.#remoteAddress;
  }

  /** The source's remote port, when it is a net.Socket. */
  get remotePort(): number | undefined {
    return this.#remotePort;
  }

  /**
   * The source is a TLS socket; undefined before one is piped in. Asked of the socket's class,
   * not of an `encrypted` property: the source may be another H2Duplex (createPair), whose own
   * `encrypted` asks its source, which is this one.
   */
  get encrypted(): boolean | undefined {
    return this.#source === null ? undefined : this.#source instanceof TLSSocket;
  }

  /** The ALPN protocol the TLS source agreed, 'h2c' over cleartext; undefined before a source. */
  get alpnProtocol(): string | undefined {
    if (this.#source === null) return undefined;
    const alpn = this.#source instanceof TLSSocket ? this.#source.alpnProtocol : undefined;
    return typeof alpn === 'string' ? alpn : 'h2c';
  }

  /** The source is still connecting. */
  get connecting(): boolean {
    return (this.#source as { connecting?: unknown } | null)?.connecting === true;
  }

  /** Keeps the process alive for the source (a socket's `ref()`), where it has one. */
  ref(): void {
    (this.#source as { ref?: () => void } | null)?.ref?.();
  }

  /** Lets the process exit while the source is open (a socket's `unref()`), where it has one. */
  unref(): void {
    (this.#source as { unref?: () => void } | null)?.unref?.();
  }

  /** Input arrived: counted, traced, and activity for the session timeout. */
  received(chunk: Buffer): void {
    this.#timeout?.touch();
    this.#bytesReceived += chunk.length;
    this.#trace?.received(chunk);
  }

  /**
   * The input chunk that `_write` started at `started` (performance.now()) is handled: its
   * callback runs now, a turn later once input work reached INPUT_TURN_MS (so other
   * connections are served in between; meanwhile the transport buffers up to the duplex's
   * writableHighWaterMark, 64 KiB, then stops reading), or once the output drains when it is over
   * its high-water mark (a peer that keeps sending while not reading our answers is stopped
   * by the transport's own backpressure).
   */
  inputDone(callback: () => void, started: number): void {
    if (this.#pace(callback, started)) callback();
  }

  /**
   * The core left part of an input chunk for later (its frames per call): true to go on now,
   * else `resume` runs a turn later or once the output drains, as {@link inputDone} decides.
   */
  continueInput(resume: () => void, started: number): boolean {
    return this.#pace(resume, started);
  }

  /** True when input work may go on now; else `next` is held until the output drains, or runs a turn later. */
  #pace(next: () => void, started: number): boolean {
    if (this.buffered >= this.#duplex.readableHighWaterMark) {
      this.#heldInput = next;
      return false;
    }
    if (this.#inputWorkTurn !== inputTurn) {
      this.#inputWorkTurn = inputTurn;
      this.#inputWork = 0;
    }
    if (!turnCounted) {
      turnCounted = true;
      countAfterTurn(countTurn);
    }
    if ((this.#inputWork += performance.now() - started) >= INPUT_TURN_MS) {
      this.#inputWork = 0;
      setImmediate(next);
      return false;
    }
    return true;
  }

  /** The held `_write` callback, if any, runs now (the output drained, or a reader asked for more). */
  releaseInput(): void {
    const held = this.#heldInput;
    if (held !== null) {
      this.#heldInput = null;
      held();
    }
  }

  // ---------------------------------------------------------------- out

  /**
   * `pipe(destination)`: write to it directly when it is a Writable and the readable side is
   * not being read already (true), or leave it to Readable's pipe (false). Output pushed
   * before the pipe goes first, as pipe() would have sent it.
   */
  attach(destination: NodeJS.WritableStream, endWithOutput: boolean): boolean {
    if (this.#noDelay) setNoDelay(destination);
    const duplex = this.#duplex;
    if (this.#writer !== null || duplex.readableFlowing !== null || this.#ended || !isTransportTarget(destination)) return false;
    // The duplex was piped a turn or more after it was made: what it pushed meanwhile.
    const earlier = duplex.readableLength > 0 ? (duplex.read() as Buffer | null) : null;
    const writer = new TransportWriter(destination, endWithOutput, this);
    this.#writer = writer;
    destination.emit('pipe', duplex);
    if (earlier !== null) writer.write([earlier]);
    // Flowing with nothing in it, so that the end of the output still emits 'end'.
    duplex.resume();
    return true;
  }

  /**
   * `unpipe(destination)`: stops writing to the transport written directly when it is
   * `destination` (or none is named). True when nothing is left for Readable's unpipe.
   */
  detach(destination: NodeJS.WritableStream | undefined): boolean {
    const writer = this.#writer;
    if (writer === null || (destination !== undefined && (destination as unknown) !== writer.dest)) return false;
    this.#leave(writer);
    writer.dest.emit('unpipe', this.#duplex);
    return destination !== undefined;
  }

  /** Octets of output not yet taken by the transport (or by a reader of the readable side). */
  get buffered(): number {
    return this.#writer === null ? this.#duplex.readableLength : this.#writer.buffered + this.#duplex.readableLength;
  }

  /** The transport copies what it writes before completing it (a socket): payloads may be lent to the core. */
  get lendsPayloads(): boolean {
    return this.#writer?.lendsPayloads === true;
  }

  /** Calls `callback` once the transport has written what it was given so far and `coreQueued` octets more. */
  afterSent(coreQueued: number, callback: () => void): void {
    const writer = this.#writer;
    if (writer === null) callback();
    else writer.releaseAt(writer.queued + coreQueued, callback);
  }

  /** One flush's output, as the core's slabs and lent payloads (joining them would copy every octet again). */
  write(chunks: readonly Buffer[]): void {
    if (chunks.length > 0) this.#timeout?.touch();
    for (const chunk of chunks) {
      this.#bytesSent += chunk.length;
      this.#trace?.sent(chunk);
    }
    const writer = this.#writer;
    if (writer !== null) writer.write(chunks);
    else for (const chunk of chunks) this.#duplex.push(chunk);
  }

  /** The output has ended (or the duplex is destroyed). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Ends the output: the readable side, and the transport written to (unless `pipe()` said `end: false`). */
  end(): void {
    this.#ended = true;
    this.#duplex.push(null);
    this.#writer?.end();
  }

  /** The duplex is destroyed: no more output, the session timeout stops, the transport is let go. */
  destroyed(): void {
    this.#ended = true;
    this.#timeout?.stop();
    if (this.#writer !== null) this.#leave(this.#writer);
  }

  /** A quiet connection lets go of the transport writer's empty lists. */
  compact(): void {
    this.#writer?.compact();
  }

  /** Octets read from the transport. */
  get bytesReceived(): number {
    return this.#bytesReceived;
  }

  /** Octets handed to the transport (or pushed to the readable side). */
  get bytesSent(): number {
    return this.#bytesSent;
  }

  /** The transport wrote a batch: held input and the writers waiting for room may go on (TransportWriter's owner). */
  writerDrained(): void {
    if (this.buffered < this.#duplex.readableHighWaterMark) this.releaseInput();
    this.#writers.outputDrained();
  }

  /** The writer let go of its transport (TransportWriter's owner). */
  writerLeft(writer: TransportWriter): void {
    this.#leave(writer);
  }

  #leave(writer: TransportWriter): void {
    writer.detach();
    if (this.#writer !== writer) return;
    this.#writer = null;
    // Output from now on waits in the readable side for whoever reads next.
    if (this.#duplex.listenerCount('data') === 0) this.#duplex.pause();
  }
}
