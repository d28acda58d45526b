/**
 * The connection state machine's GOAWAY bookkeeping: draining after a graceful GOAWAY either
 * way, and which new peer streams a GOAWAY we sent refuses (RFC 9113 §6.8).
 */
import { expect } from 'chai';
import { ConnectionState, ProtocolError } from '../../src/index.js';
import { ConnectionInput, ConnectionStateMachine } from '../../src/core/connection-state.js';

function serverOpen(): ConnectionStateMachine {
  const m = new ConnectionStateMachine();
  m.processInput(ConnectionInput.RECV_HEADERS);
  return m;
}

describe('ConnectionStateMachine', function () {
  it('refuses peer streams above the lowest last-stream-id we sent, while draining', function () {
    const m = serverOpen();
    expect(m.refusesPeerStream(99)).to.equal(false);
    m.goAway(ConnectionInput.SEND_GOAWAY, true);
    m.goAwaySent(7);
    m.goAway(ConnectionInput.SEND_GOAWAY, true);
    m.goAwaySent(9); // a later GOAWAY cannot raise it (RFC 9113 §6.8)
    expect(m.state).to.equal(ConnectionState.CLOSED);
    expect(m.draining).to.equal(true);
    expect(m.refusesPeerStream(7)).to.equal(false);
    expect(m.refusesPeerStream(9)).to.equal(true);
  });

  it('refuses nothing once the connection is dead (an error GOAWAY, or a connection error)', function () {
    const m = serverOpen();
    m.goAway(ConnectionInput.SEND_GOAWAY, true);
    m.goAwaySent(1);
    m.fail();
    expect(m.draining).to.equal(false);
    expect(m.refusesPeerStream(3)).to.equal(false);
    expect(() => m.processInput(ConnectionInput.RECV_HEADERS)).to.throw(ProtocolError);
  });

  it('keeps running the table while draining: PING and SETTINGS still pass', function () {
    const m = serverOpen();
    m.goAway(ConnectionInput.RECV_GOAWAY, true);
    m.processInput(ConnectionInput.RECV_PING);
    m.processInput(ConnectionInput.SEND_SETTINGS);
    expect(m.draining).to.equal(true);
  });
});
