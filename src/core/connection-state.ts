/**
 * The connection-level state machine (h2 `connection.py` `H2ConnectionStateMachine`): which
 * actions are allowed in which state. The side (client/server) is decided by whichever of
 * SEND_HEADERS / RECV_HEADERS happens first. An input the table lacks closes the connection
 * and throws; from then on only GOAWAY may be sent or received.
 *
 * Graceful shutdown (our addition; h2 lacks it): a GOAWAY with NO_ERROR, sent or received,
 * moves the state to CLOSED as in h2, but the machine keeps *draining*: it goes on running the
 * table in the state the GOAWAY left (IDLE, CLIENT_OPEN or SERVER_OPEN), so streams that
 * already exist can finish and connection-level frames (SETTINGS, PING, WINDOW_UPDATE) are
 * still exchanged and answered, with or without streams (RFC 9113 §6.8). The connection
 * refuses new streams itself ({@link ConnectionStateMachine.refusesPeerStream} says which of
 * the peer's). Any protocol error, or a GOAWAY with an error code, ends draining: the connection
 * is then dead.
 */
import { ProtocolError } from '../errors.js';

/** h2 `ConnectionState`: where the connection state machine is. */
export enum ConnectionState {
  IDLE = 0,
  CLIENT_OPEN = 1,
  SERVER_OPEN = 2,
  CLOSED = 3,
}

export enum ConnectionInput {
  SEND_HEADERS = 0,
  SEND_PUSH_PROMISE = 1,
  SEND_DATA = 2,
  SEND_GOAWAY = 3,
  SEND_WINDOW_UPDATE = 4,
  SEND_PING = 5,
  SEND_SETTINGS = 6,
  SEND_RST_STREAM = 7,
  SEND_PRIORITY = 8,
  RECV_HEADERS = 9,
  RECV_PUSH_PROMISE = 10,
  RECV_DATA = 11,
  RECV_GOAWAY = 12,
  RECV_WINDOW_UPDATE = 13,
  RECV_PING = 14,
  RECV_SETTINGS = 15,
  RECV_RST_STREAM = 16,
  RECV_PRIORITY = 17,
  SEND_ALTERNATIVE_SERVICE = 18,
  RECV_ALTERNATIVE_SERVICE = 19,
  /** RFC 9218 §7.1 (not in h2). */
  SEND_PRIORITY_UPDATE = 20,
  RECV_PRIORITY_UPDATE = 21,
  /** RFC 8336 (not in h2): only a server sends ORIGIN; receiving one changes no state. */
  SEND_ORIGIN = 22,
}

const C = ConnectionState;
const I = ConnectionInput;

/** Inputs that keep an open connection in its state, per side. */
const OPEN_COMMON = [
  I.SEND_HEADERS, I.SEND_DATA, I.SEND_WINDOW_UPDATE, I.SEND_PING, I.SEND_SETTINGS, I.SEND_PRIORITY, I.SEND_RST_STREAM,
  I.RECV_HEADERS, I.RECV_DATA, I.RECV_WINDOW_UPDATE, I.RECV_PING, I.RECV_SETTINGS, I.RECV_RST_STREAM, I.RECV_PRIORITY,
  I.SEND_PRIORITY_UPDATE, I.RECV_PRIORITY_UPDATE,
];

const ROWS: Array<readonly [ConnectionState, ConnectionInput, ConnectionState]> = [
  // ---- idle ----
  ...[
    I.SEND_SETTINGS, I.RECV_SETTINGS, I.SEND_WINDOW_UPDATE, I.RECV_WINDOW_UPDATE, I.SEND_PING, I.RECV_PING, I.SEND_PRIORITY, I.RECV_PRIORITY,
    // RFC 9218 §7.1: a client may prioritize a stream before opening it.
    I.SEND_PRIORITY_UPDATE, I.RECV_PRIORITY_UPDATE,
  ].map((i) => [C.IDLE, i, C.IDLE] as const),
  [C.IDLE, I.SEND_HEADERS, C.CLIENT_OPEN],
  [C.IDLE, I.RECV_HEADERS, C.SERVER_OPEN],
  [C.IDLE, I.SEND_ALTERNATIVE_SERVICE, C.SERVER_OPEN],
  [C.IDLE, I.SEND_ORIGIN, C.SERVER_OPEN],
  [C.IDLE, I.RECV_ALTERNATIVE_SERVICE, C.CLIENT_OPEN],
  [C.IDLE, I.SEND_GOAWAY, C.CLOSED],
  [C.IDLE, I.RECV_GOAWAY, C.CLOSED],
  // ---- client open ----
  ...[...OPEN_COMMON, I.RECV_PUSH_PROMISE, I.RECV_ALTERNATIVE_SERVICE].map((i) => [C.CLIENT_OPEN, i, C.CLIENT_OPEN] as const),
  [C.CLIENT_OPEN, I.SEND_GOAWAY, C.CLOSED],
  [C.CLIENT_OPEN, I.RECV_GOAWAY, C.CLOSED],
  // ---- server open ----
  ...[...OPEN_COMMON, I.SEND_PUSH_PROMISE, I.SEND_ALTERNATIVE_SERVICE, I.RECV_ALTERNATIVE_SERVICE, I.SEND_ORIGIN].map((i) => [C.SERVER_OPEN, i, C.SERVER_OPEN] as const),
  [C.SERVER_OPEN, I.SEND_GOAWAY, C.CLOSED],
  [C.SERVER_OPEN, I.RECV_GOAWAY, C.CLOSED],
  // ---- closed ----
  [C.CLOSED, I.SEND_GOAWAY, C.CLOSED],
  [C.CLOSED, I.RECV_GOAWAY, C.CLOSED],
];

const INPUT_COUNT = 23;
const TRANSITIONS = new Map<number, ConnectionState>(ROWS.map(([s, i, n]) => [s * INPUT_COUNT + i, n]));

/**
 * h2's message (`Invalid input ConnectionInputs.SEND_DATA in state ConnectionState.IDLE`) and,
 * for our own actions, what was wrong. `drainingIn`: the state the table ran in while draining.
 */
function invalidInputMessage(input: ConnectionInput, state: ConnectionState, drainingIn: ConnectionState | null): string {
  let message = `Invalid input ConnectionInputs.${ConnectionInput[input]} in state ConnectionState.${ConnectionState[state]}`;
  if (drainingIn !== null) message += ` (draining after a graceful GOAWAY, as ConnectionState.${ConnectionState[drainingIn]})`;
  const hint = isSendInput(input) ? sendHint(input, drainingIn ?? state) : null;
  return hint === null ? message : `${message}: ${hint}`;
}

/** An action of ours (not a frame received). */
function isSendInput(input: ConnectionInput): boolean {
  return input <= ConnectionInput.SEND_PRIORITY || input === ConnectionInput.SEND_ALTERNATIVE_SERVICE || input === ConnectionInput.SEND_PRIORITY_UPDATE || input === ConnectionInput.SEND_ORIGIN;
}

/** Why a state refuses something we tried to send. */
function sendHint(input: ConnectionInput, state: ConnectionState): string | null {
  if (state === ConnectionState.CLOSED) return 'the connection is closed (a GOAWAY with an error code, a connection error, or an earlier invalid action)';
  if (input === ConnectionInput.SEND_PUSH_PROMISE || input === ConnectionInput.SEND_ALTERNATIVE_SERVICE || input === ConnectionInput.SEND_ORIGIN) {
    return state === ConnectionState.CLIENT_OPEN ? 'only a server sends it' : 'no stream is open yet';
  }
  return state === ConnectionState.IDLE ? 'no stream is open yet' : null;
}

export class ConnectionStateMachine {
  state = ConnectionState.IDLE;
  /**
   * While draining, the state the table still runs in (the one a graceful GOAWAY left, moved
   * on by later inputs, e.g. IDLE to SERVER_OPEN when a stream below the last-stream-id
   * opens); `state` meanwhile reports CLOSED. Null when not draining.
   */
  #drainingIn: ConnectionState | null = null;
  /** The lowest last-stream-id of the GOAWAYs we sent; null before the first. */
  #lastStreamIdSent: number | null = null;

  /**
   * True from a graceful GOAWAY (NO_ERROR, either way) until a connection error or a GOAWAY
   * with an error code, whether or not streams are open. False on a dead connection.
   */
  get draining(): boolean {
    return this.#drainingIn !== null;
  }

  /** @throws ProtocolError for an input not allowed now; the connection is then CLOSED (and no longer draining). */
  processInput(input: ConnectionInput): void {
    if (this.#drainingIn !== null && input !== ConnectionInput.SEND_GOAWAY && input !== ConnectionInput.RECV_GOAWAY) {
      const shadow = TRANSITIONS.get(this.#drainingIn * INPUT_COUNT + input);
      if (shadow !== undefined) {
        this.#drainingIn = shadow;
        return;
      }
      const drainingIn = this.#drainingIn;
      this.#drainingIn = null;
      throw new ProtocolError(invalidInputMessage(input, ConnectionState.CLOSED, drainingIn));
    }
    const next = TRANSITIONS.get(this.state * INPUT_COUNT + input);
    if (next === undefined) {
      const from = this.state;
      this.state = ConnectionState.CLOSED;
      throw new ProtocolError(invalidInputMessage(input, from, null));
    }
    this.state = next;
  }

  /**
   * A GOAWAY sent or received. `graceful` (NO_ERROR) keeps the inputs of the state it leaves
   * allowed (IDLE included: a connection without streams still answers PING and SETTINGS);
   * otherwise, or on a connection already dead, the connection is done.
   */
  goAway(input: ConnectionInput.SEND_GOAWAY | ConnectionInput.RECV_GOAWAY, graceful: boolean): void {
    const from = this.#drainingIn ?? (this.state === ConnectionState.CLOSED ? null : this.state);
    this.processInput(input);
    this.#drainingIn = graceful ? from : null;
  }

  /** We sent a GOAWAY (after {@link goAway} accepted it) with `lastStreamId`. */
  goAwaySent(lastStreamId: number): void {
    this.#lastStreamIdSent = Math.min(this.#lastStreamIdSent ?? lastStreamId, lastStreamId);
  }

  /**
   * While draining after a GOAWAY we sent, a new stream of the peer's above its last-stream-id
   * is refused (RFC 9113 §6.8: it will not be processed).
   */
  refusesPeerStream(streamId: number): boolean {
    return this.#drainingIn !== null && this.#lastStreamIdSent !== null && streamId > this.#lastStreamIdSent;
  }

  /** A connection error: nothing but GOAWAY from now on. */
  fail(): void {
    this.#drainingIn = null;
    this.state = ConnectionState.CLOSED;
  }
}
