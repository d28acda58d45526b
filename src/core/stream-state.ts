/**
 * The RFC 9113 §5.1 stream state machine as a table (h2 `stream.py` `_transitions`).
 *
 *                              +--------+
 *                      send PP |        | recv PP
 *                     ,--------+  idle  +--------.
 *                    /         |        |         \
 *                   v          +--------+          v
 *            +----------+          |           +----------+
 *            |          |          | send H /  |          |
 *     ,------+ reserved |          | recv H    | reserved +------.
 *     |      | (local)  |          |           | (remote) |      |
 *     |      +---+------+          v           +------+---+      |
 *     |          |             +--------+             |          |
 *     |          |     recv ES |        | send ES     |          |
 *     |   send H |     ,-------+  open  +-------.     | recv H   |
 *     |          |    /        |        |        \    |          |
 *     |          v   v         +---+----+         v   v          |
 *     |      +----------+          |           +----------+      |
 *     |      |   half-  |          |           |   half-  |      |
 *     |      |  closed  |          | send R /  |  closed  |      |
 *     |      | (remote) |          | recv R    | (local)  |      |
 *     |      +----+-----+          |           +-----+----+      |
 *     |           |                |                 |           |
 *     |           | send ES /      |       recv ES / |           |
 *     |           |  send R /      v        send R / |           |
 *     |           |  recv R    +--------+   recv R   |           |
 *     | send R /  `----------->|        |<-----------'  send R / |
 *     | recv R                 | closed |               recv R   |
 *     `----------------------->|        |<-----------------------'
 *                              +--------+
 *
 * Each row: (state, input) -> next state + the action to run. Anything absent is a protocol
 * error that closes the stream. Actions check role rules and record what was sent/received;
 * they never build frames or events (stream.ts does, from the returned {@link Outcome}).
 *
 * Besides h2's inputs, two are the connection's own decisions, so that a stream's state changes
 * only here: SEND_RST_STREAM_ON_ERROR (the connection resets the stream for the peer's error,
 * or refuses it: RFC 9113 §5.4.2, §8.7) and RECV_GOAWAY_UNPROCESSED (a graceful GOAWAY whose
 * last-stream-id is below this stream of ours: the peer never processed it, RFC 9113 §6.8).
 * Both apply in every state; once the stream is closed they change nothing.
 */
import { ProtocolError, StreamClosedError } from '../errors.js';

/** h2 `StreamState` (RFC 9113 §5.1 stream states). */
export enum StreamState {
  IDLE = 0,
  RESERVED_REMOTE = 1,
  RESERVED_LOCAL = 2,
  OPEN = 3,
  HALF_CLOSED_REMOTE = 4,
  HALF_CLOSED_LOCAL = 5,
  CLOSED = 6,
}

export enum StreamInput {
  SEND_HEADERS = 0,
  SEND_PUSH_PROMISE = 1,
  SEND_RST_STREAM = 2,
  SEND_DATA = 3,
  SEND_WINDOW_UPDATE = 4,
  SEND_END_STREAM = 5,
  RECV_HEADERS = 6,
  RECV_PUSH_PROMISE = 7,
  RECV_RST_STREAM = 8,
  RECV_DATA = 9,
  RECV_WINDOW_UPDATE = 10,
  RECV_END_STREAM = 11,
  RECV_CONTINUATION = 12,
  SEND_INFORMATIONAL_HEADERS = 13,
  RECV_INFORMATIONAL_HEADERS = 14,
  SEND_ALTERNATIVE_SERVICE = 15,
  RECV_ALTERNATIVE_SERVICE = 16,
  UPGRADE_CLIENT = 17,
  UPGRADE_SERVER = 18,
  /**
   * The connection sends RST_STREAM by itself: a stream error of the peer's (RFC 9113 §5.4.2)
   * or a refused new stream (REFUSED_STREAM). Unlike SEND_RST_STREAM (the application's
   * `resetStream`), allowed on a stream that never opened, and nothing once it is closed (the
   * broken rule may have closed it already).
   */
  SEND_RST_STREAM_ON_ERROR = 19,
  /** A graceful GOAWAY's last-stream-id is below this stream of ours: closed as if the peer had reset it (RFC 9113 §6.8). */
  RECV_GOAWAY_UNPROCESSED = 20,
}

/** How a stream closed; decides how late frames are answered. h2: `StreamClosedBy`. */
export enum StreamClosedBy {
  SEND_END_STREAM = 0,
  RECV_END_STREAM = 1,
  SEND_RST_STREAM = 2,
  RECV_RST_STREAM = 3,
}

/** What a transition means, for stream.ts to build events from. */
export enum Outcome {
  NONE,
  REQUEST_SENT,
  REQUEST_RECEIVED,
  RESPONSE_SENT,
  RESPONSE_RECEIVED,
  TRAILERS_SENT,
  TRAILERS_RECEIVED,
  INFORMATIONAL_SENT,
  INFORMATIONAL_RECEIVED,
  DATA_RECEIVED,
  WINDOW_UPDATED,
  STREAM_ENDED,
  STREAM_RESET,
  PUSH_SENT,
  PUSH_RECEIVED,
  ALT_SVC_RECEIVED,
}

/** The mutable facts a stream's machine keeps. */
export class StreamMachine {
  state = StreamState.IDLE;
  /** Our role on this stream: true client, false server, null not yet known. */
  client: boolean | null = null;
  headersSent = false;
  trailersSent = false;
  headersReceived = false;
  trailersReceived = false;
  closedBy: StreamClosedBy | null = null;

  constructor(readonly streamId: number) {}

  /**
   * Applies one input. @throws ProtocolError for an input the table does not allow (the stream
   * becomes CLOSED), StreamClosedError for frames on a closed or half-closed stream.
   */
  processInput(input: StreamInput): Outcome {
    const row = TRANSITIONS.get(this.state * INPUT_COUNT + input);
    if (row === undefined) {
      const from = this.state;
      this.state = StreamState.CLOSED;
      throw new ProtocolError(invalidInputMessage(this.streamId, input, from), { streamId: this.streamId });
    }
    const previous = this.state;
    this.state = row.next;
    if (row.action === null) return Outcome.NONE;
    try {
      return row.action(this, previous);
    } catch (err) {
      if (err instanceof ProtocolError && !(err instanceof StreamClosedError)) this.state = StreamState.CLOSED;
      throw err;
    }
  }
}

/**
 * h2's message, with the state by name (h2 4.1 on Python 3.11 prints its IntEnum as a number)
 * and, for our own actions, what was wrong: `Invalid input StreamInputs.SEND_DATA in state
 * StreamState.HALF_CLOSED_LOCAL (stream 1): END_STREAM was already sent on this stream`.
 */
function invalidInputMessage(streamId: number, input: StreamInput, state: StreamState): string {
  const message = `Invalid input StreamInputs.${StreamInput[input]} in state StreamState.${StreamState[state]} (stream ${streamId})`;
  const hint = input <= StreamInput.SEND_END_STREAM || input === StreamInput.SEND_INFORMATIONAL_HEADERS || input === StreamInput.SEND_ALTERNATIVE_SERVICE ? SEND_HINTS[state] : undefined;
  return hint === undefined ? message : `${message}: ${hint}`;
}

/** Why a state refuses something we tried to send (the RFC 9113 §5.1 rule behind it). */
const SEND_HINTS: Partial<Record<StreamState, string>> = {
  [StreamState.IDLE]: 'the stream is not open yet: send HEADERS first',
  [StreamState.RESERVED_REMOTE]: 'the peer promised this stream (PUSH_PROMISE): only the peer sends HEADERS and DATA on it',
  [StreamState.RESERVED_LOCAL]: 'this stream is reserved by our PUSH_PROMISE: send its response HEADERS first',
  [StreamState.HALF_CLOSED_LOCAL]: 'END_STREAM was already sent on this stream',
  [StreamState.CLOSED]: 'the stream is closed',
};

type Action = (m: StreamMachine, previous: StreamState) => Outcome;

/** Inputs per state in the flat key `state * INPUT_COUNT + input`: the last input, plus one. */
const INPUT_COUNT = StreamInput.RECV_GOAWAY_UNPROCESSED + 1;

// ---- actions (h2 H2StreamStateMachine methods of the same names) ----

const requestSent: Action = (m) => {
  m.client = true;
  m.headersSent = true;
  return Outcome.REQUEST_SENT;
};
const responseSent: Action = (m) => {
  if (!m.headersSent) {
    if (m.client !== false) throw new ProtocolError('Client cannot send responses.', { streamId: m.streamId });
    m.headersSent = true;
    return Outcome.RESPONSE_SENT;
  }
  if (m.trailersSent) throw new ProtocolError('Trailers already sent.', { streamId: m.streamId });
  m.trailersSent = true;
  return Outcome.TRAILERS_SENT;
};
const requestReceived: Action = (m) => {
  m.client = false;
  m.headersReceived = true;
  return Outcome.REQUEST_RECEIVED;
};
const responseReceived: Action = (m) => {
  if (!m.headersReceived) {
    if (m.client !== true) throw new ProtocolError('Server cannot receive responses.', { streamId: m.streamId });
    m.headersReceived = true;
    return Outcome.RESPONSE_RECEIVED;
  }
  if (m.trailersReceived) throw new ProtocolError('Trailers already received.', { streamId: m.streamId });
  m.trailersReceived = true;
  return Outcome.TRAILERS_RECEIVED;
};
const dataReceived: Action = (m) => {
  if (!m.headersReceived) throw new ProtocolError('cannot receive data before headers', { streamId: m.streamId });
  return Outcome.DATA_RECEIVED;
};
const windowUpdated: Action = () => Outcome.WINDOW_UPDATED;
const streamEnded: Action = (m, previous) => {
  if (previous !== StreamState.OPEN) m.closedBy = StreamClosedBy.RECV_END_STREAM;
  return Outcome.STREAM_ENDED;
};
const sendEndStream: Action = (m) => {
  m.closedBy = StreamClosedBy.SEND_END_STREAM;
  return Outcome.NONE;
};
const streamReset: Action = (m) => {
  m.closedBy = StreamClosedBy.RECV_RST_STREAM;
  return Outcome.STREAM_RESET;
};
const sendResetStream: Action = (m) => {
  m.closedBy = StreamClosedBy.SEND_RST_STREAM;
  return Outcome.NONE;
};
/** h2 `reset_stream_on_error`: a frame the stream's state forbids; answered with RST_STREAM(STREAM_CLOSED). */
const resetStreamOnError: Action = (m) => {
  m.closedBy = StreamClosedBy.SEND_RST_STREAM;
  throw new StreamClosedError(m.streamId);
};
const recvOnClosedStream: Action = (m) => {
  throw new StreamClosedError(m.streamId);
};
const sendOnClosedStream: Action = (m) => {
  throw new StreamClosedError(m.streamId);
};
const recvPushOnClosedStream: Action = (m) => {
  if (m.closedBy === StreamClosedBy.SEND_RST_STREAM) throw new StreamClosedError(m.streamId);
  throw new ProtocolError('Attempted to push on closed stream.', { streamId: m.streamId });
};
const sendPushOnClosedStream: Action = (m) => {
  throw new ProtocolError('Attempted to push on closed stream.', { streamId: m.streamId });
};
const sendNewPushedStream: Action = (m) => {
  m.client = false;
  m.headersReceived = true;
  return Outcome.NONE;
};
const recvNewPushedStream: Action = (m) => {
  m.client = true;
  m.headersSent = true;
  return Outcome.NONE;
};
const sendPushPromise: Action = (m) => {
  if (m.client === true) throw new ProtocolError('Cannot push streams from client peers.', { streamId: m.streamId });
  return Outcome.PUSH_SENT;
};
const recvPushPromise: Action = (m) => {
  if (m.client !== true) {
    const msg = m.client === null ? 'Idle streams cannot receive pushes' : 'Cannot receive pushed streams as a server';
    throw new ProtocolError(msg, { streamId: m.streamId });
  }
  return Outcome.PUSH_RECEIVED;
};
const sendInformationalResponse: Action = (m) => {
  if (m.headersSent) throw new ProtocolError('Information response after final response', { streamId: m.streamId });
  return Outcome.INFORMATIONAL_SENT;
};
const recvInformationalResponse: Action = (m) => {
  if (m.headersReceived) throw new ProtocolError('Informational response after final response', { streamId: m.streamId });
  return Outcome.INFORMATIONAL_RECEIVED;
};
const recvAltSvc: Action = (m) => {
  // RFC 7838 §4: only clients act on ALTSVC, and only before the response headers arrive.
  if (m.client === false || m.headersReceived) return Outcome.NONE;
  return Outcome.ALT_SVC_RECEIVED;
};
const sendAltSvc: Action = (m) => {
  if (m.headersSent) throw new ProtocolError('Cannot send ALTSVC after sending response headers.', { streamId: m.streamId });
  return Outcome.NONE;
};

const S = StreamState;
const I = StreamInput;
type Row = readonly [StreamState, StreamInput, Action | null, StreamState];

const ROWS: Row[] = [
  // ---- idle ----
  [S.IDLE, I.SEND_HEADERS, requestSent, S.OPEN],
  [S.IDLE, I.RECV_HEADERS, requestReceived, S.OPEN],
  [S.IDLE, I.RECV_DATA, resetStreamOnError, S.CLOSED],
  [S.IDLE, I.SEND_PUSH_PROMISE, sendNewPushedStream, S.RESERVED_LOCAL],
  [S.IDLE, I.RECV_PUSH_PROMISE, recvNewPushedStream, S.RESERVED_REMOTE],
  [S.IDLE, I.RECV_ALTERNATIVE_SERVICE, null, S.IDLE],
  [S.IDLE, I.UPGRADE_CLIENT, requestSent, S.HALF_CLOSED_LOCAL],
  [S.IDLE, I.UPGRADE_SERVER, requestReceived, S.HALF_CLOSED_REMOTE],
  [S.IDLE, I.SEND_RST_STREAM_ON_ERROR, sendResetStream, S.CLOSED],
  [S.IDLE, I.RECV_GOAWAY_UNPROCESSED, streamReset, S.CLOSED],
  // ---- reserved (remote) ----
  [S.RESERVED_REMOTE, I.RECV_HEADERS, responseReceived, S.HALF_CLOSED_LOCAL],
  [S.RESERVED_REMOTE, I.RECV_DATA, resetStreamOnError, S.CLOSED],
  [S.RESERVED_REMOTE, I.SEND_WINDOW_UPDATE, null, S.RESERVED_REMOTE],
  [S.RESERVED_REMOTE, I.RECV_WINDOW_UPDATE, windowUpdated, S.RESERVED_REMOTE],
  [S.RESERVED_REMOTE, I.SEND_RST_STREAM, sendResetStream, S.CLOSED],
  [S.RESERVED_REMOTE, I.RECV_RST_STREAM, streamReset, S.CLOSED],
  [S.RESERVED_REMOTE, I.RECV_ALTERNATIVE_SERVICE, recvAltSvc, S.RESERVED_REMOTE],
  [S.RESERVED_REMOTE, I.SEND_RST_STREAM_ON_ERROR, sendResetStream, S.CLOSED],
  [S.RESERVED_REMOTE, I.RECV_GOAWAY_UNPROCESSED, streamReset, S.CLOSED],
  // ---- reserved (local) ----
  [S.RESERVED_LOCAL, I.SEND_HEADERS, responseSent, S.HALF_CLOSED_REMOTE],
  [S.RESERVED_LOCAL, I.RECV_DATA, resetStreamOnError, S.CLOSED],
  [S.RESERVED_LOCAL, I.SEND_WINDOW_UPDATE, null, S.RESERVED_LOCAL],
  [S.RESERVED_LOCAL, I.RECV_WINDOW_UPDATE, windowUpdated, S.RESERVED_LOCAL],
  [S.RESERVED_LOCAL, I.SEND_RST_STREAM, sendResetStream, S.CLOSED],
  [S.RESERVED_LOCAL, I.RECV_RST_STREAM, streamReset, S.CLOSED],
  [S.RESERVED_LOCAL, I.SEND_ALTERNATIVE_SERVICE, sendAltSvc, S.RESERVED_LOCAL],
  [S.RESERVED_LOCAL, I.RECV_ALTERNATIVE_SERVICE, null, S.RESERVED_LOCAL],
  [S.RESERVED_LOCAL, I.SEND_RST_STREAM_ON_ERROR, sendResetStream, S.CLOSED],
  [S.RESERVED_LOCAL, I.RECV_GOAWAY_UNPROCESSED, streamReset, S.CLOSED],
  // ---- open ----
  [S.OPEN, I.SEND_HEADERS, responseSent, S.OPEN],
  [S.OPEN, I.RECV_HEADERS, responseReceived, S.OPEN],
  [S.OPEN, I.SEND_DATA, null, S.OPEN],
  [S.OPEN, I.RECV_DATA, dataReceived, S.OPEN],
  [S.OPEN, I.SEND_END_STREAM, null, S.HALF_CLOSED_LOCAL],
  [S.OPEN, I.RECV_END_STREAM, streamEnded, S.HALF_CLOSED_REMOTE],
  [S.OPEN, I.SEND_WINDOW_UPDATE, null, S.OPEN],
  [S.OPEN, I.RECV_WINDOW_UPDATE, windowUpdated, S.OPEN],
  [S.OPEN, I.SEND_RST_STREAM, sendResetStream, S.CLOSED],
  [S.OPEN, I.RECV_RST_STREAM, streamReset, S.CLOSED],
  [S.OPEN, I.SEND_PUSH_PROMISE, sendPushPromise, S.OPEN],
  [S.OPEN, I.RECV_PUSH_PROMISE, recvPushPromise, S.OPEN],
  [S.OPEN, I.SEND_INFORMATIONAL_HEADERS, sendInformationalResponse, S.OPEN],
  [S.OPEN, I.RECV_INFORMATIONAL_HEADERS, recvInformationalResponse, S.OPEN],
  [S.OPEN, I.SEND_ALTERNATIVE_SERVICE, sendAltSvc, S.OPEN],
  [S.OPEN, I.RECV_ALTERNATIVE_SERVICE, recvAltSvc, S.OPEN],
  [S.OPEN, I.SEND_RST_STREAM_ON_ERROR, sendResetStream, S.CLOSED],
  [S.OPEN, I.RECV_GOAWAY_UNPROCESSED, streamReset, S.CLOSED],
  // ---- half-closed (remote) ----
  [S.HALF_CLOSED_REMOTE, I.SEND_HEADERS, responseSent, S.HALF_CLOSED_REMOTE],
  [S.HALF_CLOSED_REMOTE, I.RECV_HEADERS, resetStreamOnError, S.CLOSED],
  [S.HALF_CLOSED_REMOTE, I.SEND_DATA, null, S.HALF_CLOSED_REMOTE],
  [S.HALF_CLOSED_REMOTE, I.RECV_DATA, resetStreamOnError, S.CLOSED],
  [S.HALF_CLOSED_REMOTE, I.SEND_END_STREAM, sendEndStream, S.CLOSED],
  [S.HALF_CLOSED_REMOTE, I.SEND_WINDOW_UPDATE, null, S.HALF_CLOSED_REMOTE],
  [S.HALF_CLOSED_REMOTE, I.RECV_WINDOW_UPDATE, windowUpdated, S.HALF_CLOSED_REMOTE],
  [S.HALF_CLOSED_REMOTE, I.SEND_RST_STREAM, sendResetStream, S.CLOSED],
  [S.HALF_CLOSED_REMOTE, I.RECV_RST_STREAM, streamReset, S.CLOSED],
  [S.HALF_CLOSED_REMOTE, I.SEND_PUSH_PROMISE, sendPushPromise, S.HALF_CLOSED_REMOTE],
  [S.HALF_CLOSED_REMOTE, I.RECV_PUSH_PROMISE, resetStreamOnError, S.CLOSED],
  [S.HALF_CLOSED_REMOTE, I.SEND_INFORMATIONAL_HEADERS, sendInformationalResponse, S.HALF_CLOSED_REMOTE],
  [S.HALF_CLOSED_REMOTE, I.SEND_ALTERNATIVE_SERVICE, sendAltSvc, S.HALF_CLOSED_REMOTE],
  [S.HALF_CLOSED_REMOTE, I.RECV_ALTERNATIVE_SERVICE, recvAltSvc, S.HALF_CLOSED_REMOTE],
  [S.HALF_CLOSED_REMOTE, I.SEND_RST_STREAM_ON_ERROR, sendResetStream, S.CLOSED],
  [S.HALF_CLOSED_REMOTE, I.RECV_GOAWAY_UNPROCESSED, streamReset, S.CLOSED],
  // ---- half-closed (local) ----
  [S.HALF_CLOSED_LOCAL, I.RECV_HEADERS, responseReceived, S.HALF_CLOSED_LOCAL],
  [S.HALF_CLOSED_LOCAL, I.RECV_DATA, dataReceived, S.HALF_CLOSED_LOCAL],
  [S.HALF_CLOSED_LOCAL, I.RECV_END_STREAM, streamEnded, S.CLOSED],
  [S.HALF_CLOSED_LOCAL, I.SEND_WINDOW_UPDATE, null, S.HALF_CLOSED_LOCAL],
  [S.HALF_CLOSED_LOCAL, I.RECV_WINDOW_UPDATE, windowUpdated, S.HALF_CLOSED_LOCAL],
  [S.HALF_CLOSED_LOCAL, I.SEND_RST_STREAM, sendResetStream, S.CLOSED],
  [S.HALF_CLOSED_LOCAL, I.RECV_RST_STREAM, streamReset, S.CLOSED],
  [S.HALF_CLOSED_LOCAL, I.RECV_PUSH_PROMISE, recvPushPromise, S.HALF_CLOSED_LOCAL],
  [S.HALF_CLOSED_LOCAL, I.RECV_INFORMATIONAL_HEADERS, recvInformationalResponse, S.HALF_CLOSED_LOCAL],
  [S.HALF_CLOSED_LOCAL, I.SEND_ALTERNATIVE_SERVICE, sendAltSvc, S.HALF_CLOSED_LOCAL],
  [S.HALF_CLOSED_LOCAL, I.RECV_ALTERNATIVE_SERVICE, recvAltSvc, S.HALF_CLOSED_LOCAL],
  [S.HALF_CLOSED_LOCAL, I.SEND_RST_STREAM_ON_ERROR, sendResetStream, S.CLOSED],
  [S.HALF_CLOSED_LOCAL, I.RECV_GOAWAY_UNPROCESSED, streamReset, S.CLOSED],
  // ---- closed ----
  [S.CLOSED, I.RECV_END_STREAM, null, S.CLOSED],
  [S.CLOSED, I.RECV_ALTERNATIVE_SERVICE, null, S.CLOSED],
  [S.CLOSED, I.RECV_HEADERS, recvOnClosedStream, S.CLOSED],
  [S.CLOSED, I.RECV_DATA, recvOnClosedStream, S.CLOSED],
  [S.CLOSED, I.RECV_WINDOW_UPDATE, null, S.CLOSED],
  [S.CLOSED, I.RECV_RST_STREAM, null, S.CLOSED],
  [S.CLOSED, I.RECV_PUSH_PROMISE, recvPushOnClosedStream, S.CLOSED],
  [S.CLOSED, I.SEND_HEADERS, sendOnClosedStream, S.CLOSED],
  [S.CLOSED, I.SEND_RST_STREAM, sendOnClosedStream, S.CLOSED],
  [S.CLOSED, I.SEND_DATA, sendOnClosedStream, S.CLOSED],
  [S.CLOSED, I.SEND_WINDOW_UPDATE, sendOnClosedStream, S.CLOSED],
  [S.CLOSED, I.SEND_END_STREAM, sendOnClosedStream, S.CLOSED],
  [S.CLOSED, I.SEND_PUSH_PROMISE, sendPushOnClosedStream, S.CLOSED],
  [S.CLOSED, I.SEND_RST_STREAM_ON_ERROR, null, S.CLOSED],
  [S.CLOSED, I.RECV_GOAWAY_UNPROCESSED, null, S.CLOSED],
];

/** The table, keyed by `state * INPUT_COUNT + input`. */
const TRANSITIONS = new Map<number, { next: StreamState; action: Action | null }>(
  ROWS.map(([state, input, action, next]) => [state * INPUT_COUNT + input, { next, action }]),
);
