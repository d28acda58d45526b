/**
 * ConnectionEnd: how one connection ends, and whether it can still take work.
 *
 * - **Graceful** (`close()`, `idleTimeout`, `maxStreamsPerConnection`, the peer's
 *   GOAWAY(NO_ERROR)): new streams are refused, open ones finish. On our own close a PING
 *   follows the GOAWAY (the fence), and the output ends once the last stream is done and the
 *   fence's ACK is back, so every frame that crossed our GOAWAY was answered (RFC 9113 §6.8).
 *   The peer then has goawayCloseTimeout to close its side.
 * - **Error** (a connection error, a spent budget, a GOAWAY with an error code either way):
 *   every stream fails, the GOAWAY goes out, the output ends, and input is read and discarded
 *   (a lingering close: closing while the peer still sends makes its kernel answer with RST,
 *   which can discard the GOAWAY) until the peer closes or goawayCloseTimeout passes. After a
 *   GOAWAY for a spent DoS budget input is not read at all ({@link ConnectionEnd.inputHeld}),
 *   and the linger is DOS_LINGER_MS at most.
 * - **Dead**: destroyed, failed or its transport ended: every later call fails at once
 *   ({@link ConnectionEnd.unavailable}).
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes, errorCodeName } from '../error-codes.js';
import { ConnectionClosedError, DenialOfServiceError, type H2Error, toH2Error, UsageCodes, UsageError } from '../errors.js';
import { type CloseConnectionOptions, ConnectionState, type ConnectionTerminated, type H2Connection } from '../core/index.js';
import type { Deadlines, Expiry } from './deadlines.js';

/** What ending a connection needs from its H2Duplex. */
export interface EndHost {
  readonly connection: H2Connection;
  readonly deadlines: Deadlines;
  /** The duplex is destroyed. */
  readonly destroyed: boolean;
  /** The output has ended (or the duplex is destroyed). */
  readonly outputEnded: boolean;
  /** Octets of output the transport has not taken yet. */
  readonly outputPending: number;
  /** Streams still routed (open, or finishing). */
  readonly openStreams: number;
  /** Hands what the core queued to the transport now (the GOAWAY goes out before we tear down). */
  flush(): void;
  /** Ends the output. */
  endOutput(): void;
  /** Fails every stream, queued request and waiter with the error `make` gives (made only if one is there). */
  failAll(make: () => ConnectionClosedError): void;
  /** Destroys the duplex; `error` reaches 'error' listeners only (a peer must not crash us). */
  destroyQuietly(error?: Error): void;
}

/**
 * Input a lingering close reads and discards before it gives up and destroys the connection:
 * the default connection window (what flow control lets a peer have in flight when our GOAWAY
 * leaves). A peer still sending past it is not listening; reading on at full speed for
 * goawayCloseTimeout only turned its bytes into garbage (a PING flood had 30-50 MB read and
 * thrown away in that second, and the server's RSS grew by 20-30 MB).
 */
const MAX_LINGER_INPUT = 1024 * 1024;

/**
 * After a GOAWAY for a spent DoS budget, a peer whose output from us is still not taken by the
 * transport this long after (it does not read: a flood whose answers pile up) is closed then,
 * as node:http2 and nghttpd close such a peer at once; waiting goawayCloseTimeout's second
 * only held the socket, the session and their buffers. A peer that reads keeps the whole
 * linger (closing while it still sends would make our kernel answer with RST, and a peer far
 * away could lose the GOAWAY that says which requests were processed).
 */
const DOS_LINGER_MS = 100;

/** The error of a new stream refused because the connection is going away. */
function goawayError(what: string, cause: string): UsageError {
  return new UsageError(`${what} after ${cause}: the connection finishes its open streams but takes no new ones; open a new connection for more`, UsageCodes.GOAWAY);
}

export class ConnectionEnd {
  readonly #host: EndHost;
  #closing: Promise<void> | null = null;
  #resolveClosed: (() => void) | null = null;
  /** Why the connection can do nothing more (set once it is destroyed, failed or lost its transport). */
  #deadReason: string | null = null;
  /** The payload (hex) of the PING that follows our graceful GOAWAY, until its ACK. */
  #fence: string | null = null;
  /** Who started a graceful close, once one did: no new streams. */
  #gracefulBy: string | null = null;
  /** An error close: later input is discarded unparsed. */
  #inputClosed = false;
  /** Our connection error, while its GOAWAY lingers. */
  #lingerError: H2Error | null = null;
  /** Octets discarded since the input closed (see MAX_LINGER_INPUT). */
  #discarded = 0;
  /** Our GOAWAY answered a spent DoS budget: the transport is not read again (see inputHeld). */
  #inputHeld = false;

  constructor(host: EndHost) {
    this.#host = host;
  }

  /** The connection ended with an error either way: input is discarded unparsed. */
  get inputClosed(): boolean {
    return this.#inputClosed;
  }

  /**
   * After our GOAWAY for a spent DoS budget (DenialOfServiceError), input is neither parsed nor
   * read: the duplex holds the transport's next write, so the peer's flood stops in its own
   * send buffer for the rest of the linger, as nghttpd and node:http2 stop reading a flooding
   * peer. Read and discarded instead (up to MAX_LINGER_INPUT), a flood of cheap frames was
   * another 1 MiB of garbage per attacking connection, and an attacker that never reads kept
   * a core busy producing it for the whole second (fresh requests from other clients waited
   * for the CPU). The GOAWAY still goes out; the peer reads it when it reads.
   */
  get inputHeld(): boolean {
    return this.#inputHeld;
  }

  /**
   * Input arrived after an error close (inputClosed) and was dropped unparsed. Past
   * MAX_LINGER_INPUT the lingering close ends: the duplex is destroyed now.
   */
  discarded(octets: number): void {
    this.#discarded += octets;
    if (this.#discarded > MAX_LINGER_INPUT && !this.#host.destroyed) this.#host.destroyQuietly(this.#lingerError ?? undefined);
  }

  /** close() was called (or a limit called it). */
  get closeStarted(): boolean {
    return this.#closing !== null;
  }

  /**
   * GOAWAY. With NO_ERROR the close is graceful (see the module comment); with another code
   * every open stream fails at once. Resolves when the output has ended.
   */
  close(errorCode: number, goaway: CloseConnectionOptions = {}): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    this.#closing = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    const host = this.#host;
    if (host.outputEnded || host.destroyed) {
      this.#resolveClosed?.();
      return this.#closing;
    }
    if (errorCode !== (ErrorCodes.NO_ERROR as number)) {
      this.abort(errorCode, `close(${errorCodeName(errorCode)}) sent GOAWAY`, goaway.additionalData === undefined ? undefined : Buffer.from(goaway.additionalData).toString('latin1'));
      return this.#closing;
    }
    this.#gracefulBy ??= 'close()';
    try {
      host.connection.closeConnection(errorCode, goaway);
      this.#sendFence();
    } catch {
      // The connection already failed: its GOAWAY is out.
    }
    return this.#closing;
  }

  /** A limit is about to close gracefully: `reason` is what refused requests will say. */
  gracefulBecause(reason: string): void {
    this.#gracefulBy ??= reason;
  }

  /**
   * Why `what` cannot be done now, or null: the connection is gone (destroyed, failed, its
   * transport ended, an error GOAWAY either way), or, for a new stream, it is going away.
   */
  unavailable(what: string, newStream: boolean): H2Error | null {
    // A graceful GOAWAY explains a refused new stream better than the end that follows it.
    if (newStream && this.#gracefulBy !== null) return goawayError(what, this.#gracefulBy);
    if (this.#deadReason !== null || this.#host.destroyed) {
      return new ConnectionClosedError(`${what} on a closed connection (${this.#deadReason ?? 'destroyed'}): open a new connection`);
    }
    const connection = this.#host.connection;
    if (newStream && (connection.draining || connection.state === ConnectionState.CLOSED)) return goawayError(what, 'a GOAWAY');
    return null;
  }

  /**
   * After a graceful GOAWAY either way (the core is `draining` from then on, streams or not):
   * end once the last stream is done and the fence is answered, at once if neither waits.
   */
  maybeFinishDraining(): void {
    const host = this.#host;
    // #inputClosed: an error close, which ends the output and lingers by itself.
    if (host.outputEnded || this.#inputClosed || host.openStreams > 0 || this.#fence !== null) return;
    if (!host.connection.draining && host.connection.state !== ConnectionState.CLOSED) return;
    host.endOutput();
    this.#destroyLater();
  }

  /** The ACK of PING `key` arrived: true when it was the fence's (the caller's flush may end the output). */
  fenceAcked(key: string): boolean {
    if (key !== this.#fence) return false;
    this.#fence = null;
    return true;
  }

  /** A time limit of the connection passed (Deadlines): what each one means for it. */
  limitPassed(expiry: Expiry): void {
    const host = this.#host;
    switch (expiry) {
      case 'preface':
        // Nothing HTTP/2 was said: close without GOAWAY.
        this.#deadReason ??= 'the client sent no preface in time (prefaceTimeout)';
        host.failAll(() => new ConnectionClosedError('The client sent no preface in time (prefaceTimeout)'));
        host.destroyQuietly();
        return;
      case 'settingsAck':
        // RFC 9113 §6.5.3.
        this.abort(ErrorCodes.SETTINGS_TIMEOUT, 'Our SETTINGS were not acknowledged in time (settingsAckTimeout)');
        return;
      case 'headerBlock':
        // An unfinished header block blocks every stream of the connection.
        this.abort(ErrorCodes.ENHANCE_YOUR_CALM, 'A header block was not finished in time (headerBlockTimeout)', 'header_timeout');
        return;
      case 'idle':
        this.#gracefulBy ??= 'idleTimeout closed the idle connection';
        void this.close(ErrorCodes.NO_ERROR);
    }
  }

  /** receiveData threw: our GOAWAY is queued; fail everything, end the output, linger. */
  connectionError(err: unknown): void {
    const error = toH2Error(err);
    const host = this.#host;
    this.#deadReason ??= `connection error: ${error.message}`;
    host.failAll(() => new ConnectionClosedError(`Connection error: ${error.message}`, error.errorCode, { cause: error }));
    // Set before the flush, so the flush does not take this for a graceful end.
    this.#inputClosed = true;
    this.#inputHeld = error instanceof DenialOfServiceError;
    this.#lingerError = error;
    host.flush();
    host.endOutput();
    this.#destroyLater(error);
  }

  /** GOAWAY with an error code and debug text, fail everything, end the output, destroy later. */
  abort(errorCode: number, message: string, debug?: string): void {
    const host = this.#host;
    this.#inputClosed = true;
    this.#deadReason ??= message;
    try {
      host.connection.closeConnection(errorCode, debug === undefined ? {} : { additionalData: Buffer.from(debug, 'latin1') });
    } catch {
      // Already closed: its GOAWAY is out.
    }
    host.failAll(() => new ConnectionClosedError(message, errorCode));
    host.flush();
    host.endOutput();
    this.#destroyLater();
  }

  /**
   * The peer sent GOAWAY. Graceful: the core reset our streams above its last-stream-id
   * (retryable); the rest finish, and the output ends after the last one. With an error code:
   * every stream fails and the output ends.
   */
  peerGoaway(ev: ConnectionTerminated): void {
    if (ev.errorCode === (ErrorCodes.NO_ERROR as number)) {
      this.#gracefulBy ??= "the peer's GOAWAY";
      return;
    }
    this.#inputClosed = true;
    this.#deadReason ??= `the peer sent GOAWAY with ${errorCodeName(ev.errorCode)}`;
    this.#host.failAll(() => new ConnectionClosedError(`The peer closed the connection with GOAWAY`, ev.errorCode));
    this.#host.endOutput();
  }

  /** The transport ended (EOF). After our connection error, the lingering close is over. */
  transportEnded(): void {
    this.#deadReason ??= 'its transport ended';
  }

  /** After transportEnded() and the output's end: a lingering connection is destroyed now. */
  afterTransportEnded(): void {
    const error = this.#lingerError;
    if (error !== null) queueMicrotask(() => { this.#host.destroyQuietly(error); });
  }

  /** The duplex is being destroyed. */
  destroying(error: Error | null): void {
    this.#deadReason ??= error === null ? 'destroyed' : `destroyed: ${error.message}`;
  }

  /** The output ended or the duplex was destroyed: close() resolves. */
  ended(): void {
    this.#resolveClosed?.();
  }

  /**
   * A PING right after our graceful GOAWAY: the peer sent everything that crossed the GOAWAY
   * (a PING, SETTINGS, WINDOW_UPDATE, a request to refuse) before it read the PING, so once
   * the ACK is back all of it has been answered. A peer that never answers holds the close for
   * goawayCloseTimeout at most (ackTimeout when that is off).
   */
  #sendFence(): void {
    const payload = randomBytes(8);
    try {
      this.#host.connection.ping(payload);
    } catch {
      return; // Too many of our PINGs in flight: end without the fence.
    }
    this.#fence = payload.toString('hex');
    const limits = this.#host.deadlines.limits;
    this.#host.deadlines.after(limits.goawayClose ?? limits.ack, () => {
      if (this.#fence === null) return;
      this.#fence = null;
      this.maybeFinishDraining();
    });
  }

  /**
   * The peer has goawayCloseTimeout to close its side; then the duplex is destroyed. With the
   * input held (a DoS GOAWAY) the peer's close is never read, so the linger ends even with
   * goawayCloseTimeout off (after ackTimeout), and after DOS_LINGER_MS when the peer is not
   * reading our output either (see there).
   */
  #destroyLater(error?: Error): void {
    const host = this.#host;
    const limits = host.deadlines.limits;
    const destroy = (): void => {
      if (!host.destroyed) host.destroyQuietly(error);
    };
    if (!this.#inputHeld) {
      if (limits.goawayClose !== null) host.deadlines.after(limits.goawayClose, destroy);
      return;
    }
    const full = Math.max(limits.goawayClose ?? limits.ack, DOS_LINGER_MS);
    host.deadlines.after(DOS_LINGER_MS, () => {
      if (host.outputPending > 0) destroy();
      else host.deadlines.after(full - DOS_LINGER_MS, destroy);
    });
  }
}
