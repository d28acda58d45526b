/**
 * InputPump: the transport's octets into the core, as H2Duplex's `_write` receives them, in
 * bounded amounts of work.
 *
 * - A chunk is fed to the core at most FRAMES_PER_CALL frames a call; each call's events are
 *   dispatched and the duplex decides how soon to flush (`inputHandled`) before the next call.
 *   Between calls the TransportLink paces the input: on at once, a turn of the event loop
 *   later once INPUT_TURN_MS of input work has run, or once the output drains when it is over
 *   its high-water mark. The chunk's `_write` callback runs once the core has taken all of
 *   it, so the transport is read no faster than its input is handled.
 * - `maxSessionMemory` is checked before each call, so new streams over it are refused in the
 *   core (and counted there).
 * - After an error close, input is dropped unparsed (ConnectionEnd's lingering close), or,
 *   after a GOAWAY for a spent DoS budget, not taken at all.
 */
import type { Event, H2Connection } from '../core/index.js';
import type { ConnectionEnd } from './connection-end.js';
import type { Deadlines } from './deadlines.js';
import type { TransportLink } from './transport-link.js';

/**
 * Frames the core handles per `receiveData` call; between calls the input may wait a turn
 * (TransportLink's INPUT_TURN_MS). A read of 64 KiB holds ~4500 minimal frames; 64 malformed
 * requests (reset-flood) took 1.5-5 ms of CPU while their code was cold, ~1000 of them 35-50 ms.
 */
const FRAMES_PER_CALL = 64;
const NO_INPUT = Buffer.alloc(0);

/** What the pump needs from its H2Duplex. */
export interface InputHost {
  readonly connection: H2Connection;
  readonly destroyed: boolean;
  readonly end: ConnectionEnd;
  readonly deadlines: Deadlines;
  readonly link: TransportLink;
  /** The connection holds more than `maxSessionMemory`: new streams are to be refused. */
  overSessionMemory(): boolean;
  /** Delivers one call's events (to the streams, the connection's control, the duplex's listeners). */
  dispatch(events: Event[]): void;
  /** One call's events were dispatched: flush now, after the handlers, or on the coalescing tick. */
  inputHandled(): void;
}

type WriteCallback = (error?: Error | null) => void;

export class InputPump {
  readonly #host: InputHost;
  readonly #limitsMemory: boolean;

  /** @param limitsMemory `maxSessionMemory` is finite (else it is never checked). */
  constructor(host: InputHost, limitsMemory: boolean) {
    this.#host = host;
    this.#limitsMemory = limitsMemory;
  }

  /** A chunk from the transport (H2Duplex's `_write`); `callback` runs once the core took all of it. */
  write(chunk: Buffer, callback: WriteCallback): void {
    const host = this.#host;
    if (host.end.inputClosed) {
      // After a DoS GOAWAY the callback is never called: the transport is not read again
      // (ConnectionEnd.inputHeld); the linger's end destroys the duplex.
      if (host.end.inputHeld) return;
      callback();
      host.end.discarded(chunk.length);
      return;
    }
    host.link.received(chunk);
    this.#receive(chunk, callback);
  }

  /** Feeds `data` to the core a call at a time, until it has all of it or the link says wait (see the file header). */
  #receive(data: Buffer, callback: WriteCallback): void {
    const host = this.#host;
    const connection = host.connection;
    for (;;) {
      const started = performance.now();
      host.deadlines.inputArrived(Date.now());
      // maxSessionMemory: decided before the core sees the input, so refused streams are counted there.
      if (this.#limitsMemory) connection.refuseNewStreams = host.overSessionMemory();
      let events: Event[];
      try {
        events = connection.receiveData(data, FRAMES_PER_CALL);
      } catch (err) {
        host.end.connectionError(err);
        callback();
        return;
      }
      host.dispatch(events);
      host.inputHandled();
      if (!connection.inputPending) {
        host.link.inputDone(callback, started);
        return;
      }
      // The rest of the read waits in the core: a read of small costly frames (malformed
      // requests, a reset flood) ran as one task of 35-60 ms before.
      data = NO_INPUT;
      const resume = (): void => {
        if (host.destroyed || host.end.inputClosed) callback();
        else this.#receive(NO_INPUT, callback);
      };
      if (host.destroyed || !host.link.continueInput(resume, started)) return;
    }
  }
}
