/**
 * The connection-level state machine (h2 `connection.py` `H2ConnectionStateMachine`): which
 * actions are allowed in which state. The side (client/server) is decided by whichever of
 * SEND_HEADERS / RECV_HEADERS happens first. An input the table lacks closes the connection
 * and throws; from then on only GOAWAY may be sent or received.
 *
 * Graceful shutdown (our addition; h2 lacks it): a GOAWAY with NO_ERROR moves the state to
 * CLOSED as in h2, but the machine keeps *draining*: the inputs the open state allowed stay
 * allowed, so streams that already exist can finish (RFC 9113 §6.8). The connection refuses
 * new streams itself. Any protocol error, or a GOAWAY with an error code, ends draining.
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
}

const C = ConnectionState;
const I = ConnectionInput;

/** Inputs that keep an open connection in its state, per side. */
const OPEN_COMMON = [
  I.SEND_HEADERS, I.SEND_DATA, I.SEND_WINDOW_UPDATE, I.SEND_PING, I.SEND_SETTINGS, I.SEND_PRIORITY, I.SEND_RST_STREAM,
  I.RECV_HEADERS, I.RECV_DATA, I.RECV_WINDOW_UPDATE, I.RECV_PING, I.RECV_SETTINGS, I.RECV_RST_STREAM, I.RECV_PRIORITY,
];

const ROWS: Array<readonly [ConnectionState, ConnectionInput, ConnectionState]> = [
  // ---- idle ----
  ...[I.SEND_SETTINGS, I.RECV_SETTINGS, I.SEND_WINDOW_UPDATE, I.RECV_WINDOW_UPDATE, I.SEND_PING, I.RECV_PING, I.SEND_PRIORITY, I.RECV_PRIORITY].map(
    (i) => [C.IDLE, i, C.IDLE] as const,
  ),
  [C.IDLE, I.SEND_HEADERS, C.CLIENT_OPEN],
  [C.IDLE, I.RECV_HEADERS, C.SERVER_OPEN],
  [C.IDLE, I.SEND_ALTERNATIVE_SERVICE, C.SERVER_OPEN],
  [C.IDLE, I.RECV_ALTERNATIVE_SERVICE, C.CLIENT_OPEN],
  [C.IDLE, I.SEND_GOAWAY, C.CLOSED],
  [C.IDLE, I.RECV_GOAWAY, C.CLOSED],
  // ---- client open ----
  ...[...OPEN_COMMON, I.RECV_PUSH_PROMISE, I.RECV_ALTERNATIVE_SERVICE].map((i) => [C.CLIENT_OPEN, i, C.CLIENT_OPEN] as const),
  [C.CLIENT_OPEN, I.SEND_GOAWAY, C.CLOSED],
  [C.CLIENT_OPEN, I.RECV_GOAWAY, C.CLOSED],
  // ---- server open ----
  ...[...OPEN_COMMON, I.SEND_PUSH_PROMISE, I.SEND_ALTERNATIVE_SERVICE, I.RECV_ALTERNATIVE_SERVICE].map((i) => [C.SERVER_OPEN, i, C.SERVER_OPEN] as const),
  [C.SERVER_OPEN, I.SEND_GOAWAY, C.CLOSED],
  [C.SERVER_OPEN, I.RECV_GOAWAY, C.CLOSED],
  // ---- closed ----
  [C.CLOSED, I.SEND_GOAWAY, C.CLOSED],
  [C.CLOSED, I.RECV_GOAWAY, C.CLOSED],
];

const INPUT_COUNT = 20;
const TRANSITIONS = new Map<number, ConnectionState>(ROWS.map(([s, i, n]) => [s * INPUT_COUNT + i, n]));

export class ConnectionStateMachine {
  state = ConnectionState.IDLE;
  /** The open state a graceful GOAWAY left, whose inputs stay allowed; null when not draining. */
  #drainingFrom: ConnectionState | null = null;

  /** True between a graceful GOAWAY (either way) and the end of the connection. */
  get draining(): boolean {
    return this.#drainingFrom !== null;
  }

  /** @throws ProtocolError for an input not allowed now; the connection is then CLOSED. */
  processInput(input: ConnectionInput): void {
    if (this.#drainingFrom !== null && input !== ConnectionInput.SEND_GOAWAY && input !== ConnectionInput.RECV_GOAWAY) {
      if (TRANSITIONS.get(this.#drainingFrom * INPUT_COUNT + input) !== undefined) return;
      this.#drainingFrom = null;
      throw new ProtocolError(`Invalid input ConnectionInputs.${ConnectionInput[input]} in state ConnectionState.CLOSED`);
    }
    const next = TRANSITIONS.get(this.state * INPUT_COUNT + input);
    if (next === undefined) {
      const from = this.state;
      this.state = ConnectionState.CLOSED;
      throw new ProtocolError(`Invalid input ConnectionInputs.${ConnectionInput[input]} in state ConnectionState.${ConnectionState[from]}`);
    }
    this.state = next;
  }

  /**
   * A GOAWAY sent or received. `graceful` (NO_ERROR) keeps the current open state's inputs
   * allowed while existing streams finish; otherwise (or from IDLE) the connection is done.
   */
  goAway(input: ConnectionInput.SEND_GOAWAY | ConnectionInput.RECV_GOAWAY, graceful: boolean): void {
    const open = this.#drainingFrom ?? (this.state === ConnectionState.CLIENT_OPEN || this.state === ConnectionState.SERVER_OPEN ? this.state : null);
    this.processInput(input);
    this.#drainingFrom = graceful ? open : null;
  }

  /** A connection error: nothing but GOAWAY from now on. */
  fail(): void {
    this.#drainingFrom = null;
    this.state = ConnectionState.CLOSED;
  }
}
