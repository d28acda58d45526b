/**
 * The stream state machine against RFC 9113 §5.1, from tables written here from the RFC text
 * (../shared/rfc/rfc9113.txt §5.1), not from the implementation's table:
 *
 *  - DIAGRAM: every arrow of the §5.1 state diagram, one `it` each, run from every way of
 *    reaching its state (as a client and as a server where both can be there);
 *  - RULES: what the prose of each state allows or forbids beyond the arrows (frames that keep
 *    the state, frames that are errors);
 *  - the connection's own inputs (a stream error it answers with RST_STREAM, a stream a GOAWAY
 *    left unprocessed), which close a stream from any state.
 *
 * Legend of the diagram's labels: H = HEADERS, PP = PUSH_PROMISE, ES = the END_STREAM flag,
 * R = RST_STREAM; "send PP" / "recv PP" act on the *promised* stream. A HEADERS frame with
 * END_STREAM is the H input followed by the ES input.
 */
import { expect } from 'chai';
import { ErrorCodes, ProtocolError, StreamClosedError } from '../../src/index.js';
import { StreamClosedBy, StreamInput, StreamMachine, StreamState } from '../../src/core/stream-state.js';

type RfcState = 'idle' | 'reserved (local)' | 'reserved (remote)' | 'open' | 'half-closed (local)' | 'half-closed (remote)' | 'closed';
type RfcInput = 'send H' | 'recv H' | 'send PP' | 'recv PP' | 'send ES' | 'recv ES' | 'send R' | 'recv R' | 'send DATA' | 'recv DATA' | 'send WINDOW_UPDATE' | 'recv WINDOW_UPDATE';
type Role = 'client' | 'server';

const STATE: Record<RfcState, StreamState> = {
  idle: StreamState.IDLE,
  'reserved (local)': StreamState.RESERVED_LOCAL,
  'reserved (remote)': StreamState.RESERVED_REMOTE,
  open: StreamState.OPEN,
  'half-closed (local)': StreamState.HALF_CLOSED_LOCAL,
  'half-closed (remote)': StreamState.HALF_CLOSED_REMOTE,
  closed: StreamState.CLOSED,
};

const INPUT: Record<RfcInput, StreamInput> = {
  'send H': StreamInput.SEND_HEADERS,
  'recv H': StreamInput.RECV_HEADERS,
  'send PP': StreamInput.SEND_PUSH_PROMISE,
  'recv PP': StreamInput.RECV_PUSH_PROMISE,
  'send ES': StreamInput.SEND_END_STREAM,
  'recv ES': StreamInput.RECV_END_STREAM,
  'send R': StreamInput.SEND_RST_STREAM,
  'recv R': StreamInput.RECV_RST_STREAM,
  'send DATA': StreamInput.SEND_DATA,
  'recv DATA': StreamInput.RECV_DATA,
  'send WINDOW_UPDATE': StreamInput.SEND_WINDOW_UPDATE,
  'recv WINDOW_UPDATE': StreamInput.RECV_WINDOW_UPDATE,
};

/**
 * How each state is reached from idle, per role, in the diagram's own steps (§5.1, §8.8's
 * request/response example). Reserved states have one role each: only a server sends
 * PUSH_PROMISE (reserved local), only a client receives one (reserved remote).
 */
const REACH: Record<RfcState, Partial<Record<Role, RfcInput[]>>> = {
  idle: { client: [], server: [] },
  'reserved (local)': { server: ['send PP'] },
  'reserved (remote)': { client: ['recv PP'] },
  open: { client: ['send H'], server: ['recv H'] },
  'half-closed (local)': { client: ['send H', 'send ES'], server: ['recv H', 'send H', 'send ES'] },
  'half-closed (remote)': { client: ['send H', 'recv H', 'recv ES'], server: ['recv H', 'recv ES'] },
  closed: { client: ['send H', 'send ES', 'recv H', 'recv ES'], server: ['recv H', 'recv ES', 'send H', 'send ES'] },
};

/**
 * What an input does: move to a state, keep the state, or be refused — `'error'` (a
 * ProtocolError of any kind: the RFC's PROTOCOL_ERROR, or h2's STREAM_CLOSED where it answers
 * so) or `'STREAM_CLOSED'` (§5.1 half-closed (remote) and closed: a StreamClosedError).
 */
type Expect = { to: RfcState } | 'stays' | 'error' | 'STREAM_CLOSED';

interface Row {
  from: RfcState;
  input: RfcInput;
  expect: Expect;
  /** Only this role's way into `from` (the other role cannot do it there for HTTP reasons). */
  role?: Role;
}

/** Every arrow of the RFC 9113 §5.1 diagram. */
const DIAGRAM: Row[] = [
  // idle
  { from: 'idle', input: 'send H', expect: { to: 'open' } },
  { from: 'idle', input: 'recv H', expect: { to: 'open' } },
  { from: 'idle', input: 'send PP', expect: { to: 'reserved (local)' } },
  { from: 'idle', input: 'recv PP', expect: { to: 'reserved (remote)' } },
  // reserved (local)
  { from: 'reserved (local)', input: 'send H', expect: { to: 'half-closed (remote)' } },
  { from: 'reserved (local)', input: 'send R', expect: { to: 'closed' } },
  { from: 'reserved (local)', input: 'recv R', expect: { to: 'closed' } },
  // reserved (remote)
  { from: 'reserved (remote)', input: 'recv H', expect: { to: 'half-closed (local)' } },
  { from: 'reserved (remote)', input: 'send R', expect: { to: 'closed' } },
  { from: 'reserved (remote)', input: 'recv R', expect: { to: 'closed' } },
  // open
  { from: 'open', input: 'send ES', expect: { to: 'half-closed (local)' } },
  { from: 'open', input: 'recv ES', expect: { to: 'half-closed (remote)' } },
  { from: 'open', input: 'send R', expect: { to: 'closed' } },
  { from: 'open', input: 'recv R', expect: { to: 'closed' } },
  // half-closed (local)
  { from: 'half-closed (local)', input: 'recv ES', expect: { to: 'closed' } },
  { from: 'half-closed (local)', input: 'send R', expect: { to: 'closed' } },
  { from: 'half-closed (local)', input: 'recv R', expect: { to: 'closed' } },
  // half-closed (remote)
  { from: 'half-closed (remote)', input: 'send ES', expect: { to: 'closed' } },
  { from: 'half-closed (remote)', input: 'send R', expect: { to: 'closed' } },
  { from: 'half-closed (remote)', input: 'recv R', expect: { to: 'closed' } },
];

/** The prose of each state in §5.1: frames it allows without a transition, and frames that are errors. */
const RULES: Row[] = [
  // idle: "Receiving any frame other than HEADERS or PRIORITY ... PROTOCOL_ERROR"; nothing but H and PP may be sent.
  { from: 'idle', input: 'recv DATA', expect: 'error' },
  { from: 'idle', input: 'recv R', expect: 'error' },
  { from: 'idle', input: 'recv WINDOW_UPDATE', expect: 'error' },
  { from: 'idle', input: 'send DATA', expect: 'error' },
  { from: 'idle', input: 'send R', expect: 'error' },
  // reserved (local): "MUST NOT send any type of frame other than HEADERS, RST_STREAM, or PRIORITY";
  // "A PRIORITY or WINDOW_UPDATE frame MAY be received"; anything else received is PROTOCOL_ERROR.
  { from: 'reserved (local)', input: 'send DATA', expect: 'error' },
  { from: 'reserved (local)', input: 'send ES', expect: 'error' },
  { from: 'reserved (local)', input: 'recv WINDOW_UPDATE', expect: 'stays' },
  { from: 'reserved (local)', input: 'recv H', expect: 'error' },
  { from: 'reserved (local)', input: 'recv DATA', expect: 'error' },
  // reserved (remote): "MUST NOT send any type of frame other than RST_STREAM, WINDOW_UPDATE, or
  // PRIORITY"; receiving anything but HEADERS, RST_STREAM or PRIORITY is PROTOCOL_ERROR.
  { from: 'reserved (remote)', input: 'send H', expect: 'error' },
  { from: 'reserved (remote)', input: 'send DATA', expect: 'error' },
  { from: 'reserved (remote)', input: 'send WINDOW_UPDATE', expect: 'stays' },
  { from: 'reserved (remote)', input: 'recv DATA', expect: 'error' },
  // open: "may be used by both peers to send frames of any type".
  { from: 'open', input: 'send DATA', expect: 'stays' },
  { from: 'open', input: 'recv DATA', expect: 'stays', role: 'server' },
  { from: 'open', input: 'send WINDOW_UPDATE', expect: 'stays' },
  { from: 'open', input: 'recv WINDOW_UPDATE', expect: 'stays' },
  // half-closed (local): "cannot be used for sending frames other than WINDOW_UPDATE, PRIORITY,
  // and RST_STREAM"; "can receive any type of frame".
  { from: 'half-closed (local)', input: 'send DATA', expect: 'error' },
  { from: 'half-closed (local)', input: 'send H', expect: 'error' },
  { from: 'half-closed (local)', input: 'send ES', expect: 'error' },
  { from: 'half-closed (local)', input: 'send WINDOW_UPDATE', expect: 'stays' },
  { from: 'half-closed (local)', input: 'recv DATA', expect: 'stays', role: 'server' },
  { from: 'half-closed (local)', input: 'recv H', expect: 'stays', role: 'client' },
  { from: 'half-closed (local)', input: 'recv WINDOW_UPDATE', expect: 'stays' },
  // half-closed (remote): frames "other than WINDOW_UPDATE, PRIORITY, or RST_STREAM" received are
  // a stream error of type STREAM_CLOSED; it "can be used by the endpoint to send frames of any type".
  { from: 'half-closed (remote)', input: 'recv DATA', expect: 'STREAM_CLOSED' },
  { from: 'half-closed (remote)', input: 'recv H', expect: 'STREAM_CLOSED' },
  { from: 'half-closed (remote)', input: 'recv WINDOW_UPDATE', expect: 'stays' },
  { from: 'half-closed (remote)', input: 'send DATA', expect: 'stays' },
  { from: 'half-closed (remote)', input: 'send H', expect: 'stays', role: 'server' },
  { from: 'half-closed (remote)', input: 'send WINDOW_UPDATE', expect: 'stays' },
  // closed: "MUST NOT send frames other than PRIORITY"; WINDOW_UPDATE or RST_STREAM may still
  // arrive after our END_STREAM; other frames on a closed stream are STREAM_CLOSED errors.
  { from: 'closed', input: 'send H', expect: 'error' },
  { from: 'closed', input: 'send DATA', expect: 'error' },
  { from: 'closed', input: 'send ES', expect: 'error' },
  { from: 'closed', input: 'send R', expect: 'error' },
  { from: 'closed', input: 'send WINDOW_UPDATE', expect: 'error' },
  { from: 'closed', input: 'send PP', expect: 'error' },
  { from: 'closed', input: 'recv WINDOW_UPDATE', expect: 'stays' },
  { from: 'closed', input: 'recv R', expect: 'stays' },
  { from: 'closed', input: 'recv DATA', expect: 'STREAM_CLOSED' },
  { from: 'closed', input: 'recv H', expect: 'STREAM_CLOSED' },
];

/** A fresh machine for stream 1 (or 2 when promised) taken along `path`. */
function reach(path: RfcInput[]): StreamMachine {
  const machine = new StreamMachine(path[0] === 'send PP' || path[0] === 'recv PP' ? 2 : 1);
  for (const input of path) machine.processInput(INPUT[input]);
  return machine;
}

function ways(row: Row): Array<[Role, RfcInput[]]> {
  const all = Object.entries(REACH[row.from]) as Array<[Role, RfcInput[]]>;
  return row.role === undefined ? all : all.filter(([role]) => role === row.role);
}

function check(row: Row): void {
  const found = ways(row);
  expect(found, `a way into ${row.from}`).to.not.have.length(0);
  for (const [role, path] of found) {
    const machine = reach(path);
    expect(machine.state, `${role}: ${path.join(', ') || 'nothing'} reaches ${row.from}`).to.equal(STATE[row.from]);
    const where = `${role} in ${row.from}, ${row.input}`;
    const run = (): unknown => machine.processInput(INPUT[row.input]);
    if (row.expect === 'error') {
      expect(run, where).to.throw(ProtocolError);
    } else if (row.expect === 'STREAM_CLOSED') {
      expect(run, where).to.throw(StreamClosedError).with.property('errorCode', ErrorCodes.STREAM_CLOSED);
    } else {
      run();
      expect(machine.state, where).to.equal(row.expect === 'stays' ? STATE[row.from] : STATE[row.expect.to]);
    }
  }
}

const title = (row: Row): string =>
  `${row.from}: ${row.input} ${typeof row.expect === 'object' ? `→ ${row.expect.to}` : row.expect === 'stays' ? `keeps it ${row.from}` : `is refused (${row.expect === 'error' ? 'protocol error' : 'STREAM_CLOSED'})`}`;

describe('stream states (RFC 9113 §5.1)', function () {
  describe('every arrow of the state diagram', function () {
    for (const row of DIAGRAM) {
      it(title(row), function () {
        check(row);
      });
    }
  });

  describe('what each state allows and forbids', function () {
    for (const row of RULES) {
      it(title(row), function () {
        check(row);
      });
    }
  });

  describe("the connection's own inputs", function () {
    const OPEN_STATES = (Object.keys(REACH) as RfcState[]).filter((s) => s !== 'closed');

    for (const from of OPEN_STATES) {
      it(`${from}: a stream error the connection answers with RST_STREAM closes it, closed by our reset (§5.4.2)`, function () {
        for (const path of Object.values(REACH[from])) {
          const machine = reach(path);
          machine.processInput(StreamInput.SEND_RST_STREAM_ON_ERROR);
          expect(machine.state).to.equal(StreamState.CLOSED);
          expect(machine.closedBy).to.equal(StreamClosedBy.SEND_RST_STREAM);
        }
      });

      it(`${from}: a graceful GOAWAY that did not process it closes it as reset by the peer (§6.8)`, function () {
        for (const path of Object.values(REACH[from])) {
          const machine = reach(path);
          machine.processInput(StreamInput.RECV_GOAWAY_UNPROCESSED);
          expect(machine.state).to.equal(StreamState.CLOSED);
          expect(machine.closedBy).to.equal(StreamClosedBy.RECV_RST_STREAM);
        }
      });
    }

    it('closed: neither changes how the stream closed', function () {
      for (const path of Object.values(REACH.closed)) {
        const machine = reach(path);
        const closedBy = machine.closedBy;
        machine.processInput(StreamInput.SEND_RST_STREAM_ON_ERROR);
        machine.processInput(StreamInput.RECV_GOAWAY_UNPROCESSED);
        expect(machine.state).to.equal(StreamState.CLOSED);
        expect(machine.closedBy).to.equal(closedBy);
      }
    });
  });

  it('an input the table refuses closes the stream (h2 `process_input`)', function () {
    const machine = reach(['send H', 'send ES']);
    expect(() => machine.processInput(StreamInput.SEND_DATA)).to.throw(ProtocolError, /HALF_CLOSED_LOCAL/);
    expect(machine.state).to.equal(StreamState.CLOSED);
  });
});
